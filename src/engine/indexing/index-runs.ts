import { lstat } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import path from 'node:path';
import { resolveCodebase } from '../codebase-lookup.ts';
import type { EngineConfig } from '../config.ts';
import type { Embedder } from '../embed/embedder.ts';
import { FencedError, RunStoppedError, UserError, errorMessage } from '../errors.ts';
import { absolutePath, canonicalFolder, indexableFolder, relativeInside } from '../paths.ts';
import type { IndexProgress } from '../progress.ts';
import { isIndexablePath, scanCodebase, type ScanResult, type ScannedFile } from '../scan/scanner.ts';
import type { CodebaseRecord, IndexSettings, IndexStore } from '../store/index-store.ts';
import { currentFormat } from './index-format.ts';
import type { Deriver } from './derive-pool.ts';
import { rebuildSearchTable, searchTableDrifted } from './rebuild-search-table.ts';
import { IndexPass, type IndexerDeps, type RunCounts } from './index-pass.ts';
import { describeRun, overLimitMessage } from './run-messages.ts';
import { BULK_REFRESH_FILES, mergeSettings } from './run-settings.ts';
import { WriteQueue } from './write-queue.ts';

export interface IndexOptions {
  readonly force?: boolean | undefined;
  readonly splitter?: 'ast' | 'langchain' | undefined;
  readonly customExtensions?: readonly string[] | undefined;
  readonly ignorePatterns?: readonly string[] | undefined;
}

export interface IndexStarted {
  readonly root: string;
  /** Files the scan found to index (changed or not). */
  readonly fileCount: number;
  readonly codebase: CodebaseRecord;
  /** Settles when the run ends, however it ends; never rejects. */
  readonly done: Promise<IndexProgress>;
  /** This request joined a run that was already going. */
  readonly attached?: boolean;
}

/** Files changed in one refresh, in bytes, up to which they are parsed in this thread rather than by the pool. */
export const SMALL_REFRESH_BYTES = 128 * 1024;

/** How a refresh went: its counts, or where it went when it did not run at once. */
export type RefreshOutcome = RunCounts & {
  /** `as-run`: the files were too many, an incremental run of the codebase took them; `after-run`: queued behind the run going on. */
  readonly deferred?: 'as-run' | 'after-run';
};

const NO_COUNTS: RunCounts = { changed: 0, unchanged: 0, deleted: 0, skipped: 0, unreadable: 0, vanished: 0, failed: 0 };

/** Rows deleted per transaction when a codebase is cleared: a few milliseconds each. */
const DELETE_BATCH_ROWS = 5000;

/** What a clear removed. */
export interface ClearedCodebase {
  readonly root: string;
  readonly fileCount: number;
  readonly chunkCount: number;
}

interface ActiveRun {
  readonly controller: AbortController;
  progress: IndexProgress;
  /** Settles once the scan is done and the run is under way (or failed to start). */
  readonly started: Promise<IndexStarted>;
}

type ProgressListener = (progress: IndexProgress) => void;

/**
 * Points where a test can hold a run, to make a race deterministic (a clear
 * that lands during the scan, a kill between two batches). Production code
 * never sets them.
 */
export interface IndexHooks {
  /** After the scan of `root`, before the run enters the write queue. */
  readonly afterScan?: (root: string) => Promise<void>;
  /** After each committed batch of a full run of `root` (the run is consistent there: a kill loses nothing). */
  readonly afterBatch?: (root: string) => Promise<void>;
  /** Once a full run of `root` is done and the steps merging its full-text tables have gone idle: nothing of the run writes any more. */
  readonly afterMerges?: (root: string) => Promise<void>;
}

export interface IndexRunsOptions {
  readonly store: IndexStore;
  readonly config: EngineConfig;
  readonly deriver: Deriver;
  /** Derives in this thread: an editor's refresh of a small file (see SMALL_REFRESH_BYTES). */
  readonly inThreadDeriver: Deriver;
  readonly embedder: Embedder | undefined;
  /** Called when a codebase's chunks changed, so that caches of its vectors are dropped. */
  readonly onContentChanged: (codebaseId: number) => void;
  readonly hooks?: IndexHooks | undefined;
}

