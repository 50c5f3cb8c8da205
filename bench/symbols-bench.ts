/**
 * The symbol table's part of `npm run bench` (called from bench/index-bench.ts
 * on the same corpus, in the same run):
 *
 * - its cost: full index time (wall and CPU) and database size with and
 *   without symbols, in pairs of runs that alternate which goes first;
 * - lookups on the benchmark's index: find_symbol and find_references for
 *   sampled definition names (p50/p95);
 * - agreement with Universal Ctags on the same tree, both ways, for sampled
 *   definitions; and per language on small files of the twelve languages.
 */
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_MAX_FILE_BYTES } from '../src/engine/config.ts';
import { Engine } from '../src/engine/engine.ts';
import { decodeDefinitions } from '../src/engine/symbols/codec.ts';
import { CTAGS_MISSING, comparableTags, ctagsVersion, runCtags, type CtagsTag } from './ctags.ts';
import { indexInChildProcess, type IndexRun } from './index-process.ts';
import { mb, median, ms, percent, percentile, round } from './stats.ts';
import { SAMPLES } from '../test/fixtures/chunker/samples.ts';
import { FORMS } from '../test/fixtures/symbols/forms.ts';

const TARGETS = { lookupP95Ms: 5, referencesP95Ms: 20, indexTimeIncrease: 0.15, databaseIncrease: 0.3, ctagsAgreement: 0.95 };
const LOOKUP_NAMES = 200;
const LOOKUP_ROUNDS = 5;
const AGREEMENT_SAMPLE = 300;
const SEED = 20261201;

export interface SymbolsBenchInput {
  readonly root: string;
  /** A BATON_HOME holding the benchmark's (symbol-indexed) index of `root`. */
  readonly indexedHome: string;
  readonly newHome: () => string;
  readonly pairs: number;
  readonly maxFiles: number;
  readonly log: (line?: string) => void;
  readonly progress: (line: string) => void;
}

