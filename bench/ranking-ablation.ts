/**
 * What each part of the ranking buys (not a test): the commit-subject
 * evaluation's TUNING queries only, searched with the shipped ranking, with
 * the ranking of 0.1.0, and with one part at a time turned off. The held-out
 * queries are never searched here, so nothing tuned with this script has
 * seen them; `npm run bench:quality` reports them separately.
 *
 *   npm run bench:ablation [-- options]
 *
 *   --repos <dir>        folder of clones (default: /work/.mirror when present; see bench:quality)
 *   --config <name>      only these configurations (repeatable; default: all)
 *   --sweep <knob=a,b,c> instead of the ablation, the shipped ranking with one knob set to each value,
 *                        e.g. weights.definition=0,0.3,0.6 or priors.test=0.3,0.5 (repeatable)
 *   --reindex            index every repository from scratch (after a change to roles or chunking)
 *
 * The index is kept in .bench/quality/ablation-home and brought up to date
 * incrementally, so repeated runs only pay for the searches.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { metricsOf } from './commit-quality/metrics.ts';
import { deriveQueries, type CommitQuery } from './commit-quality/queries.ts';
import { BATON_LIMIT, MAX_SOURCE_FILES, QUERIES_PER_REPO, REPOS } from './commit-quality/recipe.ts';
import { commitsBeforePin, locateRepos, materialiseTree, pinnedPaths } from './commit-quality/repos.ts';
import { classifyPath } from './commit-quality/roles.ts';
import { askedRoles } from './commit-quality/subjects.ts';
import { filesInOrder, firstHitRank } from './quality.ts';
import { median, round } from './stats.ts';
import { configFromEnv, DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_FILES } from '../src/engine/config.ts';
import { Engine, type SearchResult } from '../src/engine/engine.ts';
import { UserError } from '../src/engine/errors.ts';
import { readFileContent } from '../src/engine/scan/file-content.ts';
import { scanCodebase } from '../src/engine/scan/scanner.ts';
import { rankingConfig, type RankingOverrides } from '../src/engine/search/ranking-config.ts';

const MAIN = path.resolve(import.meta.dirname, '..');
const WORK_DIR = path.join(MAIN, '.bench', 'quality');
const HOME = path.join(WORK_DIR, 'ablation-home');
const DEFAULT_MIRROR = '/work/.mirror';

/** Baton 0.1.0's ranking: bm25 over the top 50 chunks, files in the order of their first chunk, no priors. */
const RELEASED: RankingOverrides = {
  candidateDepth: BATON_LIMIT,
  commonShare: 0.1,
  commonMinimum: 200,
  joinedTerms: false,
  weights: { definition: 0, fileName: 0, folderName: 0, otherChunks: 0, coverage: 0 },
  priors: { source: 1, test: 1, docs: 1, changelog: 1, generated: 1, example: 1, config: 1 },
  diversity: { perFile: BATON_LIMIT, repeats: BATON_LIMIT, repeatDecay: 1, maxJoined: 1 },
};

const ABLATIONS: Readonly<Record<string, RankingOverrides>> = {
  'released (0.1.0)': RELEASED,
  shipped: {},
  'no role prior': { priors: { test: 1, docs: 1, changelog: 1, generated: 1, example: 1, config: 1 } },
  'no definition bonus': { weights: { definition: 0 } },
  'no file-name bonus': { weights: { fileName: 0 } },
  'no folder-name bonus': { weights: { folderName: 0 } },
  'no file aggregation': { weights: { otherChunks: 0 } },
  'no query coverage': { weights: { coverage: 0 } },
  'common terms from 200 matches': { commonMinimum: 200 },
  'no joined identifier terms': { joinedTerms: false },
  'no diversity caps': { diversity: { perFile: BATON_LIMIT, repeats: BATON_LIMIT } },
  'candidates 50': { candidateDepth: 50 },
};

interface TuningQuery extends CommitQuery {
  readonly root: string;
  readonly asks: ReadonlySet<string>;
}

async function tuningQueries(reposDir: string | undefined, reindex: boolean): Promise<TuningQuery[]> {
  const folders = [...(reposDir ? [reposDir] : []), path.join(WORK_DIR, 'clones')];
  const { found, missing } = locateRepos(REPOS, folders);
  if (missing.length > 0) throw new UserError(`missing repositories (run npm run bench:quality once to clone them): ${missing.map((recipe) => recipe.repo).join(', ')}`);
  mkdirSync(WORK_DIR, { recursive: true });
  const fresh = !existsSync(HOME);
  const engine = new Engine(configFromEnv({ BATON_HOME: HOME }), { soleWriter: true });
  const queries: TuningQuery[] = [];
  try {
    for (const located of found) {
      const { recipe } = located;
      const root = materialiseTree(located, path.join(WORK_DIR, 'trees'), DEFAULT_MAX_FILE_BYTES, progress);
      const scan = await scanCodebase(root, { ignorePatterns: [], customExtensions: new Set(), maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: DEFAULT_MAX_FILES });
      const indexed = new Set<string>();
      for (const file of scan.files) if ((await readFileContent(file.absolutePath, DEFAULT_MAX_FILE_BYTES)).kind === 'text') indexed.add(file.path);
      const atPin = pinnedPaths(located);
      const derived = await deriveQueries(
        commitsBeforePin(located),
        { repo: recipe.repo, language: recipe.language, pin: recipe.pin, existsAtPin: (file) => atPin.has(file), indexed: (file) => indexed.has(file), maxSourceFiles: MAX_SOURCE_FILES },
        QUERIES_PER_REPO,
      );
      // The held-out third is dropped here, before anything is searched.
      for (const query of derived.queries) if (query.split === 'tuning') queries.push({ ...query, root, asks: askedRoles(query.query) });
      progress(`${recipe.repo}: indexing${fresh || reindex ? ' from scratch' : ' (changed files only)'}…`);
      const started = await engine.startIndex(root, { force: reindex });
      const final = await started.done;
      if (final.phase !== 'done') throw new Error(`indexing ${recipe.repo} ended ${final.phase}: ${final.message}`);
    }
  } finally {
    engine.close();
  }
  return queries;
}

