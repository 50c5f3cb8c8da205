/**
 * One indexing run in a process of its own, so that its memory is measured
 * alone: `node bench/index-child.ts <root> <home> [--force] [--no-symbols]` indexes <root>
 * into the BATON_HOME <home> and prints one JSON line: the run's wall time
 * (engine opened to run done) and CPU time, its final progress, the codebase status, and
 * the process's peak resident set size (getrusage ru_maxrss) — the real
 * peak of the indexing process, not a sample. `--no-symbols` indexes without
 * the symbol table (the baseline of bench/symbols-bench.ts).
 */
import { Chunker } from '../src/engine/chunk/chunker.ts';
import { DEFAULT_MAX_FILE_BYTES } from '../src/engine/config.ts';
import { Engine } from '../src/engine/engine.ts';

const [root, home, ...flags] = process.argv.slice(2);
if (!root || !home) throw new Error('usage: node bench/index-child.ts <root> <home> [--force] [--no-symbols]');
const maxFiles = Number(process.env.BATON_MAX_FILES ?? 50_000);

const start = performance.now();
const cpuStart = process.cpuUsage();
const chunker = new Chunker({ symbols: !flags.includes('--no-symbols') });
const engine = new Engine({ home, maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles }, { chunker, soleWriter: true });
try {
  const started = await engine.startIndex(root, { force: flags.includes('--force') });
  const final = await started.done;
  const ms = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const status = engine.status(root);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify({ ms, cpuMs, final, status, peakRssBytes })}\n`);
} finally {
  engine.close();
}