/** A small deterministic generator, so that every run samples the same names. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample<T>(items: readonly T[], count: number, next: () => number): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length > 0) picked.push(pool.splice(Math.floor(next() * pool.length), 1)[0]!);
  return picked;
}

export async function symbolsBench(input: SymbolsBenchInput) {
  const { log, progress } = input;
  const cost = await indexCost(input);
  log('');
  log(`Symbol table cost (${input.pairs} pairs of full index runs, with and without symbols, alternating which runs first)`);
  log(`  full index:  ${ms(cost.withMs)} with symbols vs ${ms(cost.withoutMs)} without: +${percent(cost.timeIncrease)} wall (target ≤ +15%: ${verdict(cost.timeIncrease <= TARGETS.indexTimeIncrease)}); CPU ${ms(cost.withCpuMs)} vs ${ms(cost.withoutCpuMs)}: +${percent(cost.cpuIncrease)}`);
  log(`  database:    ${mb(cost.withBytes)} vs ${mb(cost.withoutBytes)}: +${percent(cost.sizeIncrease)} (target ≤ +30%: ${verdict(cost.sizeIncrease <= TARGETS.databaseIncrease)})`);
  log(`  peak RSS:    ${mb(cost.withRss)} vs ${mb(cost.withoutRss)}`);

  progress('symbol lookups…');
  const engine = new Engine({ home: input.indexedHome, maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: input.maxFiles });
  try {
    const lookups = lookupLatency(engine, input.root);
    log('');
    log(`Symbol lookups (${lookups.names} definition names sampled from the index; ${LOOKUP_ROUNDS} rounds after a warm-up round)`);
    log(`  find_symbol (limit 10):      p50 ${ms(lookups.symbol.p50)}, p95 ${ms(lookups.symbol.p95)}, max ${ms(lookups.symbol.max)} (target p95 ≤ 5 ms: ${verdict(lookups.symbol.p95 <= TARGETS.lookupP95Ms)})`);
    log(`  find_references (limit 50):  p50 ${ms(lookups.references.p50)}, p95 ${ms(lookups.references.p95)}, max ${ms(lookups.references.max)} (target p95 ≤ 20 ms: ${verdict(lookups.references.p95 <= TARGETS.referencesP95Ms)})`);
    log(`  find_symbol by 3-letter prefix: p50 ${ms(lookups.prefix.p50)}, p95 ${ms(lookups.prefix.p95)}`);
    log(`  definitions in the index: ${lookups.definitions.toLocaleString('en-US')} in ${lookups.files.toLocaleString('en-US')} files`);

    progress('agreement with Universal Ctags…');
    const version = ctagsVersion(progress);
    let agreement: ReturnType<typeof corpusAgreement> | undefined;
    let perLanguage: Awaited<ReturnType<typeof languageAgreement>> = [];
    log('');
    if (version) {
      agreement = corpusAgreement(engine, input.root);
      perLanguage = await languageAgreement();
      log(`Agreement with ${version} on the corpus (JavaScript and TypeScript; same file, line and name)`);
      log(`  ctags → Baton: ${percent(agreement.ctagsFound)} of ${agreement.ctagsSample} sampled ctags definitions (of ${agreement.ctagsComparable.toLocaleString('en-US')} comparable, ${agreement.ctagsTotal.toLocaleString('en-US')} tags) (target ≥ 95%: ${verdict(agreement.ctagsFound >= TARGETS.ctagsAgreement)})`);
      log(`  Baton → ctags: ${percent(agreement.batonFound)} of ${agreement.batonSample} sampled Baton definitions`);
      for (const miss of agreement.ctagsMisses.slice(0, 5)) log(`    not found by Baton: ${miss}`);
      for (const miss of agreement.batonMisses.slice(0, 5)) log(`    not reported by ctags: ${miss}`);
      log('  per language, on the samples of test/fixtures (small: every definition, not a sample):');
      for (const row of perLanguage) log(`    ${row.language.padEnd(11)} ctags → Baton ${row.ctagsFound}/${row.ctagsTotal}   Baton → ctags ${row.batonFound}/${row.batonTotal}`);
    } else {
      log(`Agreement with Universal Ctags: skipped. ${CTAGS_MISSING}`);
    }
    return {
      cost: {
        pairs: input.pairs,
        withMs: round(cost.withMs, 0),
        withoutMs: round(cost.withoutMs, 0),
        timeIncrease: round(cost.timeIncrease, 4),
        withCpuMs: round(cost.withCpuMs, 0),
        withoutCpuMs: round(cost.withoutCpuMs, 0),
        cpuIncrease: round(cost.cpuIncrease, 4),
        withMb: round(cost.withBytes / 1e6),
        withoutMb: round(cost.withoutBytes / 1e6),
        sizeIncrease: round(cost.sizeIncrease, 4),
      },
      lookups: {
        names: lookups.names,
        symbolP50Ms: round(lookups.symbol.p50, 2),
        symbolP95Ms: round(lookups.symbol.p95, 2),
        referencesP50Ms: round(lookups.references.p50, 2),
        referencesP95Ms: round(lookups.references.p95, 2),
        prefixP95Ms: round(lookups.prefix.p95, 2),
        definitions: lookups.definitions,
      },
      ctags: agreement
        ? {
            version,
            ctagsSample: agreement.ctagsSample,
            ctagsFound: round(agreement.ctagsFound, 4),
            batonSample: agreement.batonSample,
            batonFound: round(agreement.batonFound, 4),
            perLanguage,
          }
        : null,
      targets: {
        lookupP95Ms: lookups.symbol.p95 <= TARGETS.lookupP95Ms,
        referencesP95Ms: lookups.references.p95 <= TARGETS.referencesP95Ms,
        indexTimeIncrease: cost.timeIncrease <= TARGETS.indexTimeIncrease,
        databaseIncrease: cost.sizeIncrease <= TARGETS.databaseIncrease,
        ctagsAgreement: agreement ? agreement.ctagsFound >= TARGETS.ctagsAgreement : null,
      },
    };
  } finally {
    engine.close();
  }
}

function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}

// ── cost ──────────────────────────────────────────────────────────────────

async function indexCost(input: SymbolsBenchInput) {
  const runs: { symbols: boolean; run: IndexRun; bytes: number }[] = [];
  for (let pair = 0; pair < input.pairs; pair++) {
    // Alternate the order, so that a machine getting busier or quieter favours neither.
    for (const symbols of pair % 2 === 0 ? [false, true] : [true, false]) {
      input.progress(`full index ${symbols ? 'with' : 'without'} symbols (pair ${pair + 1}/${input.pairs})…`);
      const home = input.newHome();
      const run = await indexInChildProcess(input.root, home, { maxFiles: input.maxFiles, symbols });
      runs.push({ symbols, run, bytes: folderBytes(home) });
      rmSync(home, { recursive: true, force: true });
    }
  }
  const of = (symbols: boolean, value: (entry: (typeof runs)[number]) => number): number => median(runs.filter((entry) => entry.symbols === symbols).map(value));
  const withMs = of(true, (entry) => entry.run.ms);
  const withoutMs = of(false, (entry) => entry.run.ms);
  const withCpuMs = of(true, (entry) => entry.run.cpuMs);
  const withoutCpuMs = of(false, (entry) => entry.run.cpuMs);
  const withBytes = of(true, (entry) => entry.bytes);
  const withoutBytes = of(false, (entry) => entry.bytes);
  return {
    withMs,
    withoutMs,
    timeIncrease: withMs / withoutMs - 1,
    withCpuMs,
    withoutCpuMs,
    cpuIncrease: withCpuMs / withoutCpuMs - 1,
    withBytes,
    withoutBytes,
    sizeIncrease: withBytes / withoutBytes - 1,
    withRss: of(true, (entry) => entry.run.peakRssBytes),
    withoutRss: of(false, (entry) => entry.run.peakRssBytes),
  };
}

function folderBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

// ── lookups ───────────────────────────────────────────────────────────────

interface StoredDefinition {
  readonly file: string;
  readonly name: string;
  readonly line: number;
}

/** Every definition in the index, with its file. */
function indexedDefinitions(engine: Engine, root: string): StoredDefinition[] {
  // The store keeps the real path: a corpus reached through a symbolic link (a git worktree's) is stored under its target.
  const codebase = engine.store.codebases.byRoot(realpathSync(root));
  if (!codebase) throw new Error(`${root} is not indexed`);
  const rows = engine.store.db
    .prepare('SELECT f.path AS path, s.definitions AS definitions FROM file_symbols s JOIN files f ON f.id = s.file_id WHERE f.codebase_id = ? ORDER BY f.path')
    .all(codebase.id) as { path: string; definitions: string }[];
  return rows.flatMap((row) => decodeDefinitions(row.definitions).map((definition) => ({ file: row.path, name: definition.name, line: definition.line })));
}

