import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Embedder } from '../embed/embedder.ts';
import type { IndexProgress } from '../progress.ts';
import { currentFormat, isCurrentFormat, type IndexFormat } from './index-format.ts';
import type { SkipReason } from '../scan/file-content.ts';
import type { ScannedFile } from '../scan/scanner.ts';
import type { CodebaseRecord, FileUpdate, IndexStore, StoredFile } from '../store/index-store.ts';
import type { Deriver } from './derive-pool.ts';
import { withTerms, type DerivedFile } from './file-derivation.ts';
import { DeriveAhead } from './derive-ahead.ts';
import { dropFreshTable, FreshSearchTable } from './fresh-search-table.ts';
import { fileSearchTerms } from './prepare.ts';

export interface IndexerDeps {
  readonly store: IndexStore;
  /** Reads and chunks files: worker threads, or this thread. */
  readonly deriver: Deriver;
  readonly embedder?: Embedder | undefined;
  readonly maxFileBytes: number;
  /** Called after each committed batch of a full run (a test holds the run there). */
  readonly afterBatch?: ((root: string) => Promise<void>) | undefined;
}

export interface RunCounts {
  /** Files whose chunks were (re)written. */
  changed: number;
  /** Files whose content was unchanged (size/mtime or hash equal). */
  unchanged: number;
  deleted: number;
  /** Binary, minified or too-large files, stored without chunks (until they change). */
  skipped: number;
  /** Files that could not be read this time (permissions, I/O): left as they were, tried again next run. */
  unreadable: number;
  /** Files that vanished or stopped being regular files since the scan: removed from the index. */
  vanished: number;
  /** Files whose parsing failed (the worker thread died): left as they were, tried again next run. */
  failed: number;
}

/**
 * A batch is written when it holds this many files, this much text, or has
 * waited this long. Writing is synchronous, in the thread that answers the
 * election and MCP: a quarter of a megabyte of text is a transaction of some
 * 10 ms (measured: event-loop delay p99 40 ms during a full index of the bench corpus).
 */
const BATCH_MAX_FILES = 200;
const BATCH_MAX_CHARS = 250_000;
const BATCH_MAX_MS = 250;
/**
 * The longest the run's loop holds the thread between files before it lets
 * the event loop run: results that come back together (a worker's 32 files,
 * tokenized here with one worker: see derive-pool.ts) are not all processed
 * in one go.
 */
const SLICE_MS = 10;
const DELETE_BATCH = 500;
const EMBED_BATCH = 128;

/**
 * One pass that brings a codebase's stored files in line with a scan:
 * unchanged files (same size and mtime, or same content hash) cost nothing,
 * changed and new files are re-chunked, vanished files are deleted. Work is
 * committed in batches, each one atomic; an interrupted run leaves a
 * consistent index, and the next run picks up where it stopped because
 * committed files now look unchanged.
 */
export class IndexPass {
  private readonly deps: IndexerDeps;
  private readonly codebase: CodebaseRecord;
  private readonly signal: AbortSignal;
  private readonly onProgress: (progress: IndexProgress) => void;
  private readonly counts: RunCounts = { changed: 0, unchanged: 0, deleted: 0, skipped: 0, unreadable: 0, vanished: 0, failed: 0 };
  private readonly failures: string[] = [];
  private batch: FileUpdate[] = [];
  /** Files found gone during this batch, deleted with it. */
  private batchGone: string[] = [];
  private batchChars = 0;
  private batchStartedAt = Date.now();
  private sliceStartedAt = performance.now();
  private total = 0;
  /** Set while a forced re-index's batches also fill a fresh search table (see withFreshSearchTable). */
  private freshTable: FreshSearchTable | undefined;
  /** Set while the batches' commits leave merging to store.merges (see withStepMerges). */
  private stepMerges = false;
  private processed = 0;
  private readonly format: IndexFormat;
  private readonly rewriteAll: boolean;

  /**
   * `rewriteAll` (a forced re-index) re-chunks every file as if none were
   * stored, one batch at a time: stored chunks equal to the new ones stay,
   * the others are replaced, and the search table is built anew beside the
   * live one and swapped in at the end (see fresh-search-table.ts). Search
   * keeps answering from the live table meanwhile, and the result equals a
   * clean index.
   */
  constructor(
    deps: IndexerDeps,
    codebase: CodebaseRecord,
    signal: AbortSignal,
    onProgress: (progress: IndexProgress) => void,
    options: { rewriteAll?: boolean } = {},
  ) {
    this.deps = deps;
    this.codebase = codebase;
    this.signal = signal;
    this.onProgress = onProgress;
    this.format = currentFormat(codebase.settings);
    this.rewriteAll = options.rewriteAll === true;
  }

