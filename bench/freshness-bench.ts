/**
 * Freshness benchmark (not a test): how fast a change made by another
 * process becomes searchable through a lone `baton mcp` (no editor), the same
 * right after the leader is SIGKILLed, what watching costs an idle leader,
 * what catching up costs a new leader, and what the search-time freshness
 * check adds to search latency — on the ~27,000-file bench corpus.
 *
 *   npm run bench:freshness     (builds dist/ first; also run by npm run bench)
 *
 * Environment: BENCH_WRITES (write trials, default 60), BENCH_FAILOVERS
 * (failover trials, default 20), BENCH_IDLE_MS (idle measurement, default
 * 30000), BENCH_FRESHNESS_HOME (reuse an index of the corpus in that folder
 * instead of building one).
 * Prints a readable report, then one JSON line with every figure.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { benchCorpus } from './corpus.ts';
import { indexInChildProcess } from './index-process.ts';
import { IDENTIFIER_QUERIES, NATURAL_LANGUAGE_QUERIES } from './queries.ts';
import { count, mb, median, ms, percentile, round, timed } from './stats.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../src/engine/config.ts';
import { Engine } from '../src/engine/engine.ts';
import { FreshnessCheck } from '../src/engine/search/freshness.ts';
import { FolderTree } from '../src/engine/watch/folder-tree.ts';
import { IndexMerge } from '../src/engine/watch/catch-up.ts';
import { ServerProcess } from '../test/helpers/server-process.ts';
import { log, progress, verdict } from './report.ts';

const MAIN = path.resolve(import.meta.dirname, '..');
const BENCH_DIR = path.join(MAIN, '.bench');
const MAX_FILES = 200_000;
const WRITES = positiveEnv('BENCH_WRITES', 60);
const FAILOVERS = positiveEnv('BENCH_FAILOVERS', 20);
const IDLE_MS = positiveEnv('BENCH_IDLE_MS', 30_000);
const CATCH_UP_RUNS = 3;
const SEARCH_ROUNDS = 10;
/** How long one write may take to become searchable before the trial counts as missed. */
const TRIAL_DEADLINE_MS = 20_000;
const SERVER_ENV = { BATON_MAX_FILES: String(MAX_FILES) };

/** Files the write trials edit, small to large (taken in turn). */
const WRITE_TARGETS = [
  'extra-deps/rxjs/src/internal/operators/switchMap.ts',
  'baton-deps/@modelcontextprotocol/sdk/dist_/esm/server/mcp.js',
  'extra-deps/three/src/core/BufferGeometry.js',
  'extra-deps/typeorm/query-builder/SelectQueryBuilder.js',
  'extra-deps/monaco-editor/esm/vs/editor/common/model/textModel.js',
];

const TARGETS = { writeP95Ms: 500, failoverP95Ms: 1500, idleCpuPercent: 1, idleRssMb: 30, checkP95Ms: 2 };

