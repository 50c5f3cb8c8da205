import { parseArgs, type ParseArgsConfig } from 'node:util';
import { configFromEnv } from '../engine/config.ts';
import { Engine } from '../engine/engine.ts';
import { UserError, errorMessage } from '../engine/errors.ts';
import { percentOf, type IndexProgress } from '../engine/progress.ts';
import { SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX } from '../protocol/tools.ts';
import { BATON_VERSION } from '../server/version.ts';

export const USAGE = `Usage: baton <command> [options]

Commands:
  mcp                          Run the MCP server on stdin/stdout (for Claude Code, Cursor, VS Code…)
  index <path>                 Index a folder and wait until done (only changed files on re-index)
      --force                    start over from an empty index
      --splitter ast|langchain   syntax-aware (default) or line-based chunks
      --ext .vue,.svelte         extra extensions to index
      --ignore "gen/,*.snap"     extra .gitignore-style patterns to exclude
  search <path> <query>        Search an indexed folder
      --limit N                  results (default ${SEARCH_LIMIT_DEFAULT}, at most ${SEARCH_LIMIT_MAX})
      --ext .ts,.py              only these extensions
  status [path]                Indexed codebases, or one folder's status
  clear <path>                 Delete a folder's index

Options: --json (machine-readable output), --help, --version
Environment: BATON_HOME (data folder, default ~/.baton), BATON_MAX_FILES, BATON_MAX_FILE_BYTES,
  BATON_EMBEDDING_BASE_URL, BATON_EMBEDDING_MODEL, BATON_EMBEDDING_API_KEY
Exit codes: 0 success, 1 failure, 2 usage error.`;

class UsageError extends Error {}

const OPTIONS = {
  json: { type: 'boolean' },
  force: { type: 'boolean' },
  splitter: { type: 'string' },
  ext: { type: 'string' },
  ignore: { type: 'string' },
  limit: { type: 'string' },
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
  switch (command) {
    case 'mcp': {
      const { runStdioServer } = await import('../server/stdio-main.ts');
      await runStdioServer();
      return 0;
    }
    case 'index':
      return withEngine((engine) => indexCommand(engine, requireArgs(rest, 1, 'index <path>')[0]!, values));
    case 'search': {
      const [path, ...words] = requireArgs(rest, 2, 'search <path> <query>');
      return withEngine((engine) => searchCommand(engine, path!, words.join(' '), values));
    }
    case 'status':
      return withEngine((engine) => statusCommand(engine, rest[0], values));
    case 'clear':
      return withEngine((engine) => clearCommand(engine, requireArgs(rest, 1, 'clear <path>')[0]!, values));
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function requireArgs(args: string[], count: number, form: string): string[] {
  if (args.length < count) throw new UsageError(`missing arguments: baton ${form}`);
  if (form !== 'search <path> <query>' && args.length > count) throw new UsageError(`too many arguments: baton ${form}`);
  return args;
}

async function withEngine(body: (engine: Engine) => Promise<number>): Promise<number> {
  const engine = new Engine(configFromEnv());
  try {
    return await body(engine);
  } finally {
    engine.close();
  }
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter(Boolean);
}

async function indexCommand(engine: Engine, path: string, values: Parsed['values']): Promise<number> {
  const splitter = values.splitter;
  if (splitter !== undefined && splitter !== 'ast' && splitter !== 'langchain') throw new UsageError('--splitter must be "ast" or "langchain"');
  const showProgress = !values.json && process.stderr.isTTY;
  const started = await engine.startIndex(
    path,
    { force: values.force, splitter, customExtensions: list(values.ext), ignorePatterns: list(values.ignore) },
    showProgress ? (progress) => process.stderr.write(`\r${progressLine(progress)}\x1b[K`) : undefined,
  );
  const final = await started.done;
  if (showProgress) process.stderr.write('\r\x1b[K');
  const status = engine.status(started.root);
  if (values.json) print(JSON.stringify(status, null, 2));
  else if (final.phase === 'done') print(`Indexed ${started.root}: ${status.fileCount} files, ${status.chunkCount} chunks (${final.message}).`);
  if (final.phase !== 'done') {
    process.stderr.write(`baton: indexing ${started.root} ${final.phase}: ${final.message}\n`);
    return 1;
  }
  return 0;
}

function progressLine(progress: IndexProgress): string {
  if (progress.phase === 'embedding') return `Embedding… ${progress.message}`;
  return `Indexing ${progress.processedFiles}/${progress.totalFiles} files (${percentOf(progress)}%), ${progress.chunkCount} chunks`;
}

async function searchCommand(engine: Engine, path: string, query: string, values: Parsed['values']): Promise<number> {
  const limit = values.limit === undefined ? SEARCH_LIMIT_DEFAULT : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > SEARCH_LIMIT_MAX) throw new UsageError(`--limit must be a whole number from 1 to ${SEARCH_LIMIT_MAX}`);
  if (query.trim() === '') throw new UsageError('the query is empty');
  const response = await engine.search(path, query, { limit, extensionFilter: list(values.ext) });
  if (values.json) return print(JSON.stringify(response.results, null, 2));
  if (response.results.length === 0) return print(`No results for "${query}".`);
  for (const result of response.results) {
    const preview = result.content.split('\n').slice(0, 3).map((line) => `    ${line}`).join('\n');
    print(`${result.file}:${result.startLine}-${result.endLine}  (${result.language}, score ${result.score})\n${preview}\n`);
  }
  return 0;
}

async function statusCommand(engine: Engine, path: string | undefined, values: Parsed['values']): Promise<number> {
  if (path !== undefined) {
    const status = engine.status(path);
    if (values.json) return print(JSON.stringify(status, null, 2));
    if (status.status === 'not_found') return print(`${status.path} is not indexed.`);
    return print(`${status.root}: ${status.status} (${status.percent}%), ${status.fileCount} files, ${status.chunkCount} chunks${status.message ? ` — ${status.message}` : ''}`);
  }
  const codebases = engine.listCodebases().map((codebase) => ({
    root: codebase.root,
    status: codebase.status,
    fileCount: codebase.fileCount,
    chunkCount: codebase.chunkCount,
    percent: codebase.status === 'indexed' ? 100 : percentOf(codebase),
    indexedAt: codebase.finishedAt,
    message: codebase.message,
  }));
  if (values.json) return print(JSON.stringify({ codebases }, null, 2));
  if (codebases.length === 0) return print('No codebases are indexed yet. Run "baton index <path>".');
  for (const codebase of codebases) print(`${codebase.root}: ${codebase.status} (${codebase.percent}%), ${codebase.fileCount} files, ${codebase.chunkCount} chunks`);
  return 0;
}

async function clearCommand(engine: Engine, path: string, values: Parsed['values']): Promise<number> {
  const removed = await engine.clear(path);
  if (values.json) return print(JSON.stringify({ path: removed.root, cleared: true, fileCount: removed.fileCount, chunkCount: removed.chunkCount }));
  return print(`Cleared the index of ${removed.root}.`);
}