  /** Indexes every scanned file and deletes stored files the scan no longer has. */
  async syncAll(files: readonly ScannedFile[]): Promise<RunCounts> {
    const stored = this.deps.store.contents.storedFiles(this.codebase.id);
    this.total = files.length;
    this.deps.store.codebases.setProgress(this.codebase.id, this.total, 0);
    const toDerive = files.filter((file) => !this.isUpToDate(file, stored.get(file.path)));
    const pass = async (): Promise<void> => {
      await this.syncEach(files, stored, toDerive);
      await this.deletePaths([...stored.keys()]);
    };
    // A forced re-index of stored files builds its search table anew; with nothing stored, the live one is that already.
    const buildsFreshTable = this.rewriteAll && stored.size > 0 && toDerive.length > 0;
    // A fresh table a killed forced re-index left: nothing will swap it in now.
    if (!buildsFreshTable) dropFreshTable(this.deps.store, this.codebase.id);
    if (toDerive.length === 0) {
      this.deps.store.merges.giveBackIfTaken(this.codebase.id);
      await pass();
    } else if (buildsFreshTable) {
      await this.withStepMerges(() => this.withFreshSearchTable(pass));
    } else {
      await this.withStepMerges(pass);
    }
    // Every file now stored went through this pass (or an earlier one since the symbol table exists).
    this.deps.store.symbols.markComplete(this.codebase.id);
    return this.counts;
  }

  /** Syncs the scanned files in order, writing them batch by batch; `stored` keeps the files the scan did not have. */
  private async syncEach(files: readonly ScannedFile[], stored: Map<string, StoredFile>, toDerive: readonly ScannedFile[]): Promise<void> {
    const derivations = new DeriveAhead(toDerive, (file) => this.derive(file, stored.get(file.path)), this.deps.deriver.parallelism);
    for (const file of files) {
      this.signal.throwIfAborted();
      await this.syncFile(file, stored.get(file.path), derivations);
      stored.delete(file.path);
      this.processed++;
      if (this.batchIsFull()) {
        // The batch's transaction gets a slice of its own.
        await this.yieldToEventLoop();
        this.flush();
        await this.deps.afterBatch?.(this.codebase.root);
        await this.yieldToEventLoop();
      } else if (performance.now() - this.sliceStartedAt >= SLICE_MS) {
        await this.yieldToEventLoop();
      }
    }
    this.flush();
  }

  /** Runs `body` (the whole pass) with its batches also filling a fresh search table, swapped in when it ends. */
  private async withFreshSearchTable(body: () => Promise<void>): Promise<void> {
    const fresh = new FreshSearchTable(this.deps.store, this.codebase.id);
    this.freshTable = fresh;
    try {
      await body();
      await fresh.finish(this.signal);
    } catch (error) {
      fresh.discard();
      throw error;
    } finally {
      this.freshTable = undefined;
    }
  }

  /**
   * Runs `body` with the search table's merging moved out of the batches'
   * commits into steps between tasks (see store/fts-merges.ts), and gives it
   * back after, however `body` ended.
   */
  private async withStepMerges(body: () => Promise<void>): Promise<void> {
    const { merges } = this.deps.store;
    merges.takeOver(this.codebase.id);
    this.stepMerges = true;
    try {
      await body();
    } finally {
      this.stepMerges = false;
      try {
        merges.giveBack(this.codebase.id);
      } catch {
        // A deposed writer (or a database locked past busy_timeout) cannot write it. Until the next full pass
        // gives it back, the table's commits merge only when a level holds 16 b-trees (FTS5's 'crisismerge').
      }
    }
  }

  /**
   * Indexes just these files (as reported changed by an editor); a path that
   * no longer exists, or is no longer indexable, is removed.
   */
  async syncSome(present: readonly ScannedFile[], removed: readonly string[]): Promise<RunCounts> {
    const stored = this.deps.store.contents.storedFilesNamed(this.codebase.id, [...present.map((file) => file.path), ...removed]);
    for (const file of present) {
      this.signal.throwIfAborted();
      await this.syncFile(file, stored.get(file.path));
    }
    this.flush(false);
    await this.deletePaths(removed.filter((path) => stored.has(path)));
    return this.counts;
  }

  private async syncFile(file: ScannedFile, previous: StoredFile | undefined, derivations?: DeriveAhead): Promise<void> {
    if (this.isUpToDate(file, previous)) {
      this.counts.unchanged++;
      return;
    }
    let result: DerivedFile;
    try {
      result = await (derivations ? derivations.take(file) : this.derive(file, previous));
    } catch (error) {
      // The file's own failure (its worker died on it): it keeps what was indexed and is tried again next run.
      if (previous) this.freshTable?.keepAsStored(file.path);
      this.counts.failed++;
      if (this.failures.length < 5) this.failures.push((error as Error).message);
      return;
    }
    const derived = withTerms(result);
    if (derived.kind === 'transient') {
      this.noteTransient(file, previous, derived.reason);
      return;
    }
    const base = {
      path: file.path,
      size: file.size,
      mtimeMs: file.mtimeMs,
      hash: derived.hash,
      language: file.language.id,
      role: derived.role,
      ...fileSearchTerms(file.path),
      formatVersion: this.format.version,
      formatOptions: this.format.options,
    };
    if (derived.kind === 'same') {
      this.freshTable?.keepAsStored(file.path);
      this.counts.unchanged++;
      this.add({ ...base, chunks: null }, 0);
      return;
    }
    if (derived.kind === 'skipped') {
      this.counts.skipped++;
      this.add({ ...base, chunks: [] }, 0);
      return;
    }
    this.counts.changed++;
    this.add({ ...base, chunks: derived.chunks, symbols: derived.symbols }, derived.chars);
  }