function positiveEnv(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const started: ServerProcess[] = [];

function startServer(home: string, env: Record<string, string> = {}): ServerProcess {
  const server = new ServerProcess(home, { ...SERVER_ENV, ...env });
  started.push(server);
  return server;
}

async function stopServer(server: ServerProcess): Promise<void> {
  if (!server.exited) await server.closeClient();
}

async function main(): Promise<void> {
  progress('preparing the corpus…');
  const corpus = benchCorpus(DEFAULT_MAX_FILE_BYTES, progress);
  const root = corpus.root;
  const originals = new Map(WRITE_TARGETS.map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
  const restore = (): void => {
    for (const [file, text] of originals) writeFileSync(path.join(root, file), text);
  };
  // The corpus is reused by other benchmarks: put the files back even on Ctrl-C.
  process.once('SIGINT', () => {
    restore();
    for (const server of started) if (!server.exited) server.kill('SIGKILL');
    process.exit(130);
  });

  const reusedHome = process.env.BENCH_FRESHNESS_HOME;
  const home = reusedHome ? path.resolve(reusedHome) : mkdtempSync(path.join(BENCH_DIR, 'fresh-home-'));
  try {
    if (!reusedHome || !existsSync(path.join(home, 'index.db'))) {
      progress(`indexing the corpus into ${home} (once)…`);
      await indexInChildProcess(root, home, { maxFiles: MAX_FILES });
    }

    log(`Baton freshness benchmark — Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);
    log(`Corpus: ${count(corpus.files)} files, ${mb(corpus.bytes)} (${root})`);
    const loadAtStart = os.loadavg()[0]!;
    log(`Load average at the start: ${loadAtStart.toFixed(1)} on ${os.cpus().length} cores (other work on a shared machine slows every figure below alike)`);

    progress('catch-up cost: incremental run vs stat-only pass…');
    const catchUp = await catchUpCost(home, root);
    log('');
    log('What a new leader pays to catch up on an unchanged corpus (in process, median of 3)');
    log(`  incremental index run (startIndex, nothing changed): ${ms(catchUp.incrementalMs)}`);
    log(`  what Baton does: one walk of ${count(catchUp.folders)} folders and ${count(catchUp.files)} files in path order, compared with the index as it goes: ${ms(catchUp.walkMs)}`);
    log(`    (longest block of the event loop during the walk: ${ms(catchUp.loopDelayMaxMs)})`);

    progress(`idle leader, watching vs not (${IDLE_MS / 1000} s each)…`);
    const idleOff = await idleLeader(home, root, false);
    const idleOn = await idleLeader(home, root, true);
    const cpuPercent = idleOn.cpuPercent;
    const rssDelta = idleOn.rssMb - idleOff.rssMb;
    log('');
    log(`Idle leader over ${IDLE_MS / 1000} s, after start-up (CPU from /proc/<pid>/stat, RSS from /proc/<pid>/status)`);
    log(`  watching (${count(idleOn.folders)} inotify watches): CPU ${idleOn.cpuPercent.toFixed(2)} % of a core, RSS ${idleOn.rssMb.toFixed(1)} MB; watch set up and caught up in ${ms(idleOn.setupMs)}`);
    log(`  BATON_WATCH=0 (baseline):        CPU ${idleOff.cpuPercent.toFixed(2)} % of a core, RSS ${idleOff.rssMb.toFixed(1)} MB`);
    log(`  watching costs ${rssDelta.toFixed(1)} MB of RSS (target ≤ ${TARGETS.idleRssMb} MB: ${verdict(rssDelta <= TARGETS.idleRssMb)}); idle CPU target ≤ ${TARGETS.idleCpuPercent} %: ${verdict(cpuPercent <= TARGETS.idleCpuPercent)}`);

    progress(`write → searchable, ${WRITES} writes through a lone baton mcp…`);
    const writes = await writeTrials(home, root, originals);
    log('');
    log(`A write by another process → searchable through a lone baton mcp (no editor; ${writes.latencies.length} writes, a unique identifier each, searched every 5 ms)`);
    log(`  p50 ${ms(median(writes.latencies))}, p95 ${ms(percentile(writes.latencies, 95))}, max ${ms(Math.max(...writes.latencies))} (target p95 ≤ ${TARGETS.writeP95Ms} ms: ${verdict(percentile(writes.latencies, 95) <= TARGETS.writeP95Ms)}); missed: ${writes.missed}`);

    progress(`write → searchable across ${FAILOVERS} failovers (leader SIGKILLed at the write)…`);
    const failovers = await failoverTrials(home, root, originals);
    log('');
    log(`The leader SIGKILLed, then at once a write → searchable through the surviving server (${failovers.latencies.length} failovers)`);
    log(`  p50 ${ms(median(failovers.latencies))}, p95 ${ms(percentile(failovers.latencies, 95))}, max ${ms(Math.max(...failovers.latencies))} (target p95 ≤ ${TARGETS.failoverP95Ms} ms: ${verdict(percentile(failovers.latencies, 95) <= TARGETS.failoverP95Ms)}); missed: ${failovers.missed}`);
    log(`  of which: new leader's role event after the kill p50 ${ms(median(failovers.takeovers))}; its watch set up and caught up (one walk) p50 ${ms(median(failovers.setups))}`);

    progress('search latency with the freshness check on vs off…');
    const check = await searchCheckCost(home, root);
    log('');
    log(`Search latency, ${check.queries} queries × ${SEARCH_ROUNDS} rounds, limit 10, on and off interleaved per query (in process)`);
    log(`  check off: p50 ${ms(check.off.p50)}, p95 ${ms(check.off.p95)}`);
    log(`  check on:  p50 ${ms(check.on.p50)}, p95 ${ms(check.on.p95)} — adds ${ms(check.on.p95 - check.off.p95)} to p95 (target ≤ ${TARGETS.checkP95Ms} ms: ${verdict(check.on.p95 - check.off.p95 <= TARGETS.checkP95Ms)})`);
    log(`  the check alone (stat of the result files against the index): p50 ${ms(check.alone.p50)}, p95 ${ms(check.alone.p95)}`);

    const summary = {
      machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', loadAverageAtStart: round(loadAtStart), loadAverageAtEnd: round(os.loadavg()[0]!) },
      corpus: { files: corpus.files, mb: round(corpus.bytes / 1e6) },
      catchUp: {
        incrementalRunMs: round(catchUp.incrementalMs, 0),
        walkMs: round(catchUp.walkMs, 0),
        folders: catchUp.folders,
        loopDelayMaxMs: round(catchUp.loopDelayMaxMs),
      },
      idle: {
        watching: { cpuPercent: round(idleOn.cpuPercent, 2), rssMb: round(idleOn.rssMb), folders: idleOn.folders, setupMs: round(idleOn.setupMs, 0) },
        off: { cpuPercent: round(idleOff.cpuPercent, 2), rssMb: round(idleOff.rssMb) },
        rssDeltaMb: round(rssDelta),
      },
      write: { trials: writes.latencies.length, p50Ms: round(median(writes.latencies)), p95Ms: round(percentile(writes.latencies, 95)), maxMs: round(Math.max(...writes.latencies)), missed: writes.missed },
      failover: {
        trials: failovers.latencies.length,
        p50Ms: round(median(failovers.latencies)),
        p95Ms: round(percentile(failovers.latencies, 95)),
        maxMs: round(Math.max(...failovers.latencies)),
        takeoverP50Ms: round(median(failovers.takeovers)),
        catchUpP50Ms: round(median(failovers.setups)),
        missed: failovers.missed,
      },
      search: { offP50Ms: round(check.off.p50, 2), offP95Ms: round(check.off.p95, 2), onP50Ms: round(check.on.p50, 2), onP95Ms: round(check.on.p95, 2), checkP95Ms: round(check.alone.p95, 3) },
      targets: {
        writeP95: percentile(writes.latencies, 95) <= TARGETS.writeP95Ms,
        failoverP95: percentile(failovers.latencies, 95) <= TARGETS.failoverP95Ms,
        idleCpu: cpuPercent <= TARGETS.idleCpuPercent,
        idleRss: rssDelta <= TARGETS.idleRssMb,
        checkP95: check.on.p95 - check.off.p95 <= TARGETS.checkP95Ms,
      },
    };
    log('');
    log(JSON.stringify(summary));
  } finally {
    restore();
    for (const server of started) if (!server.exited) server.kill('SIGKILL');
    await Promise.all(started.map((server) => server.waitForExit()));
    if (!reusedHome) rmSync(home, { recursive: true, force: true });
  }
}

// ── catch-up cost ──────────────────────────────────────────────────────────

async function catchUpCost(home: string, root: string): Promise<{ incrementalMs: number; walkMs: number; files: number; folders: number; loopDelayMaxMs: number }> {
  const engine = new Engine({ home, maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: MAX_FILES }, { soleWriter: true });
  const rules = { ignorePatterns: [], customExtensions: new Set<string>(), maxFileBytes: DEFAULT_MAX_FILE_BYTES, skipFolders: new Set<string>() };
  try {
    const incremental: number[] = [];
    const walks: number[] = [];
    let files = 0;
    let folders = 0;
    let loopDelayMax = 0;
    for (let run = 0; run < CATCH_UP_RUNS; run++) {
      incremental.push((await timed(async () => (await engine.startIndex(root)).done)).ms);
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      // What a new leader does (minus the inotify calls): one walk in path order, compared with the index as it goes.
      const tree = new FolderTree(root, rules, () => undefined);
      const merge = new IndexMerge(engine.store.stamps, root);
      const walk = await timed(() => tree.add('', (file, stamp) => stamp && merge.see(file, stamp)));
      delay.disable();
      const changed = merge.finish();
      loopDelayMax = Math.max(loopDelayMax, delay.max / 1e6);
      if (changed.length > 0) throw new Error(`the corpus changed: ${changed.slice(0, 3).join(', ')}`);
      files = merge.files;
      folders = tree.size;
      walks.push(walk.ms);
    }
    return { incrementalMs: median(incremental), walkMs: median(walks), files, folders, loopDelayMaxMs: loopDelayMax };
  } finally {
    engine.close();
  }
}

// ── idle leader ────────────────────────────────────────────────────────────

/** CPU seconds (user + system) of a process so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ", field 3 is index 0: utime is field 14, stime field 15 (clock ticks, 100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

async function idleLeader(home: string, root: string, watching: boolean): Promise<{ cpuPercent: number; rssMb: number; folders: number; setupMs: number }> {
  const server = startServer(home, watching ? {} : { BATON_WATCH: '0' });
  await server.waitForRole('leader');
  let setupMs = 0;
  let folders = 0;
  if (watching) {
    await server.waitFor(() => server.stderr.includes(`watch: watching ${root} (`), 'the watch to start', 60_000);
    await server.waitFor(() => server.stderr.includes(`watch: ${root}: caught up in`), 'the catch-up', 60_000);
    folders = Number(/watch: watching .* \((\d+) folders, set up in/.exec(server.stderr)?.[1] ?? 0);
    setupMs = Number(/caught up in (\d+) ms/.exec(server.stderr)?.[1] ?? 0);
  } else {
    await server.waitFor(() => server.stderr.includes('baton MCP server ready'), 'the server to be ready');
  }
  // Let start-up work (catch-up, resumed duties, GC) settle before measuring idleness.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const cpuBefore = cpuSeconds(server.pid);
  const wallBefore = performance.now();
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const cpuPercent = ((cpuSeconds(server.pid) - cpuBefore) / ((performance.now() - wallBefore) / 1000)) * 100;
  const rss = rssMb(server.pid);
  await stopServer(server);
  return { cpuPercent, rssMb: rss, folders, setupMs };
}

// ── write → searchable ─────────────────────────────────────────────────────

interface Trials {
  latencies: number[];
  missed: number;
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

/** Writes a never-seen identifier into the next target file; returns the file and the identifier. */
function writeMarker(root: string, originals: ReadonlyMap<string, string>, trial: number): { file: string; marker: string; at: number } {
  const file = WRITE_TARGETS[trial % WRITE_TARGETS.length]!;
  const marker = `zqfreshmarker${randomBytes(6).toString('hex')}`;
  const at = performance.now();
  writeFileSync(path.join(root, file), `${originals.get(file)}\nfunction ${marker}() {\n  return ${trial};\n}\n`);
  return { file, marker, at };
}

/** Searches until the marker is found in its file; the time from the write, or undefined past the deadline. */
async function untilSearchable(client: Client, root: string, file: string, marker: string, writtenAt: number): Promise<number | undefined> {
  for (;;) {
    const result = await call(client, 'search_code', { path: root, query: marker, limit: 1 });
    const hits = (result.structuredContent as { results?: { file: string }[] } | undefined)?.results ?? [];
    if (hits[0]?.file === file) return performance.now() - writtenAt;
    if (performance.now() - writtenAt > TRIAL_DEADLINE_MS) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function writeTrials(home: string, root: string, originals: ReadonlyMap<string, string>): Promise<Trials> {
  const server = startServer(home);
  await server.waitForRole('leader');
  await server.waitFor(() => server.stderr.includes(`watch: ${root}: caught up in`), 'the watch to catch up', 60_000);
  const client = await server.connectClient();
  const latencies: number[] = [];
  let missed = 0;
  try {
    // One warm-up write per target: the first refresh of a language loads its grammar.
    for (let trial = -WRITE_TARGETS.length; trial < WRITES; trial++) {
      const { file, marker, at } = writeMarker(root, originals, trial + WRITE_TARGETS.length);
      const latency = await untilSearchable(client, root, file, marker, at);
      if (trial < 0) continue;
      if (latency === undefined) missed++;
      else latencies.push(latency);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await client.close();
    await stopServer(server);
  }
  return { latencies, missed };
}

// ── across a failover ──────────────────────────────────────────────────────

async function failoverTrials(home: string, root: string, originals: ReadonlyMap<string, string>): Promise<Trials & { takeovers: number[]; setups: number[] }> {
  let leader = startServer(home);
  await leader.waitForRole('leader');
  await leader.waitFor(() => leader.stderr.includes(`watch: ${root}: caught up in`), 'the first watch', 60_000);
  const latencies: number[] = [];
  const takeovers: number[] = [];
  const setups: number[] = [];
  let missed = 0;
  for (let trial = 0; trial < FAILOVERS; trial++) {
    const follower = startServer(home);
    await follower.waitForRole('follower');
    const client = await follower.connectClient();
    const killedAt = Date.now();
    leader.kill('SIGKILL');
    const { file, marker, at } = writeMarker(root, originals, trial);
    const latency = await untilSearchable(client, root, file, marker, at);
    if (latency === undefined) missed++;
    else latencies.push(latency);
    await follower.waitForRole('leader');
    takeovers.push(follower.roleEvents.at(-1)!.at - killedAt);
    await follower.waitFor(() => follower.stderr.includes(`watch: ${root}: caught up in`), 'the new leader to catch up', 60_000);
    const caughtUp = /caught up in (\d+) ms/.exec(follower.stderr);
    if (caughtUp) setups.push(Number(caughtUp[1]));
    await leader.waitForExit();
    await client.close();
    leader = follower;
  }
  await stopServer(leader);
  return { latencies, missed, takeovers, setups };
}

// ── search with and without the check ──────────────────────────────────────

interface Spread {
  p50: number;
  p95: number;
}

async function searchCheckCost(home: string, root: string): Promise<{ queries: number; off: Spread; on: Spread; alone: Spread }> {
  const engine = new Engine({ home, maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles: MAX_FILES });
  try {
    const check = new FreshnessCheck(engine.store.stamps, { budgetMs: 0, maxFileBytes: DEFAULT_MAX_FILE_BYTES });
    const queries = [...IDENTIFIER_QUERIES, ...NATURAL_LANGUAGE_QUERIES];
    const off: number[] = [];
    const on: number[] = [];
    const alone: number[] = [];
    for (let round = -1; round < SEARCH_ROUNDS; round++) {
      for (const query of queries) {
        const search = (): ReturnType<Engine['search']> => engine.search(root, query, { limit: 10 });
        const plain = await timed(search);
        const checked = await timed(() => check.search(search));
        if (checked.value.leftOut > 0) throw new Error(`the corpus changed under "${query}"`);
        // The check by itself: the same search answered from memory, then checked.
        const answered = plain.value;
        const checkOnly = await timed(() => check.search(async () => answered));
        if (round < 0) continue; // warm-up round
        off.push(plain.ms);
        on.push(checked.ms);
        alone.push(checkOnly.ms);
      }
    }
    const spread = (values: number[]): Spread => ({ p50: median(values), p95: percentile(values, 95) });
    return { queries: queries.length, off: spread(off), on: spread(on), alone: spread(alone) };
  } finally {
    engine.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  for (const server of started) if (!server.exited) server.kill('SIGKILL');
  process.exitCode = 1;
});
