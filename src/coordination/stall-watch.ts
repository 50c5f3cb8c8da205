/** A gap this long between ticks is a stall: long enough for the seat's refresh to have been missed. */
const STALL_MS = 2000;
const TICK_MS = 250;

/**
 * Notices when this process's event loop stops (SIGSTOP, laptop sleep, a long
 * synchronous block). Only after such a stall can another process have found
 * our seat stale and taken it, so only then must giving it up go through the
 * breaker.
 */
export class StallWatch {
  private lastTick = Date.now();
  private lastStallAt = 0;
  private timer: NodeJS.Timeout | undefined;

  start(): void {
    this.timer ??= setInterval(() => {
      const now = Date.now();
      if (now - this.lastTick > STALL_MS) this.lastStallAt = now;
      this.lastTick = now;
    }, TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Whether the loop stalled within the last `ms` (or is only now coming out of one). */
  stalledWithin(ms: number, now = Date.now()): boolean {
    return now - this.lastTick > STALL_MS || now - this.lastStallAt < ms;
  }
}
