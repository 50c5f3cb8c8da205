/** The timers a ChangeBatcher uses (fakes in tests). */
export interface BatcherTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: BatcherTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  now: () => Date.now(),
};

export interface ChangeBatcherOptions {
  /** Quiet time after the last change before a batch goes (a save often touches several files). */
  readonly settleMs: number;
  /** Longest a change waits, however busy the folder (a build that writes files all the time). */
  readonly maxWaitMs: number;
  /** Paths per batch handed to `send`; a folder with more gets several, one after the other. */
  readonly batchSize: number;
  readonly send: (folder: string, files: string[]) => Promise<void>;
  readonly timers?: BatcherTimers;
}

/**
 * Collects changed files per folder and hands them on in batches: once
 * changes have settled, or at the latest `maxWaitMs` after the first one,
 * each file once, each folder's batches in order.
 */
export class ChangeBatcher {
  private readonly options: ChangeBatcherOptions;
  private readonly timers: BatcherTimers;
  private readonly pending = new Map<string, Set<string>>();
  private timer: unknown;
  private firstPendingAt: number | undefined;

  constructor(options: ChangeBatcherOptions) {
    this.options = options;
    this.timers = options.timers ?? realTimers;
  }

  note(folder: string, file: string): void {
    let files = this.pending.get(folder);
    if (!files) this.pending.set(folder, (files = new Set()));
    files.add(file);
    const now = this.timers.now();
    this.firstPendingAt ??= now;
    const due = Math.min(this.options.settleMs, this.firstPendingAt + this.options.maxWaitMs - now);
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => this.flush(), Math.max(0, due));
  }

  /** Drops what is pending (the window is closing). */
  dispose(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private flush(): void {
    this.timer = undefined;
    this.firstPendingAt = undefined;
    const folders = [...this.pending.entries()];
    this.pending.clear();
    for (const [folder, files] of folders) void this.sendInBatches(folder, [...files]);
  }

  private async sendInBatches(folder: string, files: string[]): Promise<void> {
    for (let start = 0; start < files.length; start += this.options.batchSize) {
      await this.options.send(folder, files.slice(start, start + this.options.batchSize));
    }
  }
}
