/**
 * Baton indexing-pipeline benchmark (not a test), part of `npm run bench`:
 *
 * - full index of the bench corpus with 0 (parse in the main thread), 1 and 2
 *   worker threads and the default: MB/s, the speed-up over one worker, CPU,
 *   peak RSS, and the main thread's event-loop delay (p99, max);
 * - the same on a mixed-language corpus (the ten repositories of
 *   `npm run bench:quality`, one per language), when it has been materialised:
 *   the median of MIXED_RUNS runs (one run alone was 10 % off whenever the
 *   machine had dropped the tree from its page cache), the highest peak RSS;
 * - a leader and a follower `baton mcp` on one home: the follower's search
 *   latency idle and while the leader re-indexes the whole corpus, whether
 *   the leadership ever moved, and the idle follower's and leader's memory.
 *
 *   npm run bench:pipeline        (builds dist/ first; `npm run bench` runs it too)
 *
 * Environment: BENCH_PIPELINE_SEARCHES (follower searches per phase, default 200).
 * Prints a readable report, then one JSON line.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { scanCodebase } from '../src/engine/scan/scanner.ts';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { benchCorpus } from './corpus.ts';
import { indexInChildProcess, type IndexRun } from './index-process.ts';
import { IDENTIFIER_QUERIES, NATURAL_LANGUAGE_QUERIES } from './queries.ts';
import { median, mb, ms, percentile, round } from './stats.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../src/engine/config.ts';
import { defaultWorkerCount } from '../src/engine/indexing/derive-pool.ts';
import { ServerProcess } from '../test/helpers/server-process.ts';
import { log, progress, verdict } from './report.ts';

const MAIN = path.resolve(import.meta.dirname, '..');
const BENCH_DIR = path.join(MAIN, '.bench');
const MIXED_CORPUS = path.join(BENCH_DIR, 'quality', 'trees');
const MAX_FILES = 200_000;
const SEARCHES = Number(process.env.BENCH_PIPELINE_SEARCHES ?? 200);
/** Runs of the mixed-language corpus (13 s each on the Intel machine): its figure is their median. */
const MIXED_RUNS = 3;
const TARGETS = { mbPerSecond: 8, mixedMbPerSecond: 5, peakRssMb: 300, loopP99Ms: 50, loopMaxMs: 200, followerRatio: 2, idleFollowerMb: 60 };

/** Resident memory of a process now (VmRSS), in bytes. */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

/** Bytes of the files Baton would index in a folder (its own scan), and their languages. */
async function indexable(folder: string): Promise<{ bytes: number; languages: Set<string> }> {
  const scan = await scanCodebase(folder, { ignorePatterns: [], customExtensions: new Set(), maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: MAX_FILES });
  return { bytes: scan.files.reduce((sum, file) => sum + file.size, 0), languages: new Set(scan.files.map((file) => file.language.id)) };
}

interface WorkerRun {
  readonly workers: number;
  readonly run: IndexRun;
  readonly mbPerSecond: number;
}