function spread(values: readonly number[]) {
  return { p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values) };
}

function lookupLatency(engine: Engine, root: string) {
  const definitions = indexedDefinitions(engine, root);
  const names = sample(definitions, LOOKUP_NAMES, random(SEED)).map((definition) => definition.name);
  const time = (run: (name: string) => unknown, queries: readonly string[]): number[] => {
    for (const query of queries) run(query); // warm-up
    const timings: number[] = [];
    for (let round = 0; round < LOOKUP_ROUNDS; round++) {
      for (const query of queries) {
        const start = performance.now();
        run(query);
        timings.push(performance.now() - start);
      }
    }
    return timings;
  };
  return {
    names: names.length,
    definitions: definitions.length,
    files: new Set(definitions.map((definition) => definition.file)).size,
    symbol: spread(time((name) => engine.symbols.findSymbol(root, name, { limit: 10 }), names)),
    references: spread(time((name) => engine.symbols.findReferences(root, name, { limit: 50 }), names)),
    prefix: spread(time((name) => engine.symbols.findSymbol(root, name, { limit: 10 }), names.filter((name) => name.length >= 3).map((name) => name.slice(0, 3)))),
  };
}

// ── agreement with ctags ─────────────────────────────────────────────────

function key(file: string, line: number, name: string): string {
  return `${file}:${line}:${name.replace(/^#/, '')}`;
}

