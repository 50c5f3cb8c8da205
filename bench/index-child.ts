/**
 * One indexing run in a process of its own, so that its memory is measured
 * alone: `node bench/index-child.ts <root> <home> [--force]` indexes <root>
 * into the BATON_HOME <home> and prints one JSON line: the run's wall time
 * (engine opened to run done), its final progress, the codebase status, and
 * the process's peak resident set size (getrusage ru_maxrss) — the real
 * peak of the indexing process, not a sample.
 */
import { DEFAULT_MAX_FILE_BYTES } from '../src/engine/config.ts';
import { Engine } from '../src/engine/engine.ts';

const [root, home, flag] = process.argv.slice(2);
if (!root || !home) throw new Error('usage: node bench/index-child.ts <root> <home> [--force]');
const maxFiles = Number(process.env.BATON_MAX_FILES ?? 50_000);

const start = performance.now();
const engine = new Engine({ home, maxFileBytes: DEFAULT_MAX_FILE_BYTES, maxFiles }, { soleWriter: true });
try {
  const started = await engine.startIndex(root, { force: flag === '--force' });
  const final = await started.done;
  const ms = performance.now() - start;
  const status = engine.status(root);
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify({ ms, final, status, peakRssBytes })}\n`);
} finally {
  engine.close();
}