/**
 * Every write to the index: full runs (scan, then index in the background),
 * single-file refreshes and clears. Writes to one codebase run one after
 * another; a run can be cancelled, and an interrupted one resumed.
 */
export class IndexRuns {
  private readonly store: IndexStore;
  private readonly config: EngineConfig;
  private readonly deps: IndexerDeps;
  private readonly inThreadDeriver: Deriver;
  private readonly onContentChanged: (codebaseId: number) => void;
  private readonly hooks: IndexHooks;
  private readonly active = new Map<string, ActiveRun>();
  private readonly queue = new WriteQueue();
  private readonly listeners = new Set<ProgressListener>();

  constructor(options: IndexRunsOptions) {
    this.store = options.store;
    this.config = options.config;
    this.onContentChanged = options.onContentChanged;
    this.hooks = options.hooks ?? {};
    this.inThreadDeriver = options.inThreadDeriver;
    this.deps = {
      store: options.store,
      deriver: options.deriver,
      embedder: options.embedder,
      maxFileBytes: options.config.maxFileBytes,
      afterBatch: options.hooks?.afterBatch,
    };
  }

  /** Called with every progress report of every run (for MCP notifications and followers). */
  onProgress(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The progress of the run in this process on the codebase at `root`, if one is going. */
  liveProgress(root: string): IndexProgress | undefined {
    return this.active.get(root)?.progress;
  }

  /** Whether a run is in progress in this process for the codebase at `root`. */
  isIndexing(root: string): boolean {
    return this.active.has(root);
  }

  /**
   * Scans the folder, then indexes it in the background. A second request
   * while a run is going joins that run (it answers with `attached`, and its
   * `done` is that run's end) instead of refusing: an agent that asks twice,
   * or a client that starts a new server per call, follows the one run.
   * `force` cancels the running one and starts over.
   */
  async start(input: string, options: IndexOptions = {}): Promise<IndexStarted> {
    const root = indexableFolder(input);
    const running = this.active.get(root);
    if (running && !options.force) return { ...(await running.started), attached: true };
    if (running) {
      cancel(running.controller, 'forced');
      await this.queue.idle(root);
    }
    const previous = this.store.codebases.byRoot(root);
    const settings = mergeSettings(previous?.settings, options);
    const controller = new AbortController();
    let markStarted!: (started: Promise<IndexStarted>) => void;
    const run: ActiveRun = {
      controller,
      progress: initialProgress(root, 'scanning'),
      started: new Promise<IndexStarted>((resolve) => (markStarted = (started) => resolve(started))),
    };
    this.active.set(root, run);
    const started = this.scanAndStart(root, settings, options.force === true, run);
    markStarted(started);
    // Only joiners await run.started; the caller gets `started` itself.
    run.started.catch(() => undefined);
    return started;
  }

  /**
   * Restarts every run that the database records as unfinished (its process
   * died or was deposed). Files committed before the interruption are now
   * unchanged, so each run picks up after its last committed batch.
   */
  async resumeInterrupted(onError: (root: string, error: unknown) => void): Promise<string[]> {
    const resumed: string[] = [];
    for (const codebase of this.store.codebases.list()) {
      if (codebase.status !== 'indexing' || this.active.has(codebase.root)) continue;
      try {
        await this.start(codebase.root);
        resumed.push(codebase.root);
      } catch (error) {
        onError(codebase.root, error);
      }
    }
    return resumed;
  }

  /**
   * Re-indexes every codebase that has files chunked by an older Baton or
   * with other settings (see index-format.ts): only those files are rewritten.
   * A leader calls this when it takes the seat, so a release with a new
   * chunker brings every index up to date without anyone asking.
   */
  async refreshOutdated(onError: (root: string, error: unknown) => void): Promise<{ root: string; outdated: number }[]> {
    const started: { root: string; outdated: number }[] = [];
    for (const codebase of this.store.codebases.list()) {
      if (codebase.status === 'indexing' || this.active.has(codebase.root)) continue;
      const format = currentFormat(codebase.settings);
      const outdated = this.store.contents.countOutdated(codebase.id, format.version, format.options);
      if (outdated === 0) continue;
      try {
        await this.start(codebase.root);
        started.push({ root: codebase.root, outdated });
      } catch (error) {
        onError(codebase.root, error);
      }
    }
    return started;
  }

  /** Cancels every run in this process (this process is no longer allowed to write). */
  abortAll(): void {
    for (const run of this.active.values()) cancel(run.controller, 'stopped');
  }

  /**
   * Re-indexes just these files of an indexed codebase (what an editor reports
   * as saved, created or deleted). Paths may be absolute or root-relative.
   */
  async refreshFiles(input: string, files: readonly string[]): Promise<RefreshOutcome> {
    const root = canonicalFolder(input);
    const codebase = this.store.codebases.byRoot(root);
    if (!codebase) throw new UserError(`${root} is not indexed yet: index it first (index_codebase).`);
    // Thousands of changes at once (a branch switch, a generator): one incremental run, with progress.
    if (files.length > BULK_REFRESH_FILES) {
      await this.start(root);
      return { ...NO_COUNTS, deferred: 'as-run' };
    }
    const refresh = this.queue.enqueue(root, () => this.refreshNow(root, codebase, files));
    if (!this.active.has(root)) return refresh;
    // A run holds the queue (for minutes, perhaps): the refresh follows it, and the caller does not wait.
    refresh.catch((error: unknown) => this.emit({ ...initialProgress(root, 'failed'), message: `refreshing ${files.length} changed files failed: ${errorMessage(error)}` }));
    return { ...NO_COUNTS, deferred: 'after-run' };
  }

  /** Re-chunks the named files now (in the queue): a path that is gone or no longer indexable leaves the index. */
  private async refreshNow(root: string, codebase: CodebaseRecord, files: readonly string[]): Promise<RunCounts> {
    const present: ScannedFile[] = [];
    const removed: string[] = [];
    for (const file of files) {
      const relative = relativeInside(root, path.resolve(root, file));
      if (!relative) continue;
      const scanned = await this.describeFile(root, relative, codebase.settings);
      if (scanned) present.push(scanned);
      else removed.push(relative);
    }
    // Read again in the queue: a run that ended meanwhile may have changed the settings.
    const current = this.store.codebases.byId(codebase.id) ?? codebase;
    const pass = new IndexPass(this.refreshDeps(present), current, new AbortController().signal, () => {});
    const counts = await pass.syncSome(present, removed);
    // Lexical search already has the change; vectors catch up on the next full run.
    await pass.embedMissing().catch((error: unknown) => this.emit({ ...initialProgress(root, 'embedding'), message: `embedding failed: ${errorMessage(error)}` }));
    this.onContentChanged(codebase.id);
    return counts;
  }

  /**
   * A save of a file or two is parsed here when small: an idle pool has let
   * its workers go, and starting one (a thread, the runtime, the grammar)
   * costs ~150 ms where parsing 100 KB here holds the event loop ~25 ms.
   */
  private refreshDeps(present: readonly ScannedFile[]): IndexerDeps {
    const bytes = present.reduce((sum, file) => sum + file.size, 0);
    return bytes <= SMALL_REFRESH_BYTES ? { ...this.deps, deriver: this.inThreadDeriver } : this.deps;
  }

  /**
   * Cancels any run on the codebase and deletes its index. Returns what was
   * removed. A folder inside an indexed codebase is refused, naming the
   * codebase: clearing is per codebase, and deleting the parent's index for a
   * request about one of its folders would lose what the user did not ask to lose.
   */
  async clear(input: string): Promise<ClearedCodebase> {
    const resolved = resolveCodebase(this.store, input);
    if (resolved?.subfolder) {
      throw new UserError(
        `${absolutePath(input)} is a folder inside the indexed codebase ${resolved.codebase.root}; clear_index clears whole codebases. ` +
          `Pass ${resolved.codebase.root} to clear all of it, or leave the folder out with ignorePatterns (e.g. ["${resolved.subfolder}/"]) and index again.`,
      );
    }
    const codebase = resolved?.codebase;
    const root = codebase?.root ?? this.runningRootFor(input);
    if (root === undefined) throw new UserError(`${absolutePath(input)} is not indexed; there is nothing to clear.`);
    const running = this.active.get(root);
    if (running) cancel(running.controller, 'cleared');
    // What this clear removed, read in the queue: a run that was scanning when the clear came
    // may have been the first, and of two clears at once the second finds nothing left.
    let removed: ClearedCodebase = { root, fileCount: 0, chunkCount: 0 };
    await this.queue.enqueue(root, async () => {
      const current = this.store.codebases.byRoot(root);
      if (!current) return;
      removed = { root, fileCount: current.fileCount, chunkCount: current.chunkCount };
      await this.deleteCodebase(current.id);
    });
    if (codebase) this.onContentChanged(codebase.id);
    this.emit({ ...initialProgress(root, 'cancelled'), message: 'index cleared' });
    return removed;
  }

  /**
   * Deletes a codebase without holding the event loop: the row becomes a
   * tombstone at once (searches stop finding it), then its rows go in
   * batches with a yield between them, each batch its own fenced transaction.
   */
  private async deleteCodebase(id: number): Promise<void> {
    this.store.codebases.beginDelete(id);
    this.onContentChanged(id);
    while (this.store.contents.deleteSome(id, DELETE_BATCH_ROWS) > 0) await yieldToEventLoop();
    this.store.codebases.finishDelete(id);
  }

  /** Finishes deletions that a previous leader started and did not finish (it died or was deposed). */
  async finishDeletions(): Promise<number> {
    const pending = this.store.codebases.pendingDeletions();
    for (const id of pending) await this.queue.enqueue(`deleted:${id}`, () => this.deleteCodebase(id));
    return pending.length;
  }

  /** The root of a first run still scanning the folder a path names (it has no codebase row yet). */
  private runningRootFor(input: string): string | undefined {
    try {
      const root = canonicalFolder(input);
      return this.active.has(root) ? root : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Scans (outside the write queue: a scan only reads), then begins and runs
   * the index inside it, so a clear or a forced restart queued meanwhile
   * either comes before the run begins (and the run, cancelled, writes
   * nothing) or after it ends. The signal is checked once more in the queue:
   * a run cancelled after its scan must not create the codebase again.
   */
  private async scanAndStart(root: string, settings: IndexSettings, reset: boolean, run: ActiveRun): Promise<IndexStarted> {
    const { signal } = run.controller;
    const report = (progress: IndexProgress): void => {
      run.progress = progress;
      this.emit(progress);
    };
    const forget = (): void => {
      if (this.active.get(root) === run) this.active.delete(root);
    };
    let begun!: (value: { codebase: CodebaseRecord; scan: ScanResult }) => void;
    let refused!: (error: unknown) => void;
    const beginning = new Promise<{ codebase: CodebaseRecord; scan: ScanResult }>((resolve, reject) => ((begun = resolve), (refused = reject)));
    // A forced run, or a first one (or its resumption), derives every file left: its workers can load while the folder is scanned.
    const existing = reset ? undefined : this.store.codebases.byRoot(root);
    if (reset || !existing || existing.finishedAt === null) this.deps.deriver.prepare();
    const done = this.scan(root, settings, signal)
      .then(async (scan) => {
        await this.hooks.afterScan?.(root);
        return scan;
      })
      .then((scan) =>
        this.queue.enqueue(root, async () => {
          signal.throwIfAborted();
          const codebase = this.store.codebases.beginIndexing(root, settings);
          this.onContentChanged(codebase.id);
          begun({ codebase, scan });
          report({ ...initialProgress(root, 'indexing'), totalFiles: scan.files.length });
          return this.runFull(codebase, scan, signal, report, reset);
        }),
      )
      .catch((error: unknown): IndexProgress => {
        refused(signal.aborted ? cancelledBeforeStart(root, signal.reason) : error);
        return { ...initialProgress(root, 'cancelled'), message: 'cancelled' };
      })
      .finally(forget);
    const { codebase, scan } = await beginning;
    return { root, fileCount: scan.files.length, codebase, done };
  }

  private async scan(root: string, settings: IndexSettings, signal: AbortSignal): Promise<ScanResult> {
    const scan = await scanCodebase(root, {
      ignorePatterns: settings.ignorePatterns,
      customExtensions: new Set(settings.customExtensions),
      maxFileBytes: this.config.maxFileBytes,
      maxFiles: this.config.maxFiles,
      signal,
    });
    if (scan.overLimit) throw new UserError(overLimitMessage(root, scan, this.config.maxFiles));
    return scan;
  }

  private async describeFile(root: string, relative: string, settings: IndexSettings): Promise<ScannedFile | undefined> {
    const absolute = path.join(root, relative);
    const info = await lstat(absolute).catch(() => undefined);
    if (!info?.isFile() || info.size > this.config.maxFileBytes) return undefined;
    const language = await isIndexablePath(root, relative, {
      ignorePatterns: settings.ignorePatterns,
      customExtensions: new Set(settings.customExtensions),
    });
    if (!language) return undefined;
    return { path: relative, absolutePath: absolute, size: info.size, mtimeMs: info.mtimeMs, language };
  }

  private async runFull(codebase: CodebaseRecord, scan: ScanResult, signal: AbortSignal, report: ProgressListener, rewriteAll: boolean): Promise<IndexProgress> {
    const pass = new IndexPass(this.deps, codebase, signal, report, { rewriteAll });
    try {
      const counts = await pass.syncAll(scan.files);
      let message = describeRun(counts, scan);
      try {
        await pass.embedMissing();
      } catch (error) {
        if (signal.aborted || error instanceof FencedError) throw error;
        message += `; embedding failed (${errorMessage(error)}), search stays lexical until the next index`;
      }
      const written = this.store.codebases.byId(codebase.id);
      if (written && searchTableDrifted(this.store, written)) {
        report(this.finalProgress(codebase, 'indexing', 'rebuilding the search index'));
        await rebuildSearchTable(this.store, codebase.id, signal);
      }
      this.store.codebases.finishIndexing(codebase.id, 'indexed', message);
      this.onContentChanged(codebase.id);
      const final = this.finalProgress(codebase, 'done', message);
      report(final);
      const { afterMerges } = this.hooks;
      if (afterMerges) void this.store.merges.whenIdle().then(() => afterMerges(codebase.root));
      return final;
    } catch (error) {
      if (signal.aborted) return this.finalProgress(codebase, 'cancelled', 'cancelled');
      if (error instanceof FencedError) {
        const fenced = this.finalProgress(codebase, 'failed', error.message);
        report(fenced);
        return fenced;
      }
      const message = `indexing failed: ${errorMessage(error)}`;
      try {
        this.store.codebases.finishIndexing(codebase.id, 'failed', message);
      } catch {
        // The failure may be the database itself; the status stays "indexing" until the next run.
      }
      const failed = this.finalProgress(codebase, 'failed', message);
      report(failed);
      return failed;
    }
  }

  private finalProgress(codebase: CodebaseRecord, phase: IndexProgress['phase'], message: string): IndexProgress {
    let record: CodebaseRecord | undefined;
    try {
      record = this.store.codebases.byId(codebase.id);
    } catch {
      // The database was closed under a cancelled run (shutdown): report without counts.
    }
    return {
      root: codebase.root,
      phase,
      totalFiles: record?.totalFiles ?? 0,
      processedFiles: record?.processedFiles ?? 0,
      chunkCount: record?.chunkCount ?? 0,
      message,
    };
  }

  private emit(progress: IndexProgress): void {
    for (const listener of this.listeners) listener(progress);
  }
}

/** What a caller hears of a run cancelled before it began (a clear or a forced restart came during its scan). */
type CancelReason = 'cleared' | 'forced' | 'stopped';

/** Cancels a run, saying why: the reason is an AbortError (what abortable APIs expect) whose message is the reason. */
function cancel(controller: AbortController, why: CancelReason): void {
  controller.abort(new DOMException(why, 'AbortError'));
}

function cancelledBeforeStart(root: string, abortReason: unknown): Error {
  const reason = abortReason instanceof Error ? abortReason.message : undefined;
  if (reason === 'cleared') return new UserError(`indexing ${root} was cancelled before it began: its index was cleared meanwhile.`);
  if (reason === 'forced') return new UserError(`indexing ${root} was cancelled before it began: a forced re-index replaced this run.`);
  // This process stopped writing (it shut down or gave up the leader seat): the request belongs with the next writer.
  return new RunStoppedError(`indexing ${root} stopped before it began: this process is no longer the index writer.`);
}

function initialProgress(root: string, phase: IndexProgress['phase']): IndexProgress {
  return { root, phase, totalFiles: 0, processedFiles: 0, chunkCount: 0, message: '' };
}
