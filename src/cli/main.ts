import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Coordinator } from '../coordination/coordinator.ts';
import { engineTestHooks } from '../coordination/test-hooks.ts';
import { configFromEnv, type EngineConfig } from '../engine/config.ts';
import { Engine } from '../engine/engine.ts';
import { UserError, errorMessage } from '../engine/errors.ts';
import { percentOf, type IndexProgress } from '../engine/progress.ts';
import { dryRunText } from '../engine/scan/dry-run-text.ts';
import { FILE_ROLES, isFileRole, type FileRole } from '../protocol/roles.ts';
import { FreshnessCheck } from '../engine/search/freshness.ts';
import { SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX } from '../protocol/tools.ts';
import { CoordinatedBackend } from '../server/coordinated-backend.ts';
import { stderrLogger } from '../server/logger.ts';
import { watchText } from '../server/format.ts';
import { leaderAlive, statusSnapshot } from '../server/status-snapshot.ts';
import { BATON_VERSION } from '../protocol/version.ts';
import { NOT_WATCHED, readWatchSummaries } from '../server/watch-record.ts';
import { resumeOptimizingCompilers } from './startup-tiering.ts';
import { SYMBOL_USAGE, runSymbolCommand } from './symbol-commands.ts';
import { UsageError } from './usage-error.ts';

export const USAGE = `Usage: baton <command> [options]

Commands:
  mcp                          Run the MCP server on stdin/stdout (for Claude Code, Cursor, VS Code…)
  index <path>                 Index a folder and wait until done (only changed files on re-index)
      --force                    start over from an empty index
      --splitter ast|langchain   syntax-aware (default) or line-based chunks
      --ext .vue,.svelte         extra extensions to index
      --ignore "gen/,*.snap"     extra .gitignore-style patterns to exclude
      --dry-run                  only report what would be indexed (files, size, languages, largest
                                 folders, exclusions, estimated time); reads no file, writes nothing
  search <path> <query>        Search an indexed folder
      --limit N                  results (default ${SEARCH_LIMIT_DEFAULT}, at most ${SEARCH_LIMIT_MAX})
      --ext .ts,.py              only these extensions
      --role test,docs           only files of these roles (${FILE_ROLES.join(', ')})
${SYMBOL_USAGE}
  status [path]                Indexed codebases, or one folder's status
  clear <path>                 Delete a folder's index

Options: --json (machine-readable output), --help, --version
Environment: BATON_HOME (data folder, default ~/.baton), BATON_MAX_FILES, BATON_MAX_FILE_BYTES,
  BATON_EMBEDDING_BASE_URL, BATON_EMBEDDING_MODEL, BATON_EMBEDDING_API_KEY
Exit codes: 0 success, 1 failure, 2 usage error.`;

const OPTIONS = {
  json: { type: 'boolean' },
  force: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  splitter: { type: 'string' },
  ext: { type: 'string' },
  ignore: { type: 'string' },
  limit: { type: 'string' },
  role: { type: 'string' },
  kind: { type: 'string' },
  exact: { type: 'boolean' },
  source: { type: 'boolean' },
  definitions: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} satisfies ParseArgsConfig['options'];

type Parsed = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;

