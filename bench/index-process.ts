import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { StatusReport } from '../src/engine/engine.ts';
import { withMallocTuning } from '../src/protocol/malloc-tuning.ts';
import type { IndexProgress } from '../src/engine/progress.ts';

const CHILD = fileURLToPath(new URL('./index-child.ts', import.meta.url));

export interface IndexRun {
  /** The run itself: engine opened (database included) until the run is done. */
  readonly ms: number;
  /** CPU time (user + system) of the same span: steadier than wall time on a shared machine. */
  readonly cpuMs: number;
  /** The whole process: Node start-up, module loading, the run, exit. */
  readonly processMs: number;
  /** Peak resident set size of the indexing process (worker threads included), in bytes. */
  readonly peakRssBytes: number;
  /** The main thread's event-loop delay during the run. */
  readonly eventLoop: { readonly p99Ms: number; readonly maxMs: number };
  readonly status: StatusReport;
}

/** Indexes `root` into `home` in a child process (bench/index-child.ts) and measures it. */
export async function indexInChildProcess(
  root: string,
  home: string,
  options: { force?: boolean; maxFiles: number; symbols?: boolean; workers?: number },
): Promise<IndexRun> {
  const args = [CHILD, root, home, ...(options.force ? ['--force'] : []), ...(options.symbols === false ? ['--no-symbols'] : [])];
  const start = performance.now();
  // As every server runs (src/cli/malloc-restart.ts): index-child.ts does not go through the CLI.
  const env = withMallocTuning({ ...(process.env as Record<string, string>), BATON_MAX_FILES: String(options.maxFiles), ...(options.workers === undefined ? {} : { BATON_INDEX_WORKERS: String(options.workers) }) });
  const { code, stdout, stderr } = await run(process.execPath, args, env);
  const processMs = performance.now() - start;
  if (code !== 0) throw new Error(`indexing process exited with ${code}: ${stderr.trim()}`);
  const report = JSON.parse(stdout) as { ms: number; cpuMs: number; final: IndexProgress; status: StatusReport; peakRssBytes: number; eventLoop: IndexRun['eventLoop'] };
  if (report.final.phase !== 'done') throw new Error(`indexing ended ${report.final.phase}: ${report.final.message}`);
  return { ms: report.ms, cpuMs: report.cpuMs, processMs, peakRssBytes: report.peakRssBytes, eventLoop: report.eventLoop, status: report.status };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (data: string) => (stdout += data));
    child.stderr.setEncoding('utf8').on('data', (data: string) => (stderr += data));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