interface Figures {
  readonly r1: number;
  readonly r5: number;
  readonly mrr: number;
  readonly proseR5: number;
  readonly identifierR5: number;
  readonly firstTest: number;
  readonly firstDocs: number;
  readonly firstChangelog: number;
  readonly medianFilesTop10: number;
  readonly medianMs: number;
}

async function evaluate(overrides: RankingOverrides, queries: readonly TuningQuery[]): Promise<Figures> {
  const engine = new Engine(configFromEnv({ BATON_HOME: HOME }), { ranking: rankingConfig(overrides) });
  const rows: { query: TuningQuery; rank: number | undefined; first: string | undefined; files10: number; ms: number }[] = [];
  try {
    for (const query of queries) {
      const start = performance.now();
      const results = await search(engine, query.root, query.query);
      const ms = performance.now() - start;
      const files = filesInOrder(results);
      const firstResult = results[0];
      rows.push({
        query,
        rank: firstHitRank(files, query.expected),
        // Judged by the evaluation's own path classifier, the same for every configuration.
        first: firstResult ? classifyPath(firstResult.file) : undefined,
        files10: new Set(results.slice(0, 10).map((result) => result.file)).size,
        ms,
      });
    }
  } finally {
    engine.close();
  }
  const all = metricsOf(rows.map((row) => row.rank));
  const ofKind = (kind: string) => metricsOf(rows.filter((row) => row.query.kind === kind).map((row) => row.rank)).recallAt5;
  const firstRate = (role: string) => {
    const eligible = rows.filter((row) => !row.query.asks.has(role));
    return eligible.filter((row) => row.first === role).length / Math.max(1, eligible.length);
  };
  return {
    r1: all.recallAt1,
    r5: all.recallAt5,
    mrr: all.mrrAt10,
    proseR5: ofKind('prose'),
    identifierR5: ofKind('identifier'),
    firstTest: firstRate('test'),
    firstDocs: firstRate('docs'),
    firstChangelog: firstRate('changelog'),
    medianFilesTop10: median(rows.map((row) => row.files10)),
    medianMs: median(rows.map((row) => row.ms)),
  };
}

async function search(engine: Engine, root: string, query: string): Promise<SearchResult[]> {
  try {
    return (await engine.search(root, query, { limit: BATON_LIMIT })).results;
  } catch (error) {
    if (error instanceof UserError) return [];
    throw error;
  }
}

/** `weights.definition=0,0.5` → one override per value. */
function sweep(spec: string): [string, RankingOverrides][] {
  const [knob, values] = spec.split('=');
  const [group, field] = (knob ?? '').split('.');
  if (!values || !group) throw new UserError(`--sweep takes knob=value,value… (e.g. weights.definition=0,0.5), got "${spec}"`);
  return values.split(',').map((value) => {
    const parsed = value === 'true' ? true : value === 'false' ? false : Number(value);
    const override = field ? { [group]: { [field]: parsed } } : { [group]: parsed };
    return [`${knob}=${value}`, override as RankingOverrides];
  });
}

function progress(line: string): void {
  process.stderr.write(`· ${line}\n`);
}

function pct(value: number): string {
  return `${round(value * 100, 1).toFixed(1)}`.padStart(6);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { repos: { type: 'string' }, config: { type: 'string', multiple: true }, sweep: { type: 'string', multiple: true }, reindex: { type: 'boolean', default: false } },
    strict: true,
  });
  const reposDir = values.repos ? path.resolve(values.repos) : existsSync(DEFAULT_MIRROR) ? DEFAULT_MIRROR : undefined;
  const queries = await tuningQueries(reposDir, values.reindex);
  const configs: [string, RankingOverrides][] = values.sweep?.length
    ? values.sweep.flatMap(sweep)
    : Object.entries(ABLATIONS).filter(([name]) => !values.config?.length || values.config.includes(name));
  const out = (line: string): void => void process.stdout.write(`${line}\n`);
  out(`Ranking ablation on the TUNING split: ${queries.length} queries (${queries.filter((query) => query.kind === 'prose').length} prose), ${new Set(queries.map((query) => query.repo)).size} repositories`);
  out(`${'configuration'.padEnd(30)}   R@1    R@5 MRR@10 proseR5 identR5 1st:test  docs chlog files10    ms`);
  for (const [name, overrides] of configs) {
    const figures = await evaluate(overrides, queries);
    out(
      `${name.padEnd(30)} ${pct(figures.r1)} ${pct(figures.r5)} ${figures.mrr.toFixed(3).padStart(6)} ${pct(figures.proseR5)}  ${pct(figures.identifierR5)}   ${pct(figures.firstTest)} ${pct(figures.firstDocs)} ${pct(figures.firstChangelog)} ${String(figures.medianFilesTop10).padStart(7)} ${figures.medianMs.toFixed(1).padStart(5)}`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ablation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