export async function main(argv: string[]): Promise<void> {
  try {
    process.exitCode = await run(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`baton: ${error.message}\nRun "baton --help" for usage.\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`baton: ${errorMessage(error)}\n`);
      if (!(error instanceof UserError) && process.env.BATON_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
      process.exitCode = 1;
    }
  }
}

async function run(argv: string[]): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(errorMessage(error));
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) return print(BATON_VERSION);
  if (values.help || command === undefined || command === 'help') return print(USAGE);
  // A server turns V8's optimizing compilers back on once it is up; every other command does its work now.
  if (command !== 'mcp') resumeOptimizingCompilers();
  switch (command) {
    case 'mcp': {
      const { runStdioServer } = await import('../server/stdio-main.ts');
      await runStdioServer();
      resumeOptimizingCompilers();
      return 0;
    }
    case 'index':
      if (values['dry-run']) return withEngine((engine) => dryRunCommand(engine, requireArgs(rest, 1, 'index <path>')[0]!, values));
      return withCoordination('index', (backend, engine) => indexCommand(backend, engine, requireArgs(rest, 1, 'index <path>')[0]!, values));
    case 'search': {
      const [path, ...words] = requireArgs(rest, 2, 'search <path> <query>');
      return withEngine((engine) => searchCommand(engine, path!, words.join(' '), values));
    }
    case 'symbols':
    case 'refs':
    case 'outline':
      return withEngine(async (engine) => runSymbolCommand(engine, command, rest, values));
    case 'status':
      return withEngine((engine, config) => statusCommand(engine, config, rest[0], values));
    case 'clear':
      return withCoordination('clear', (backend) => clearCommand(backend, requireArgs(rest, 1, 'clear <path>')[0]!, values));
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function requireArgs(args: string[], count: number, form: string): string[] {
  if (args.length < count) throw new UsageError(`missing arguments: baton ${form}`);
  if (form !== 'search <path> <query>' && args.length > count) throw new UsageError(`too many arguments: baton ${form}`);
  return args;
}

async function withEngine(body: (engine: Engine, config: EngineConfig) => Promise<number>): Promise<number> {
  const config = configFromEnv();
  const engine = new Engine(config, { hooks: engineTestHooks() });
  try {
    return await body(engine, config);
  } finally {
    engine.close();
  }
}

/**
 * Writes go through the election like any server's: the CLI leads for the
 * length of the command when no one else does, and forwards to the leader
 * (a VS Code window, a `baton mcp`) when one is running.
 */
async function withCoordination(command: string, body: (backend: CoordinatedBackend, engine: Engine) => Promise<number>): Promise<number> {
  return withEngine(async (engine, config) => {
    const quiet = { info: () => {}, warn: () => {}, error: (message: string) => process.stderr.write(`baton: ${message}\n`) };
    const coordinator = new Coordinator({ home: config.home, engine, label: `baton ${command} (command line, pid ${process.pid})`, log: process.env.BATON_DEBUG ? stderrLogger() : quiet, backgroundDuties: false });
    await coordinator.start();
    try {
      return await body(new CoordinatedBackend(engine, coordinator), engine);
    } finally {
      await coordinator.stop();
    }
  });
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter(Boolean);
}

async function indexCommand(backend: CoordinatedBackend, engine: Engine, path: string, values: Parsed['values']): Promise<number> {
  const splitter = splitterOption(values.splitter);
  const showProgress = !values.json && process.stderr.isTTY;
  const accepted = await backend.index(
    { path, force: values.force, splitter, customExtensions: list(values.ext), ignorePatterns: list(values.ignore) },
    showProgress ? (progress) => process.stderr.write(`\r${progressLine(progress)}\x1b[K`) : () => {},
  );
  const final = await accepted.done;
  if (showProgress) process.stderr.write('\r\x1b[K');
  const root = accepted.output.path;
  const status = engine.status(root);
  if (values.json) print(JSON.stringify(status, null, 2));
  else if (final.phase === 'done') print(`Indexed ${root}: ${status.fileCount} files, ${status.chunkCount} chunks (${final.message}).`);
  if (final.phase !== 'done') {
    process.stderr.write(`baton: indexing ${root} ${final.phase}: ${final.message}\n`);
    return 1;
  }
  return 0;
}

/** A dry run needs no leader and writes nothing: it scans in this process. */
async function dryRunCommand(engine: Engine, path: string, values: Parsed['values']): Promise<number> {
  const report = await engine.dryRun(path, { splitter: splitterOption(values.splitter), customExtensions: list(values.ext), ignorePatterns: list(values.ignore) });
  return print(values.json ? JSON.stringify(report, null, 2) : dryRunText(report));
}

function splitterOption(splitter: string | undefined): 'ast' | 'langchain' | undefined {
  if (splitter !== undefined && splitter !== 'ast' && splitter !== 'langchain') throw new UsageError('--splitter must be "ast" or "langchain"');
  return splitter;
}

function progressLine(progress: IndexProgress): string {
  if (progress.phase === 'embedding') return `Embedding… ${progress.message}`;
  return `Indexing ${progress.processedFiles}/${progress.totalFiles} files (${percentOf(progress)}%), ${progress.chunkCount} chunks`;
}

async function searchCommand(engine: Engine, path: string, query: string, values: Parsed['values']): Promise<number> {
  const limit = values.limit === undefined ? SEARCH_LIMIT_DEFAULT : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMIT_MAX) throw new UsageError(`--limit must be a whole number from 1 to ${SEARCH_LIMIT_MAX}`);
  if (query.trim() === '') throw new UsageError('the query is empty');
  // The CLI does not take part in the election, so it cannot re-index: it drops what the disk no longer backs.
  const freshness = new FreshnessCheck(engine.store.stamps, { budgetMs: 0, maxFileBytes: engine.config.maxFileBytes });
  const response = await freshness.search(() => engine.search(path, query, { limit, extensionFilter: list(values.ext), roles: roleList(values.role) }));
  if (values.json) return print(JSON.stringify(response.results, null, 2));
  const leftOut = response.leftOut > 0 ? ` (${response.leftOut} left out: changed or deleted on disk since indexed; re-index to see them)` : '';
  if (response.results.length === 0) return print(`No results for "${query}".${leftOut}`);
  for (const result of response.results) {
    const preview = result.content.split('\n').slice(0, 3).map((line) => `    ${line}`).join('\n');
    const stale = result.stale ? ', changed on disk since indexed; these lines are still there' : '';
    print(`${result.file}:${result.startLine}-${result.endLine}  (${result.language}, ${result.role}, score ${result.score}${stale})\n${preview}\n`);
  }
  if (leftOut) print(leftOut.trim());
  return 0;
}

function roleList(value: string | undefined): FileRole[] | undefined {
  const roles = list(value);
  if (roles === undefined) return undefined;
  const unknown = roles.filter((role) => !isFileRole(role));
  if (unknown.length > 0 || roles.length === 0) {
    throw new UsageError(`--role takes a comma-separated list of: ${FILE_ROLES.join(', ')} (unknown: ${unknown.join(', ') || 'none given'})`);
  }
  return roles as FileRole[];
}

async function statusCommand(engine: Engine, config: EngineConfig, path: string | undefined, values: Parsed['values']): Promise<number> {
  if (path !== undefined) {
    const status = engine.status(path);
    if (values.json) return print(JSON.stringify(status, null, 2));
    if (status.status === 'not_found') return print(`${status.path} is not indexed.`);
    const watch = watchText(readWatchSummaries(config.home).get(status.root!) ?? NOT_WATCHED);
    const state = stateText(status.status, status.percent, leaderAlive(config.home));
    return print(`${status.root}: ${state}, ${status.fileCount} files, ${status.chunkCount} chunks${status.message ? ` — ${status.message}` : ''}. ${watch}`);
  }
  const snapshot = statusSnapshot(config.home, engine);
  if (values.json) return print(JSON.stringify(snapshot, null, 2));
  const leader = snapshot.leader;
  print(leader?.alive ? `Leader: ${leader.label} (pid ${leader.pid}, epoch ${leader.epoch}, since ${new Date(leader.since).toISOString()})` : 'Leader: none running');
  if (snapshot.codebases.length === 0) return print('No codebases are indexed yet. Run "baton index <path>".');
  for (const codebase of snapshot.codebases) {
    const state = stateText(codebase.status, codebase.percent, leader?.alive === true);
    print(`${codebase.root}: ${state}, ${codebase.fileCount} files, ${codebase.chunkCount} chunks${codebase.watch ? `. ${watchText(codebase.watch)}` : ''}`);
  }
  return 0;
}

/**
 * A codebase's state as the CLI prints it. "indexing" with no leader alive is a run that
 * ended with its process (killed, crashed): it is not going on, it resumes with the next leader.
 */
function stateText(status: string, percent: number, leaderAlive: boolean): string {
  if (status === 'indexing' && !leaderAlive) {
    return `interrupted at ${percent}% (no Baton server is running; indexing resumes when one starts: a VS Code window, \`baton mcp\` or \`baton index <path>\`)`;
  }
  return `${status} (${percent}%)`;
}

async function clearCommand(backend: CoordinatedBackend, path: string, values: Parsed['values']): Promise<number> {
  const removed = await backend.clear(path);
  if (values.json) return print(JSON.stringify(removed));
  return print(`Cleared the index of ${removed.path}.`);
}
