import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { Chunker } from '../chunk/chunker.ts';
import { resolveCodebase } from '../codebase-lookup.ts';
import type { EngineConfig } from '../config.ts';
import type { Embedder } from '../embed/embedder.ts';
import { FencedError, UserError, errorMessage } from '../errors.ts';
import { normalizeExtension } from '../languages.ts';
import { absolutePath, canonicalFolder, relativeInside } from '../paths.ts';
import { percentOf, type IndexProgress } from '../progress.ts';
import { isIndexablePath, scanCodebase, type ScanResult, type ScannedFile } from '../scan/scanner.ts';
import type { CodebaseRecord, IndexSettings, IndexStore } from '../store/index-store.ts';
import { IndexPass, type IndexerDeps, type RunCounts } from './index-pass.ts';
import { describeRun, overLimitMessage } from './run-messages.ts';
import { WriteQueue } from './write-queue.ts';

export interface IndexOptions {
  readonly force?: boolean | undefined;
  /** When a run is already going on this codebase, return it instead of refusing (a retried request). */
  readonly joinRunning?: boolean | undefined;
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
}

interface ActiveRun {
  readonly controller: AbortController;
  progress: IndexProgress;
  /** Settles once the scan is done and the run is under way (or failed to start). */
  readonly started: Promise<IndexStarted>;
}

type ProgressListener = (progress: IndexProgress) => void;

export interface IndexRunsOptions {
  readonly store: IndexStore;
  readonly config: EngineConfig;
  readonly chunker: Chunker;
  readonly embedder: Embedder | undefined;
  /** Called when a codebase's chunks changed, so that caches of its vectors are dropped. */
  readonly onContentChanged: (codebaseId: number) => void;
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
  private readonly onContentChanged: (codebaseId: number) => void;
  private readonly active = new Map<string, ActiveRun>();
  private readonly queue = new WriteQueue();
  private readonly listeners = new Set<ProgressListener>();

  constructor(options: IndexRunsOptions) {
    this.store = options.store;
    this.config = options.config;
    this.onContentChanged = options.onContentChanged;
    this.deps = { store: options.store, chunker: options.chunker, embedder: options.embedder, maxFileBytes: options.config.maxFileBytes };
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
   * Scans the folder, then indexes it in the background. Refuses a second run
   * on a codebase that is being indexed unless `force`, which cancels the
   * running one and starts over from an empty index.
   */
  async start(input: string, options: IndexOptions = {}): Promise<IndexStarted> {
    const root = canonicalFolder(input);
    const running = this.active.get(root);
    if (running && options.joinRunning && !options.force) return running.started;
    if (running && !options.force) {
      throw new UserError(
        `${root} is already being indexed (${percentOf(running.progress)}% done). Wait for it (get_indexing_status shows progress), or pass force: true to start over.`,
      );
    }
    if (running) {
      running.controller.abort();
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
        await this.start(codebase.root, { joinRunning: true });
        resumed.push(codebase.root);
      } catch (error) {
        onError(codebase.root, error);
      }
    }
    return resumed;
  }

  /** Cancels every run in this process (this process is no longer allowed to write). */
  abortAll(): void {
    for (const run of this.active.values()) run.controller.abort();
  }

  /**
   * Re-indexes just these files of an indexed codebase (what an editor reports
   * as saved, created or deleted). Paths may be absolute or root-relative.
   */
  async refreshFiles(input: string, files: readonly string[]): Promise<RunCounts> {
    const root = canonicalFolder(input);
    const codebase = this.store.codebases.byRoot(root);
    if (!codebase) throw new UserError(`${root} is not indexed yet: index it first (index_codebase).`);
    return this.queue.enqueue(root, async () => {
      const present: ScannedFile[] = [];
      const removed: string[] = [];
      for (const file of files) {
        const relative = relativeInside(root, path.resolve(root, file));
        if (!relative) continue;
        const scanned = await this.describeFile(root, relative, codebase.settings);
        if (scanned) present.push(scanned);
        else removed.push(relative);
      }
      const pass = new IndexPass(this.deps, codebase, new AbortController().signal, () => {});
      const counts = await pass.syncSome(present, removed);
      // Lexical search already has the change; vectors catch up on the next full run.
      await pass.embedMissing().catch((error: unknown) => this.emit({ ...initialProgress(root, 'embedding'), message: `embedding failed: ${errorMessage(error)}` }));
      this.onContentChanged(codebase.id);
      return counts;
    });
  }

  /** Cancels any run on the codebase and deletes its index. Returns what was removed. */
  async clear(input: string): Promise<CodebaseRecord> {
    const codebase = resolveCodebase(this.store, input)?.codebase;
    if (!codebase) throw new UserError(`${absolutePath(input)} is not indexed; there is nothing to clear.`);
    this.active.get(codebase.root)?.controller.abort();
    await this.queue.enqueue(codebase.root, async () => {
      this.store.codebases.delete(codebase.id);
    });
    this.onContentChanged(codebase.id);
    this.emit({ ...initialProgress(codebase.root, 'cancelled'), message: 'index cleared' });
    return codebase;
  }

  private async scanAndStart(root: string, settings: IndexSettings, reset: boolean, run: ActiveRun): Promise<IndexStarted> {
    const report = (progress: IndexProgress): void => {
      run.progress = progress;
      this.emit(progress);
    };
    let scan: ScanResult;
    let codebase: CodebaseRecord;
    try {
      scan = await this.scan(root, settings, run.controller.signal);
      codebase = this.store.codebases.beginIndexing(root, settings, reset);
    } catch (error) {
      if (this.active.get(root) === run) this.active.delete(root);
      throw error;
    }
    this.onContentChanged(codebase.id);
    report({ ...initialProgress(root, 'indexing'), totalFiles: scan.files.length });
    const done = this.queue.enqueue(root, () => this.runFull(codebase, scan, run.controller.signal, report)).finally(() => {
      if (this.active.get(root) === run) this.active.delete(root);
    });
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

  private async runFull(codebase: CodebaseRecord, scan: ScanResult, signal: AbortSignal, report: ProgressListener): Promise<IndexProgress> {
    const pass = new IndexPass(this.deps, codebase, signal, report);
    try {
      const counts = await pass.syncAll(scan.files);
      let message = describeRun(counts, scan);
      try {
        await pass.embedMissing();
      } catch (error) {
        if (signal.aborted || error instanceof FencedError) throw error;
        message += `; embedding failed (${errorMessage(error)}), search stays lexical until the next index`;
      }
      this.store.codebases.finishIndexing(codebase.id, 'indexed', message);
      this.onContentChanged(codebase.id);
      const final = this.finalProgress(codebase, 'done', message);
      report(final);
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

function initialProgress(root: string, phase: IndexProgress['phase']): IndexProgress {
  return { root, phase, totalFiles: 0, processedFiles: 0, chunkCount: 0, message: '' };
}

function mergeSettings(previous: IndexSettings | undefined, options: IndexOptions): IndexSettings {
  return {
    splitter: options.splitter ?? previous?.splitter ?? 'ast',
    customExtensions: (options.customExtensions ?? previous?.customExtensions ?? []).map(normalizeExtension),
    ignorePatterns: [...(options.ignorePatterns ?? previous?.ignorePatterns ?? [])],
  };
}
