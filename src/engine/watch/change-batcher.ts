/**
 * Debounces a stream of change events into batches: a batch is applied once
 * events have been quiet for `settleMs`, and at least every `maxDelayMs` while
 * they keep coming (a long `git checkout` or a build still makes progress).
 * Only one batch runs at a time: events that arrive while it runs start the
 * next one after it.
 */
export class ChangeBatcher {
  private readonly settleMs: number;
  private readonly maxDelayMs: number;
  private readonly apply: () => Promise<void>;
  private timer: NodeJS.Timeout | undefined;
  private firstEventAt: number | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  /** `apply` reports its own failures; a rejection is dropped, never left unhandled. */
  constructor(options: { settleMs: number; maxDelayMs: number; apply: () => Promise<void> }) {
    this.settleMs = options.settleMs;
    this.maxDelayMs = options.maxDelayMs;
    this.apply = options.apply;
  }

  /** An event arrived: (re)arm the timer. */
  touch(): void {
    if (this.closed) return;
    const now = Date.now();
    this.firstEventAt ??= now;
    if (this.running) return; // the batch in flight schedules the next one when it ends
    const due = Math.min(this.firstEventAt + this.maxDelayMs, now + this.settleMs);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), Math.max(0, due - now));
  }

  /** Resolves once no batch is running (for an orderly stop). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    if (this.closed || this.running) return;
    this.firstEventAt = undefined;
    this.running = this.apply().catch(() => undefined).finally(() => {
      this.running = undefined;
      // Events that came while the batch ran: settle, then apply them too.
      if (this.firstEventAt !== undefined) this.touch();
    });
    await this.running;
  }
}
