/**
 * Search latency and the 29 natural-language questions on the 139k-chunk
 * bench corpus, for ranking configurations (not a test; a lighter loop than
 * `npm run bench` while tuning the ranking). Needs the corpus that
 * `npm run bench` installs into .bench/corpus; the index is kept in
 * .bench/speed-home and brought up to date incrementally.
 *
 *   node bench/ranking-speed.ts [--sweep knob=a,b] [--reindex]
 *
 * Same method as `npm run bench`: 40 queries, limit 10, a warm-up round then
 * 10 round-robin rounds; quality at limit 50, files in order of first result.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { IDENTIFIER_QUERIES, NATURAL_LANGUAGE_QUERIES } from './queries.ts';
import { QUALITY_QUESTIONS, filesInOrder, firstHitRank, score } from './quality.ts';
import { percentile, timed } from './stats.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../src/engine/config.ts';
import { Engine } from '../src/engine/engine.ts';
import { rankingConfig, type RankingOverrides } from '../src/engine/search/ranking-config.ts';

const MAIN = path.resolve(import.meta.dirname, '..');
const CORPUS = path.join(MAIN, '.bench', 'corpus');
const HOME = path.join(MAIN, '.bench', 'speed-home');
const ROUNDS = 10;

function engineConfig() {
  return { home: HOME, maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: 200_000 };
}

async function measure(overrides: RankingOverrides): Promise<string> {
  const engine = new Engine(engineConfig(), { ranking: rankingConfig(overrides) });
  try {
    const queries = [...IDENTIFIER_QUERIES, ...NATURAL_LANGUAGE_QUERIES];
    for (const query of queries) await engine.search(CORPUS, query, { limit: 10 });
    const times: number[] = [];
    const cpu: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const query of queries) {
        const before = process.cpuUsage();
        times.push((await timed(() => engine.search(CORPUS, query, { limit: 10 }))).ms);
        const used = process.cpuUsage(before);
        cpu.push((used.user + used.system) / 1000);
      }
    }
    const ranks: (number | undefined)[] = [];
    for (const { question, expected } of QUALITY_QUESTIONS) {
      ranks.push(firstHitRank(filesInOrder((await engine.search(CORPUS, question, { limit: 50 })).results), expected));
    }
    const quality = score(ranks);
    // CPU time too: on a shared machine it moves less than wall time when others run.
    return `p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms (CPU p50 ${percentile(cpu, 50).toFixed(1)}, p95 ${percentile(cpu, 95).toFixed(1)}); 29 questions: top-5 ${(quality.top5HitRate * 100).toFixed(0)}%, MRR ${quality.mrr.toFixed(3)}`;
  } finally {
    engine.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sweep: { type: 'string', multiple: true }, reindex: { type: 'boolean', default: false } }, strict: true });
  if (!existsSync(CORPUS)) throw new Error(`no corpus at ${CORPUS}: run npm run bench once`);
  const indexer = new Engine(engineConfig(), { soleWriter: true });
  try {
    const started = await indexer.startIndex(CORPUS, { force: values.reindex });
    await started.done;
  } finally {
    indexer.close();
  }
  const configs: [string, RankingOverrides][] = [['shipped', {}]];
  for (const spec of values.sweep ?? []) {
    const [knob = '', list = ''] = spec.split('=');
    const [group = '', field] = knob.split('.');
    for (const value of list.split(',')) {
      const parsed = value === 'true' ? true : value === 'false' ? false : Number(value);
      configs.push([`${knob}=${value}`, (field ? { [group]: { [field]: parsed } } : { [group]: parsed }) as RankingOverrides]);
    }
  }
  for (const [name, overrides] of configs) process.stdout.write(`${name.padEnd(30)} ${await measure(overrides)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