  /** The first few reasons files failed, for the run's summary. */
  get failureReasons(): readonly string[] {
    return this.failures;
  }

  private derive(file: ScannedFile, previous: StoredFile | undefined): Promise<DerivedFile> {
    return this.deps.deriver.derive({
      absolutePath: file.absolutePath,
      path: file.path,
      language: file.language,
      splitter: this.codebase.settings.splitter,
      maxBytes: this.deps.maxFileBytes,
      // Same content as stored, chunked the way this run would: only size and mtime move.
      unchangedIfHash: previous && this.isCurrent(previous) && previous.hash !== '' ? previous.hash : undefined,
    });
  }

  /** Whether the stored file can stay as it is: same size and mtime, chunked the way this run would. */
  private isUpToDate(file: ScannedFile, previous: StoredFile | undefined): boolean {
    return previous !== undefined && sameSizeAndTime(file, previous) && this.isCurrent(previous);
  }

  /** Whether a stored file's chunks were made the way this run makes them (a forced run makes all anew). */
  private isCurrent(previous: StoredFile): boolean {
    return !this.rewriteAll && isCurrentFormat(previous, this.format);
  }

  /**
   * A file that could not be read this time says nothing of its content, so
   * its row is not written (writing its size and mtime would make it look
   * unchanged forever): an unreadable file keeps what was indexed and is tried
   * again next run; one that vanished or became a FIFO leaves the index.
   */
  private noteTransient(file: ScannedFile, previous: StoredFile | undefined, reason: SkipReason): void {
    if (reason === 'unreadable') {
      if (previous) this.freshTable?.keepAsStored(file.path);
      this.counts.unreadable++;
      return;
    }
    this.counts.vanished++;
    if (previous) this.batchGone.push(file.path);
  }

  private async yieldToEventLoop(): Promise<void> {
    await yieldToEventLoop();
    this.sliceStartedAt = performance.now();
  }

  private add(update: FileUpdate, chars: number): void {
    this.batch.push(update);
    this.batchChars += chars;
  }

  private batchIsFull(): boolean {
    return (
      this.batch.length + this.batchGone.length >= BATCH_MAX_FILES ||
      this.batchChars >= BATCH_MAX_CHARS ||
      (this.batch.length > 0 && Date.now() - this.batchStartedAt >= BATCH_MAX_MS)
    );
  }

  private flush(withProgress = true): void {
    if (this.batch.length > 0 || this.batchGone.length > 0 || withProgress) {
      const progress = withProgress ? { total: this.total, processed: this.processed } : undefined;
      this.deps.store.contents.applyBatch(this.codebase.id, this.batch, this.batchGone, progress, { intoFreshSearchTable: this.freshTable !== undefined });
      if (this.stepMerges) this.deps.store.merges.written(this.codebase.id);
    }
    this.batch = [];
    this.batchGone = [];
    this.batchChars = 0;
    this.batchStartedAt = Date.now();
    if (withProgress) this.report('indexing', '');
  }

  private async deletePaths(paths: readonly string[]): Promise<void> {
    for (let start = 0; start < paths.length; start += DELETE_BATCH) {
      this.signal.throwIfAborted();
      const slice = paths.slice(start, start + DELETE_BATCH);
      this.deps.store.contents.applyBatch(this.codebase.id, [], slice);
      this.counts.deleted += slice.length;
      await Promise.resolve();
    }
  }

  /**
   * Embeds chunks that have no vector for the configured model yet. Vectors
   * are cached by content hash, so renamed or reverted files cost nothing.
   */
  async embedMissing(): Promise<void> {
    const embedder = this.deps.embedder;
    if (!embedder) return;
    let afterId = 0;
    for (;;) {
      this.signal.throwIfAborted();
      const page = this.deps.store.vectors.missing(this.codebase.id, embedder.model, afterId, EMBED_BATCH);
      if (page.length === 0) return;
      afterId = page[page.length - 1]!.id;
      const unique = [...new Map(page.map((chunk) => [chunk.contentHash, chunk])).values()];
      this.report('embedding', `embedding ${unique.length} chunks`);
      const vectors = await embedder.embed(
        unique.map((chunk) => chunk.content),
        this.signal,
      );
      this.deps.store.vectors.save(
        embedder.model,
        unique.map((chunk, index) => ({ contentHash: chunk.contentHash, vector: vectors[index]! })),
      );
    }
  }

  private report(phase: IndexProgress['phase'], message: string): void {
    const record = this.deps.store.codebases.byId(this.codebase.id);
    this.onProgress({
      root: this.codebase.root,
      phase,
      totalFiles: this.total,
      processedFiles: this.processed,
      chunkCount: record?.chunkCount ?? 0,
      message,
    });
  }
}

function sameSizeAndTime(file: ScannedFile, previous: StoredFile): boolean {
  return previous.size === file.size && previous.mtimeMs === file.mtimeMs;
}