function corpusAgreement(engine: Engine, root: string) {
  const tags = runCtags(root, ['JavaScript', 'TypeScript']);
  const comparable = comparableTags(tags);
  const definitions = indexedDefinitions(engine, root);
  const baton = new Set(definitions.map((definition) => key(definition.file, definition.line, definition.name)));
  const ctags = new Set(tags.map((tag) => key(tag.path, tag.line, tag.name)));
  const next = random(SEED + 1);
  const ctagsSample = sample(comparable, AGREEMENT_SAMPLE, next);
  const batonSample = sample(definitions, AGREEMENT_SAMPLE, next);
  const ctagsMisses = ctagsSample.filter((tag) => !baton.has(key(tag.path, tag.line, tag.name)));
  const batonMisses = batonSample.filter((definition) => !ctags.has(key(definition.file, definition.line, definition.name)));
  return {
    ctagsTotal: tags.length,
    ctagsComparable: comparable.length,
    ctagsSample: ctagsSample.length,
    ctagsFound: 1 - ctagsMisses.length / ctagsSample.length,
    batonSample: batonSample.length,
    batonFound: 1 - batonMisses.length / batonSample.length,
    ctagsMisses: ctagsMisses.map((tag) => `${tag.path}:${tag.line} ${tag.kind} ${tag.name}`),
    batonMisses: batonMisses.map((definition) => `${definition.file}:${definition.line} ${definition.name}`),
  };
}

const CTAGS_LANGUAGE: Record<string, string> = {
  typescript: 'TypeScript', tsx: 'TypeScript', javascript: 'JavaScript', python: 'Python', go: 'Go', rust: 'Rust', java: 'Java',
  c: 'C', cpp: 'C++', csharp: 'C#', ruby: 'Ruby', php: 'PHP',
};

/** Agreement per language on the test samples (every definition of each file). */
async function languageAgreement() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'baton-bench-languages-'));
  const home = mkdtempSync(path.join(os.tmpdir(), 'baton-bench-languages-home-'));
  try {
    const files: Record<string, string[]> = Object.fromEntries(Object.entries(SAMPLES).map(([language, sample]) => [language, [sample.path]]));
    for (const [language, sample] of Object.entries(FORMS)) (files[language] ??= []).push(sample.path);
    for (const sample of [...Object.values(SAMPLES), ...Object.values(FORMS)]) {
      mkdirSync(path.dirname(path.join(root, sample.path)), { recursive: true });
      writeFileSync(path.join(root, sample.path), sample.text);
    }
    const engine = new Engine({ home, maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: 1000 }, { soleWriter: true });
    try {
      await (await engine.startIndex(root)).done;
      const definitions = indexedDefinitions(engine, engine.store.codebases.list()[0]!.root);
      const tags = runCtags(root, [...new Set(Object.values(CTAGS_LANGUAGE))]);
      const comparable = comparableTags(tags);
      return Object.entries(files).map(([language, paths]) => {
        const mine = definitions.filter((definition) => paths.includes(definition.file));
        const theirs = comparable.filter((tag: CtagsTag) => paths.includes(tag.path));
        const mineKeys = new Set(mine.map((definition) => key(definition.file, definition.line, definition.name)));
        const allTheirs = new Set(tags.filter((tag) => paths.includes(tag.path)).map((tag) => key(tag.path, tag.line, tag.name)));
        return {
          language,
          ctagsTotal: theirs.length,
          ctagsFound: theirs.filter((tag) => mineKeys.has(key(tag.path, tag.line, tag.name))).length,
          batonTotal: mine.length,
          batonFound: mine.filter((definition) => allTheirs.has(key(definition.file, definition.line, definition.name))).length,
        };
      });
    } finally {
      engine.close();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}
