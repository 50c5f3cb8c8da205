/**
 * Search quality on commit subjects (not a test): each query is a real commit
 * subject of a public repository, and its answer is the source file(s) the
 * commit changed. Baton, a file-level BM25 baseline and a grep-style baseline
 * rank the files of the repository's pinned tree; the run reports Recall@1,
 * Recall@5 and MRR@10, on a tuning set and on a held-out set.
 *
 *   npm run bench:quality [-- options]
 *
 *   --repos <dir>         folder of clones, one per repository, bare or not, named
 *                         owner+name or name (default: /work/.mirror when present);
 *                         missing ones are cloned from GitHub into .bench/quality/clones
 *   --repo <name>         only this repository (owner/name, owner+name or name;
 *                         repeatable, or comma-separated)
 *   --limit-queries <n>   at most n queries per repository (the newest n of the set)
 *   --json-only           print the JSON report instead of the tables
 *   --keep-home           keep Baton's index (.bench/quality/home-*) afterwards
 *
 * Writes test-output/quality/report.json (every figure and one row per query).
 * The recipe (repositories, pins, filters) is in bench/commit-quality/; the
 * method is described in docs/benchmarks.md.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Bm25FileBaseline } from './commit-quality/bm25.ts';
import { deriveQueries, type CommitQuery, type DerivationStats, type Split } from './commit-quality/queries.ts';
import { BATON_LIMIT, QUERIES_PER_REPO, MAX_SOURCE_FILES, REPOS, repoSlug, type RepoRecipe } from './commit-quality/recipe.ts';
import { cloneRepos, commitsBeforePin, locateRepos, materialiseTree, pinnedPaths, type LocatedRepo } from './commit-quality/repos.ts';
import { firstFileTable, groupTable, headlineTable, rankLabel, summarise, type QueryRow, type SplitSummary, type SystemAnswer } from './commit-quality/report.ts';
import { classifyPath, roleOfResult } from './commit-quality/roles.ts';
import { askedRoles } from './commit-quality/subjects.ts';
import { WordCountBaseline, filesInOrder, firstHitRank } from './quality.ts';
import { count, median, ms, round } from './stats.ts';
import { configFromEnv, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES } from '../src/engine/config.ts';
import { Engine, type SearchResult } from '../src/engine/engine.ts';
import { UserError } from '../src/engine/errors.ts';
import { readFileContent } from '../src/engine/scan/file-content.ts';
import { scanCodebase } from '../src/engine/scan/scanner.ts';

const MAIN = path.resolve(import.meta.dirname, '..');
const WORK_DIR = path.join(MAIN, '.bench', 'quality');
const TREES_DIR = path.join(WORK_DIR, 'trees');
const CLONES_DIR = path.join(WORK_DIR, 'clones');
const DEFAULT_MIRROR = '/work/.mirror';
const REPORT_FILE = path.join(MAIN, 'test-output', 'quality', 'report.json');
/** Files kept per system in each query's row of the report. */
const TOP_FILES = 5;

interface Options {
  readonly reposDir: string | undefined;
  readonly only: readonly string[];
  readonly limitQueries: number;
  readonly jsonOnly: boolean;
  readonly keepHome: boolean;
}

function progress(line: string): void {
  process.stderr.write(`· ${line}\n`);
}

