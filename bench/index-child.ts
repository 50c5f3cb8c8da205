/**
 * One indexing run in a process of its own, so that its memory is measured
 * alone: `node bench/index-child.ts <root> <home> [--force] [--no-symbols]` indexes <root>
 * into the BATON_HOME <home> and prints one JSON line: the run's wall time
 * (engine opened to run done) and CPU time, its final progress, the codebase status, and
 * the process's peak resident set size (getrusage ru_maxrss) — the real
 * peak of the indexing process, worker threads included, not a sample —
 * and the main thread's event-loop delay during the run (p99, max).
 * BATON_INDEX_WORKERS sets the pool size. `--no-symbols` indexes without
 * the symbol table (the baseline of bench/symbols-bench.ts).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_MAX_FILE_BYTES, configFromEnv } from '../src/engine/config.ts';
import { Engine } from '../src/engine/engine.ts';
import { setMemoryFlags } from '../src/cli/memory-flags.ts';

setMemoryFlags(); // as the server does

const [root, home, ...flags] = process.argv.slice(2);
if (!root || !home) throw new Error('usage: node bench/index-child.ts <root> <home> [--force] [--no-symbols]');
const maxFiles = Number(process.env.BATON_MAX_FILES ?? 50_000);

// BATON_INDEX_WORKERS picks the pool size, as for a server.
const workers = configFromEnv().indexWorkers;
const start = performance.now();
const cpuStart = process.cpuUsage();
// How long the thread that would answer the election, IPC and MCP is held at a time.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const engine = new Engine(
  { home, maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles },
  { indexing: { symbols: !flags.includes('--no-symbols'), ...(workers === undefined ? {} : { workers }) }, soleWriter: true },
);
try {
  const started = await engine.startIndex(root, { force: flags.includes('--force') });
  const final = await started.done;
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  loopDelay.disable();
  const eventLoop = { p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6, meanMs: loopDelay.mean / 1e6 };
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const status = engine.status(root);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify({ ms, cpuMs, final, status, peakRssBytes, eventLoop })}\n`);
} finally {
  engine.close();
}
