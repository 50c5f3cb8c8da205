import { stat } from 'node:fs/promises';
import os from 'node:os';

/** The nice value of an index worker: below every process and thread the user is waiting on. */
export const WORKER_NICE = 10;

/**
 * Index workers yield the CPU to everything else: the server's own main
 * thread (election, IPC, MCP answers), followers' searches, the editor. On a
 * 2-core machine with two workers this took the main thread's event-loop p99
 * during a full index from 58 to 53 ms at the same speed (one run each).
 *
 * Only on Linux, where a thread's nice value is its own: setpriority() on the
 * calling thread leaves the rest of the process alone. Elsewhere it would
 * lower the whole process, so the worker does not ask.
 *
 * libuv's thread pool serves the whole process, and its threads take the
 * nice value of the thread that happens to start it. One file system call
 * first makes sure the pool is running (a no-op when it already is), so
 * only this thread is lowered.
 */
export async function lowerThisThreadsPriority(): Promise<void> {
  if (process.platform !== 'linux') return;
  await stat(os.tmpdir()).catch(() => undefined);
  try {
    os.setPriority(WORKER_NICE);
  } catch {
    // A sandbox that forbids it: the worker runs at the normal priority.
  }
}