function readOptions(): Options {
  const { values } = parseArgs({
    options: {
      repos: { type: 'string' },
      repo: { type: 'string', multiple: true },
      'limit-queries': { type: 'string' },
      'json-only': { type: 'boolean', default: false },
      'keep-home': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const limit = values['limit-queries'] === undefined ? QUERIES_PER_REPO : Number(values['limit-queries']);
  if (!Number.isInteger(limit) || limit <= 0) throw new UserError(`--limit-queries takes a positive whole number, got "${values['limit-queries']}"`);
  return {
    reposDir: values.repos ? path.resolve(values.repos) : existsSync(DEFAULT_MIRROR) ? DEFAULT_MIRROR : undefined,
    only: (values.repo ?? []).flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== ''),
    limitQueries: Math.min(limit, QUERIES_PER_REPO),
    jsonOnly: values['json-only'],
    keepHome: values['keep-home'],
  };
}

function selectRepos(only: readonly string[]): RepoRecipe[] {
  if (only.length === 0) return [...REPOS];
  const names = (recipe: RepoRecipe) => [recipe.repo, repoSlug(recipe.repo), recipe.repo.slice(recipe.repo.indexOf('/') + 1)].map((name) => name.toLowerCase());
  const unknown = only.filter((name) => !REPOS.some((recipe) => names(recipe).includes(name.toLowerCase())));
  if (unknown.length > 0) throw new UserError(`unknown --repo ${unknown.join(', ')}; the recipe has ${REPOS.map((recipe) => recipe.repo).join(', ')}`);
  return REPOS.filter((recipe) => only.some((name) => names(recipe).includes(name.toLowerCase())));
}

/** Finds every repository in --repos or .bench/quality/clones, cloning the missing ones; fails naming those it cannot get. */
function obtainRepos(recipes: readonly RepoRecipe[], reposDir: string | undefined): LocatedRepo[] {
  const folders = [...(reposDir ? [reposDir] : []), CLONES_DIR];
  const { found, missing } = locateRepos(recipes, folders);
  if (missing.length === 0) return found;
  progress(`not found in ${folders.join(' or ')} at their pinned commits: ${missing.map((recipe) => recipe.repo).join(', ')}`);
  const { cloned, failed } = cloneRepos(missing, CLONES_DIR, progress);
  if (failed.length > 0) {
    throw new UserError(
      `missing repositories: ${failed.map((failure) => failure.recipe.repo).join(', ')}.\n` +
        failed.map((failure) => `  ${failure.recipe.repo} (pin ${failure.recipe.pin}): ${failure.reason}`).join('\n') +
        `\nLooked in ${folders.join(' and ')} for a clone named owner+name or name (bare or not) holding the pinned commit, then tried git clone from GitHub.` +
        `\nPass a folder of clones with --repos <dir>, or allow network access.`,
    );
  }
  const byRepo = new Map([...found, ...cloned].map((located) => [located.recipe.repo, located]));
  return recipes.map((recipe) => byRepo.get(recipe.repo)!);
}

interface RepoRun {
  readonly recipe: RepoRecipe;
  readonly gitDir: string;
  readonly files: number;
  readonly chunks: number;
  readonly derivation: DerivationStats;
  readonly queries: number;
  readonly ms: { tree: number; scan: number; derive: number; index: number; baselines: number; search: number };
}

async function evaluateRepo(engine: Engine, located: LocatedRepo, limitQueries: number, rows: QueryRow[]): Promise<RepoRun> {
  const { recipe } = located;
  const clock = { start: performance.now() };
  const lap = (): number => {
    const now = performance.now();
    const elapsed = now - clock.start;
    clock.start = now;
    return elapsed;
  };
  const tree = materialiseTree(located, TREES_DIR, DEFAULT_MAX_FILE_BYTES, progress);
  const treeMs = lap();

  // The files Baton indexes: its scan, read as Baton reads them (binary and minified files left out).
  const scan = await scanCodebase(tree, { ignorePatterns: [], customExtensions: new Set(), maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: DEFAULT_MAX_FILES });
  const documents: { file: string; text: string }[] = [];
  for (const file of scan.files) {
    const content = await readFileContent(file.absolutePath, DEFAULT_MAX_FILE_BYTES);
    if (content.kind === 'text') documents.push({ file: file.path, text: content.text });
  }
  const indexedFiles = new Set(documents.map((document) => document.file));
  const scanMs = lap();

  const atPin = pinnedPaths(located);
  const { queries, stats } = await deriveQueries(
    commitsBeforePin(located),
    { repo: recipe.repo, language: recipe.language, pin: recipe.pin, existsAtPin: (file) => atPin.has(file), indexed: (file) => indexedFiles.has(file), maxSourceFiles: MAX_SOURCE_FILES },
    limitQueries,
  );
  const deriveMs = lap();
  progress(`${recipe.repo}: ${queries.length} queries from ${stats.commitsRead} commits; indexing ${count(documents.length)} files with Baton…`);

  const started = await engine.startIndex(tree);
  const final = await started.done;
  if (final.phase !== 'done') throw new Error(`indexing ${recipe.repo} ended ${final.phase}: ${final.message}`);
  const indexMs = lap();
  const status = engine.status(tree);

  const bm25 = new Bm25FileBaseline(documents);
  const grep = new WordCountBaseline(tree, documents.map((document) => document.file));
  const baselineMs = lap();

  let searchMs = 0;
  for (const query of queries) {
    const start = performance.now();
    const results = await batonSearch(engine, tree, query.query);
    const elapsed = performance.now() - start;
    searchMs += elapsed;
    const batonFiles = filesInOrder(results);
    const firstResultOf = new Map<string, SearchResult>();
    for (const result of results) if (!firstResultOf.has(result.file)) firstResultOf.set(result.file, result);
    rows.push({
      ...query,
      asks: [...askedRoles(query.query)],
      baton: {
        rank: firstHitRank(batonFiles, query.expected),
        top: batonFiles.slice(0, TOP_FILES).map((file) => ({ file, role: roleOfResult(firstResultOf.get(file)!) })),
        chunks: results.length,
        distinctFilesTop10: new Set(results.slice(0, 10).map((result) => result.file)).size,
        ms: round(elapsed, 2),
      },
      bm25: answer(bm25.rank(query.query), query),
      grep: answer(grep.rank(query.query), query),
    });
  }
  const rankingMs = lap() - searchMs;
  return {
    recipe,
    gitDir: located.gitDir,
    files: status.fileCount,
    chunks: status.chunkCount,
    derivation: stats,
    queries: queries.length,
    ms: { tree: treeMs, scan: scanMs, derive: deriveMs, index: indexMs, baselines: baselineMs + rankingMs, search: searchMs },
  };
}

async function batonSearch(engine: Engine, root: string, query: string): Promise<SearchResult[]> {
  try {
    return (await engine.search(root, query, { limit: BATON_LIMIT })).results;
  } catch (error) {
    // A query with no searchable words gets no results (the engine says so with a UserError).
    if (error instanceof UserError) return [];
    throw error;
  }
}

function answer(ranking: readonly string[], query: CommitQuery): SystemAnswer {
  return { rank: firstHitRank(ranking, query.expected), top: ranking.slice(0, TOP_FILES).map((file) => ({ file, role: classifyPath(file) })) };
}

async function main(): Promise<void> {
  const options = readOptions();
  const runStart = performance.now();
  const recipes = selectRepos(options.only);
  const located = obtainRepos(recipes, options.reposDir);
  mkdirSync(WORK_DIR, { recursive: true });
  const home = mkdtempSync(path.join(WORK_DIR, 'home-'));
  const engine = new Engine(configFromEnv({ BATON_HOME: home }), { soleWriter: true });
  const rows: QueryRow[] = [];
  const runs: RepoRun[] = [];
  try {
    for (const repo of located) runs.push(await evaluateRepo(engine, repo, options.limitQueries, rows));
  } finally {
    engine.close();
    if (options.keepHome) progress(`Baton's index kept in ${home}`);
    else rmSync(home, { recursive: true, force: true });
  }
  const totalMs = performance.now() - runStart;

  const languages = recipes.map((recipe) => recipe.language);
  const summaries: Record<Split | 'all', SplitSummary> = {
    tuning: summarise(rows.filter((row) => row.split === 'tuning'), languages),
    heldout: summarise(rows.filter((row) => row.split === 'heldout'), languages),
    all: summarise(rows, languages),
  };
  const report = {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', memoryGB: round(os.totalmem() / 2 ** 30, 1) },
    options: { repos: recipes.map((recipe) => recipe.repo), limitQueries: options.limitQueries, batonLimit: BATON_LIMIT, maxSourceFiles: MAX_SOURCE_FILES },
    totalMs: round(totalMs, 0),
    repos: runs.map((run) => ({
      repo: run.recipe.repo,
      language: run.recipe.language,
      license: run.recipe.license,
      pin: run.recipe.pin,
      pinDate: run.recipe.pinDate,
      gitDir: run.gitDir,
      files: run.files,
      chunks: run.chunks,
      queries: run.queries,
      tuning: rows.filter((row) => row.repo === run.recipe.repo && row.split === 'tuning').length,
      heldout: rows.filter((row) => row.repo === run.recipe.repo && row.split === 'heldout').length,
      derivation: run.derivation,
      ms: Object.fromEntries(Object.entries(run.ms).map(([name, value]) => [name, round(value, 0)])),
    })),
    summary: summaries,
    queries: rows,
  };
  mkdirSync(path.dirname(REPORT_FILE), { recursive: true });
  writeFileSync(REPORT_FILE, `${JSON.stringify(report, null, 1)}\n`);

  if (options.jsonOnly) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  printReport(runs, rows, summaries, totalMs);
}

function printReport(runs: readonly RepoRun[], rows: readonly QueryRow[], summaries: Record<Split | 'all', SplitSummary>, totalMs: number): void {
  const log = (line = ''): void => void process.stdout.write(`${line}\n`);
  const tuning = rows.filter((row) => row.split === 'tuning').length;
  log(`Search quality on commit subjects — Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}; run took ${ms(totalMs)}`);
  log(`${rows.length} queries from ${runs.length} repositories: tuning ${tuning}, held out ${rows.length - tuning} (held out — never tune on these)`);
  log('');
  log(`  ${'repository'.padEnd(24)} ${'language'.padEnd(10)} ${'pin'.padEnd(12)} ${'files'.padStart(6)} ${'chunks'.padStart(7)} ${'queries'.padStart(7)} ${'held out'.padStart(8)} ${'index'.padStart(8)}`);
  for (const run of runs) {
    const held = rows.filter((row) => row.repo === run.recipe.repo && row.split === 'heldout').length;
    log(
      `  ${run.recipe.repo.padEnd(24)} ${run.recipe.language.padEnd(10)} ${run.recipe.pin.slice(0, 12)} ${count(run.files).padStart(6)} ${count(run.chunks).padStart(7)} ${String(run.queries).padStart(7)} ${String(held).padStart(8)} ${ms(run.ms.index).padStart(8)}`,
    );
  }
  log('');
  log('Overall (a hit: any of the commit\'s source files; files in order of their first chunk for Baton)');
  for (const line of headlineTable(summaries)) log(line);
  log('');
  log('Per language');
  const repoOf = Object.fromEntries(runs.map((run) => [run.recipe.language, `${run.recipe.language} (${run.recipe.repo})`]));
  for (const line of groupTable('language', summaries, (summary) => summary.byLanguage, repoOf)) log(line);
  log('');
  log('Per query kind (identifier: the subject holds a code-like token)');
  for (const line of groupTable('kind', summaries, (summary) => summary.byKind)) log(line);
  log('');
  log('First file of the ranking, for queries that do not name that kind of file');
  log(`  ${''.padEnd(34)} ${'tuning'.padEnd(35)} │ held out`);
  for (const line of firstFileTable(summaries)) log(line);
  log('');
  log(
    `Baton: median distinct files in the top 10 chunks — tuning ${summaries.tuning.batonMedianDistinctFilesTop10}, held out ${summaries.heldout.batonMedianDistinctFilesTop10}; ` +
      `median search ${ms(median(rows.map((row) => row.baton.ms)))}`,
  );
  const misses = rows.filter((row) => row.split === 'tuning' && (row.baton.rank === undefined || row.baton.rank > 5));
  log('');
  log(`Tuning-set queries where Baton has no answer file in its top 5: ${misses.length} (all rows, with top files and roles: ${path.relative(MAIN, REPORT_FILE)})`);
  for (const row of misses.slice(0, 12)) {
    const first = row.baton.top[0];
    log(`  ${rankLabel(row.baton.rank).padStart(4)}  ${row.repo}: "${row.query}" → first ${first ? `${first.file} [${first.role}]` : 'nothing'}; want ${row.expected.join(', ')}`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UserError) process.stderr.write(`bench:quality: ${error.message}\n`);
  else process.stderr.write(`bench:quality failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