async function indexWith(root: string, bytes: number, workers: number | undefined): Promise<WorkerRun> {
  const home = mkdtempSync(path.join(BENCH_DIR, 'pipeline-home-'));
  try {
    const run = await indexInChildProcess(root, home, { maxFiles: MAX_FILES, ...(workers === undefined ? {} : { workers }) });
    return { workers: workers ?? defaultWorkerCount(), run, mbPerSecond: bytes / 1e6 / (run.ms / 1000) };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** The run of median wall time (the middle one of an odd number). */
function medianRun(runs: readonly WorkerRun[]): WorkerRun {
  const sorted = [...runs].sort((a, b) => a.run.ms - b.run.ms);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function describe(label: string, result: WorkerRun, single: WorkerRun | undefined): string {
  const speedUp = single ? ` ×${(single.run.ms / result.run.ms).toFixed(2)} vs 1 worker;` : '';
  return (
    `  ${label.padEnd(22)} ${ms(result.run.ms).padStart(8)} = ${result.mbPerSecond.toFixed(2).padStart(5)} MB/s;${speedUp} CPU ${ms(result.run.cpuMs)}; ` +
    `peak RSS ${mb(result.run.peakRssBytes)}; event loop p99 ${ms(result.run.eventLoop.p99Ms)}, max ${ms(result.run.eventLoop.maxMs)}`
  );
}

async function searchTimes(client: Client, root: string, count: number, keepGoing: () => boolean = () => true): Promise<number[]> {
  const queries = [...IDENTIFIER_QUERIES, ...NATURAL_LANGUAGE_QUERIES];
  const times: number[] = [];
  for (let index = 0; index < count && keepGoing(); index++) {
    const start = performance.now();
    const result = (await client.callTool({ name: 'search_code', arguments: { path: root, query: queries[index % queries.length]!, limit: 10 } })) as CallToolResult;
    times.push(performance.now() - start);
    if (result.isError) throw new Error(`search failed: ${JSON.stringify(result.content)}`);
  }
  return times;
}

async function followerDuringIndexing(root: string) {
  const home = mkdtempSync(path.join(BENCH_DIR, 'pipeline-follow-'));
  const servers: ServerProcess[] = [];
  try {
    progress('follower search: indexing the corpus for the leader and follower…');
    await indexInChildProcess(root, home, { maxFiles: MAX_FILES });
    const leader = new ServerProcess(home, { BATON_MAX_FILES: String(MAX_FILES), BATON_WATCH: '0' });
    servers.push(leader);
    await leader.waitForRole('leader');
    const follower = new ServerProcess(home, { BATON_MAX_FILES: String(MAX_FILES), BATON_WATCH: '0' });
    servers.push(follower);
    await follower.waitForRole('follower');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idleFollowerRss = rssOf(follower.pid);
    const idleLeaderRss = rssOf(leader.pid);
    const followerClient = await follower.connectClient('pipeline-follower');
    const leaderClient = await leader.connectClient('pipeline-leader');
    progress(`follower search: ${SEARCHES} searches idle…`);
    await searchTimes(followerClient, root, 40); // warm-up
    const idle = await searchTimes(followerClient, root, SEARCHES);
    const leaderEvents = leader.roleEvents.length;
    progress('follower search: the leader re-indexes every file (force) while the follower searches…');
    const started = (await leaderClient.callTool({ name: 'index_codebase', arguments: { path: root, force: true } })) as CallToolResult;
    if (started.isError) throw new Error(`re-index refused: ${JSON.stringify(started.content)}`);
    let indexing = true;
    const during: number[] = [];
    const indexStart = Date.now();
    const watcher = (async () => {
      while (indexing) {
        const status = (await leaderClient.callTool({ name: 'get_indexing_status', arguments: { path: root } })) as CallToolResult;
        if ((status.structuredContent as { status: string }).status !== 'indexing') indexing = false;
        else await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    while (indexing) during.push(...(await searchTimes(followerClient, root, 20, () => indexing)));
    await watcher;
    const indexMs = Date.now() - indexStart;
    const leaderChanged = leader.roleEvents.length !== leaderEvents || follower.role !== 'follower' || leader.role !== 'leader';
    await followerClient.close();
    await leaderClient.close();
    return { idle, during, indexMs, leaderChanged, idleFollowerRss, idleLeaderRss };
  } finally {
    for (const server of servers) if (!server.exited) server.kill('SIGKILL');
    await Promise.all(servers.map((server) => server.waitForExit()));
    rmSync(home, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const corpus = benchCorpus(DEFAULT_MAX_FILE_BYTES, progress);
  const defaultWorkers = defaultWorkerCount();
  log(`Baton indexing pipeline — Node ${process.version}, ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'CPU'}), load ${os.loadavg()[0]!.toFixed(1)}`);
  log('');
  log(`Full index of the bench corpus (${corpus.files.toLocaleString('en-US')} files, ${mb(corpus.bytes)} of JavaScript/TypeScript), one run each, a process of its own`);
  const runs = new Map<number, WorkerRun>();
  for (const workers of [...new Set([0, 1, 2, defaultWorkers])]) {
    progress(`full index with ${workers} worker thread(s)…`);
    runs.set(workers, await indexWith(corpus.root, corpus.bytes, workers));
  }
  const single = runs.get(1);
  for (const [workers, result] of runs) {
    const label = workers === 0 ? 'in the main thread' : `${workers} worker${workers > 1 ? 's' : ''}${workers === defaultWorkers ? ' (default)' : ''}`;
    log(describe(label, result, workers === 0 ? undefined : single));
  }
  const chosen = runs.get(defaultWorkers)!;
  const best = [...runs.values()].reduce((a, b) => (b.mbPerSecond > a.mbPerSecond ? b : a));

  let mixed: WorkerRun | undefined;
  const mixedRuns: WorkerRun[] = [];
  let mixedPeakRssBytes = 0;
  let mixedLanguages: string[] = [];
  if (existsSync(MIXED_CORPUS)) {
    const repositories = readdirSync(MIXED_CORPUS).filter((name) => !name.endsWith('.json'));
    const { bytes, languages } = await indexable(MIXED_CORPUS);
    mixedLanguages = [...languages].sort();
    for (let run = 1; run <= MIXED_RUNS; run++) {
      progress(`full index of the mixed-language corpus (${run}/${MIXED_RUNS})…`);
      mixedRuns.push(await indexWith(MIXED_CORPUS, bytes, undefined));
    }
    mixed = medianRun(mixedRuns);
    mixedPeakRssBytes = Math.max(...mixedRuns.map((result) => result.run.peakRssBytes));
    log('');
    log(`Mixed-language corpus (${MIXED_CORPUS}: ${repositories.length} repositories, ${mb(bytes)} indexed in ${languages.size} languages: ${mixedLanguages.join(', ')})`);
    log(`  ${MIXED_RUNS} runs, each a process of its own: ${mixedRuns.map((result) => ms(result.run.ms)).join(', ')}; the median run, and the highest peak RSS of the ${MIXED_RUNS}: ${mb(mixedPeakRssBytes)}`);
    log(describe(`default (${defaultWorkers} worker${defaultWorkers > 1 ? 's' : ''})`, mixed, undefined));
  } else {
    log('');
    log(`Mixed-language corpus: skipped — run "npm run bench:quality" once; it materialises ten repositories in ten languages in ${MIXED_CORPUS}.`);
  }

  const follow = await followerDuringIndexing(corpus.root);
  const idleP95 = percentile(follow.idle, 95);
  const duringP95 = percentile(follow.during, 95);
  log('');
  log('A follower searching while the leader re-indexes every file of the corpus (force), over MCP stdio');
  log(`  idle:     ${follow.idle.length} searches, p50 ${ms(median(follow.idle))}, p95 ${ms(idleP95)}`);
  log(`  indexing: ${follow.during.length} searches in ${ms(follow.indexMs)}, p50 ${ms(median(follow.during))}, p95 ${ms(duringP95)} = ×${(duringP95 / idleP95).toFixed(2)} idle`);
  log(`  the leadership moved during the run: ${follow.leaderChanged ? 'YES' : 'no'}`);
  log(`  idle memory: follower ${mb(follow.idleFollowerRss)}, leader ${mb(follow.idleLeaderRss)} (VmRSS, 2 s after start, nothing searched yet)`);

  const met = {
    mbPerSecond: chosen.mbPerSecond >= TARGETS.mbPerSecond,
    mixedMbPerSecond: mixed ? mixed.mbPerSecond >= TARGETS.mixedMbPerSecond : null,
    peakRss: chosen.run.peakRssBytes / 1e6 <= TARGETS.peakRssMb && mixedPeakRssBytes / 1e6 <= TARGETS.peakRssMb,
    eventLoop: chosen.run.eventLoop.p99Ms <= TARGETS.loopP99Ms && chosen.run.eventLoop.maxMs <= TARGETS.loopMaxMs,
    followerSearch: duringP95 <= TARGETS.followerRatio * idleP95,
    idleFollower: follow.idleFollowerRss / 1e6 <= TARGETS.idleFollowerMb,
    noLeaderChange: !follow.leaderChanged,
  };
  log('');
  log('  targets (2-core machine):');
  log(`    full index ≥ ${TARGETS.mbPerSecond} MB/s with the default pool: ${chosen.mbPerSecond.toFixed(2)} — ${verdict(met.mbPerSecond)} (fastest here: ${best.workers} workers, ${best.mbPerSecond.toFixed(2)} MB/s)`);
  if (mixed) log(`    mixed-language ≥ ${TARGETS.mixedMbPerSecond} MB/s: ${mixed.mbPerSecond.toFixed(2)} — ${verdict(met.mixedMbPerSecond === true)}`);
  log(`    peak RSS ≤ ${TARGETS.peakRssMb} MB: ${mb(chosen.run.peakRssBytes)}${mixed ? `, mixed ${mb(mixedPeakRssBytes)}` : ''} — ${verdict(met.peakRss)}`);
  log(`    event loop p99 ≤ ${TARGETS.loopP99Ms} ms, max ≤ ${TARGETS.loopMaxMs} ms: ${ms(chosen.run.eventLoop.p99Ms)}, ${ms(chosen.run.eventLoop.maxMs)} — ${verdict(met.eventLoop)}`);
  log(`    follower search p95 during indexing ≤ ${TARGETS.followerRatio}× idle: ×${(duringP95 / idleP95).toFixed(2)} — ${verdict(met.followerSearch)}`);
  log(`    idle follower ≤ ${TARGETS.idleFollowerMb} MB: ${mb(follow.idleFollowerRss)} — ${verdict(met.idleFollower)}`);
  log(`    no leader change during the run: ${verdict(met.noLeaderChange)}`);
  log(
    JSON.stringify({
      bench: 'pipeline',
      cores: os.availableParallelism(),
      load: round(os.loadavg()[0]!, 2),
      corpusMb: round(corpus.bytes / 1e6),
      defaultWorkers,
      runs: [...runs.values()].map((result) => ({
        workers: result.workers,
        ms: round(result.run.ms, 0),
        mbPerSecond: round(result.mbPerSecond, 2),
        cpuMs: round(result.run.cpuMs, 0),
        peakRssMb: round(result.run.peakRssBytes / 1e6),
        loopP99Ms: round(result.run.eventLoop.p99Ms),
        loopMaxMs: round(result.run.eventLoop.maxMs),
      })),
      speedUpDefaultVsOne: single ? round(single.run.ms / chosen.run.ms, 2) : null,
      mixed: mixed
        ? { languages: mixedLanguages, runsMs: mixedRuns.map((result) => round(result.run.ms, 0)), mbPerSecond: round(mixed.mbPerSecond, 2), peakRssMb: round(mixedPeakRssBytes / 1e6), loopP99Ms: round(mixed.run.eventLoop.p99Ms) }
        : null,
      follower: { idleP95Ms: round(idleP95), duringP95Ms: round(duringP95), ratio: round(duringP95 / idleP95, 2), searchesDuring: follow.during.length, leaderChanged: follow.leaderChanged },
      idleRssMb: { follower: round(follow.idleFollowerRss / 1e6), leader: round(follow.idleLeaderRss / 1e6) },
      targets: TARGETS,
      met,
    }),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
