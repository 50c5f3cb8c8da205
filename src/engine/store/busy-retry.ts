/** SQLITE_BUSY, or one of its extended codes (SQLITE_BUSY_RECOVERY, _SNAPSHOT…): the primary code is the low byte. */
export function isBusy(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null | undefined)?.errcode;
  return typeof code === 'number' && code % 256 === 5;
}

export interface BusyRetryOptions {
  /** How long to keep trying; the last SQLITE_BUSY is thrown once it has passed. */
  readonly deadlineMs: number;
  /** Called each time `step` found the database locked, before the pause (a test releases its lock here). */
  readonly onBusy?: (error: Error) => void;
}

/** Pauses between attempts: short at first (the other process's step takes milliseconds), then capped. */
const PAUSES_MS = [1, 2, 5, 10, 20, 50];

/**
 * Runs `step` again while it fails with SQLITE_BUSY, until the deadline.
 * For the steps SQLite fails at once, without calling the busy handler
 * (so `busy_timeout` never applies): one that upgrades a read lock it already
 * holds to a write lock, where waiting could deadlock with another process
 * doing the same. `step` must be safe to repeat (SQLite has undone a failed
 * statement, and released its locks, by the time it throws).
 *
 * Synchronous, like every call of node:sqlite: it blocks the thread while it
 * pauses, as the busy handler itself does.
 */
export function retryWhileBusy<T>(step: () => T, options: BusyRetryOptions): T {
  const deadline = Date.now() + options.deadlineMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return step();
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      options.onBusy?.(error as Error);
      pause(Math.min(PAUSES_MS[Math.min(attempt, PAUSES_MS.length - 1)]!, Math.max(0, deadline - Date.now())));
    }
  }
}

/** A synchronous sleep that uses no CPU (Atomics.wait on a value nobody changes). */
function pause(milliseconds: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}
