import os from 'node:os';
import { access } from 'node:fs';

/**
 * The nice value of a derive worker thread on Linux. Indexing is background
 * work: when a core is shared, the thread that answers the election, IPC and
 * MCP, another server's search, or the editor itself should run first. At
 * nice 10 the scheduler gives a worker about a tenth of a core it shares with
 * one ordinary thread, and the whole core when nothing else wants it, so an
 * idle machine indexes as fast as before.
 */
export const WORKER_NICE = 10;

/**
 * Lowers the calling thread's priority to WORKER_NICE (or keeps a lower one),
 * on Linux only: there a nice value belongs to one thread, and
 * `os.setPriority()` without a pid sets the calling thread's. On macOS and Windows it would lower the whole process,
 * the main thread with it. Lowering one's own priority needs no permission;
 * if it fails anyway, the worker runs at the default priority. Returns
 * whether the priority was set.
 */
export function lowerThisThreadsPriority(platform: NodeJS.Platform = process.platform): boolean {
  if (platform !== 'linux') return false;
  try {
    // Never higher than the thread already runs at (a server started with `nice -n 15`).
    os.setPriority(Math.max(os.getPriority(), WORKER_NICE));
    return true;
  } catch {
    return false;
  }
}

let threadPoolStarted = false;

/**
 * Makes sure libuv's thread pool (file reads, hashing: the whole process's)
 * is started by the calling thread before a worker lowers its priority. A new
 * thread takes its creator's nice value, and the pool starts its threads on
 * its first job: were that job a worker's, every asynchronous file operation
 * of the main thread would run at the workers' low priority.
 */
export function startThreadPoolHere(): void {
  if (threadPoolStarted) return;
  threadPoolStarted = true;
  // Queuing the job starts the pool's threads, from this thread, right away.
  access('.', () => undefined);
}
