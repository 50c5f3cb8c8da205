import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { Chunker } from './chunk/chunker.ts';
import type { EngineConfig } from './config.ts';
import type { Embedder } from './embed/embedder.ts';
import { OpenAiEmbedder } from './embed/openai-embedder.ts';
import { FencedError, UserError, errorMessage } from './errors.ts';
import { termsExpression } from './fts-query.ts';
import { IndexPass, type RunCounts } from './indexer.ts';
import { normalizeExtension } from './languages.ts';
import { absolutePath, canonicalFolder, relativeInside } from './paths.ts';
import { percentOf, type IndexProgress } from './progress.ts';
import { COUNT_CAP_FACTOR, isIndexablePath, scanCodebase, type ScanResult, type ScannedFile } from './scan/scanner.ts';
import { openDatabase } from './store/database.ts';
import { IndexStore, type CodebaseRecord, type IndexSettings } from './store/index-store.ts';
import { TermRarity } from './term-rarity.ts';
import { queryTerms } from './tokenize.ts';
import { VectorIndex } from './vector-index.ts';

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

export interface SearchOptions {
  readonly limit: number;
  readonly extensionFilter?: readonly string[] | undefined;
}

export interface SearchResult {
  /** Path relative to the codebase root, "/"-separated. */
  readonly file: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly language: string;
  readonly score: number;
  readonly content: string;
}

export interface SearchResponse {
  readonly root: string;
  /** Set when the request named a folder inside the codebase: results are limited to it. */
  readonly subfolder?: string;
  readonly mode: 'lexical' | 'hybrid';
  readonly codebaseStatus: CodebaseRecord['status'];
  readonly percent: number;
  readonly results: SearchResult[];
}

export type StatusName = 'not_found' | 'indexing' | 'indexed' | 'failed';

export interface StatusReport {
  readonly path: string;
  readonly status: StatusName;
  readonly root?: string;
  readonly percent: number;
  readonly totalFiles: number;
  readonly processedFiles: number;
  readonly fileCount: number;
  readonly chunkCount: number;
  readonly message: string;
  readonly startedAt?: number;
  readonly finishedAt?: number | null;
}

interface ActiveRun {
  readonly controller: AbortController;
  progress: IndexProgress;
  /** Settles once the scan is done and the run is under way (or failed to start). */
  readonly started: Promise<IndexStarted>;
}

type ProgressListener = (progress: IndexProgress) => void;

/** Candidates taken from each ranking before fusion. */
const FUSION_DEPTH = 50;
const RRF_K = 60;

/**
 * The index and search engine for every codebase in one BATON_HOME. It knows
 * nothing of MCP or of other processes: callers decide who may write (see the
 * write fence on the store). Writes to one codebase run one after another.
 */
export class Engine {
  readonly store: IndexStore;
  private readonly config: EngineConfig;
  private readonly chunker: Chunker;
  private readonly embedder: Embedder | undefined;
  private readonly vectors = new VectorIndex();
  private readonly termRarity = new TermRarity();
  private readonly active = new Map<string, ActiveRun>();
  /** Tail of each codebase's chain of writes. */
  private readonly writeQueue = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<ProgressListener>();

  constructor(config: EngineConfig, options: { store?: IndexStore; chunker?: Chunker; embedder?: Embedder } = {}) {
    this.config = config;
    this.store = options.store ?? new IndexStore(openDatabase(config.home));
    this.chunker = options.chunker ?? new Chunker();
    this.embedder =
      options.embedder ?? (config.embedding ? new OpenAiEmbedder(config.embedding) : undefined);
  }

  close(): void {
    this.abortAll();
    this.store.close();
  }

  /** Called with every progress report of every run (for MCP notifications and followers). */
  onProgress(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ── indexing ─────────────────────────────────────────────────────────────

  /**
   * Scans the folder, then indexes it in the background. Refuses a second run
   * on a codebase that is being indexed unless `force`, which cancels the
   * running one and starts over from an empty index.
   */
  async startIndex(input: string, options: IndexOptions = {}): Promise<IndexStarted> {
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
      await this.writeQueue.get(root);
    }
    const previous = this.store.codebaseByRoot(root);
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

  private async scanAndStart(root: string, settings: IndexSettings, reset: boolean, run: ActiveRun): Promise<IndexStarted> {
    const report = (progress: IndexProgress): void => {
      run.progress = progress;
      this.emit(progress);
    };
    let scan: ScanResult;
    let codebase: CodebaseRecord;
    try {
      scan = await this.scan(root, settings, run.controller.signal);
      codebase = this.store.beginIndexing(root, settings, reset);
    } catch (error) {
      if (this.active.get(root) === run) this.active.delete(root);
      throw error;
    }
    this.vectors.forget(codebase.id);
    report({ ...initialProgress(root, 'indexing'), totalFiles: scan.files.length });
    const done = this.enqueue(root, () => this.runFull(codebase, scan, run.controller.signal, report)).finally(() => {
      if (this.active.get(root) === run) this.active.delete(root);
    });
    return { root, fileCount: scan.files.length, codebase, done };
  }

  /**
   * Restarts every run that the database records as unfinished (its process
   * died or was deposed). Files committed before the interruption are now
   * unchanged, so each run picks up after its last committed batch.
   */
  async resumeInterrupted(onError: (root: string, error: unknown) => void): Promise<string[]> {
    const resumed: string[] = [];
    for (const codebase of this.store.listCodebases()) {
      if (codebase.status !== 'indexing' || this.active.has(codebase.root)) continue;
      try {
        await this.startIndex(codebase.root, { joinRunning: true });
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
    const codebase = this.store.codebaseByRoot(root);
    if (!codebase) throw new UserError(`${root} is not indexed yet: index it first (index_codebase).`);
    return this.enqueue(root, async () => {
      const present: ScannedFile[] = [];
      const removed: string[] = [];
      for (const file of files) {
        const relative = relativeInside(root, path.resolve(root, file));
        if (!relative) continue;
        const scanned = await this.describeFile(root, relative, codebase.settings);
        if (scanned) present.push(scanned);
        else removed.push(relative);
      }
      const pass = new IndexPass(this.passDeps(), codebase, new AbortController().signal, () => {});
      const counts = await pass.syncSome(present, removed);
      // Lexical search already has the change; vectors catch up on the next full run.
      await pass.embedMissing().catch((error: unknown) => this.emit({ ...initialProgress(root, 'embedding'), message: `embedding failed: ${errorMessage(error)}` }));
      this.vectors.forget(codebase.id);
      return counts;
    });
  }

  /** Cancels any run on the codebase and deletes its index. Returns what was removed. */
  async clear(input: string): Promise<CodebaseRecord> {
    const codebase = this.resolveCodebase(input)?.codebase;
    if (!codebase) throw new UserError(`${absolutePath(input)} is not indexed; there is nothing to clear.`);
    this.active.get(codebase.root)?.controller.abort();
    await this.enqueue(codebase.root, async () => {
      this.store.deleteCodebase(codebase.id);
    });
    this.vectors.forget(codebase.id);
    this.emit({ ...initialProgress(codebase.root, 'cancelled'), message: 'index cleared' });
    return codebase;
  }

  /** Whether a run is in progress in this process for the codebase at `root`. */
  isIndexing(root: string): boolean {
    return this.active.has(root);
  }

  // ── reading ──────────────────────────────────────────────────────────────

  async search(input: string, query: string, options: SearchOptions): Promise<SearchResponse> {
    const resolved = this.resolveCodebase(input);
    if (!resolved) {
      throw new UserError(`${absolutePath(input)} is not indexed. Index it first with index_codebase, then search again.`);
    }
    const { codebase, subfolder } = resolved;
    if (!this.store.hasSearchTable(codebase.id)) {
      throw new UserError(`${codebase.root} has no search index yet; index it with index_codebase.`);
    }
    const extensions = (options.extensionFilter ?? []).map(normalizeExtension);
    const prefix = subfolder ? `${subfolder}/` : undefined;
    const match = termsExpression(this.termRarity.select(this.store, codebase, queryTerms(query)), extensions);
    const lexical = match ? this.store.searchChunks(codebase.id, match, this.embedder ? FUSION_DEPTH : options.limit, prefix) : [];
    let hits = lexical.map((hit) => ({ hit, score: -hit.bm25 }));
    let mode: SearchResponse['mode'] = 'lexical';
    if (this.embedder) {
      const fused = await this.hybrid(codebase, query, lexical, extensions, prefix);
      if (fused) {
        hits = fused;
        mode = 'hybrid';
      }
    }
    if (!match && mode === 'lexical') {
      throw new UserError(`the query "${query}" has no words to search for. Use identifiers or words that appear in the code.`);
    }
    return {
      root: codebase.root,
      ...(subfolder ? { subfolder } : {}),
      mode,
      codebaseStatus: codebase.status,
      percent: percentOf(codebase),
      results: hits.slice(0, options.limit).map(({ hit, score }) => ({
        file: hit.path,
        startLine: hit.startLine,
        endLine: hit.endLine,
        language: hit.language,
        score: Math.round(score * 10_000) / 10_000,
        content: hit.content,
      })),
    };
  }

  status(input: string): StatusReport {
    const requested = absolutePath(input);
    const resolved = this.resolveCodebase(input);
    if (!resolved) {
      return { path: requested, status: 'not_found', percent: 0, totalFiles: 0, processedFiles: 0, fileCount: 0, chunkCount: 0, message: '' };
    }
    const { codebase } = resolved;
    const live = this.active.get(codebase.root)?.progress;
    const totalFiles = live?.totalFiles ?? codebase.totalFiles;
    const processedFiles = live?.processedFiles ?? codebase.processedFiles;
    return {
      path: requested,
      status: codebase.status,
      root: codebase.root,
      percent: codebase.status === 'indexed' ? 100 : percentOf({ totalFiles, processedFiles }),
      totalFiles,
      processedFiles,
      fileCount: codebase.fileCount,
      chunkCount: codebase.chunkCount,
      message: codebase.message,
      startedAt: codebase.startedAt,
      finishedAt: codebase.finishedAt,
    };
  }

  listCodebases(): CodebaseRecord[] {
    return this.store.listCodebases();
  }

  // ── internals ────────────────────────────────────────────────────────────

  /** The codebase a path names: itself when indexed, else the indexed folder that contains it. */
  private resolveCodebase(input: string): { codebase: CodebaseRecord; subfolder?: string } | undefined {
    const requested = absolutePath(input);
    let folder = requested;
    try {
      folder = canonicalFolder(requested);
    } catch {
      // A folder deleted since it was indexed can still be looked up (and cleared) by name.
    }
    const exact = this.store.codebaseByRoot(folder);
    if (exact) return { codebase: exact };
    let best: { codebase: CodebaseRecord; subfolder: string } | undefined;
    for (const codebase of this.store.listCodebases()) {
      const inside = relativeInside(codebase.root, folder);
      if (inside && (!best || codebase.root.length > best.codebase.root.length)) best = { codebase, subfolder: inside };
    }
    return best;
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
    const pass = new IndexPass(this.passDeps(), codebase, signal, report);
    try {
      const counts = await pass.syncAll(scan.files);
      let message = describeRun(counts, scan);
      try {
        await pass.embedMissing();
      } catch (error) {
        if (signal.aborted || error instanceof FencedError) throw error;
        message += `; embedding failed (${errorMessage(error)}), search stays lexical until the next index`;
      }
      this.store.finishIndexing(codebase.id, 'indexed', message);
      this.vectors.forget(codebase.id);
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
        this.store.finishIndexing(codebase.id, 'failed', message);
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
      record = this.store.codebaseById(codebase.id);
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

  private passDeps() {
    return { store: this.store, chunker: this.chunker, embedder: this.embedder, maxFileBytes: this.config.maxFileBytes };
  }

  private async hybrid(
    codebase: CodebaseRecord,
    query: string,
    lexical: ReturnType<IndexStore['searchChunks']>,
    extensions: readonly string[],
    prefix: string | undefined,
  ): Promise<{ hit: ReturnType<IndexStore['searchChunks']>[number]; score: number }[] | undefined> {
    const embedder = this.embedder!;
    let queryVector: Float32Array;
    try {
      queryVector = await embedder.embedQuery(query);
    } catch {
      return undefined; // the provider is down: lexical results still answer
    }
    const nearestIds = this.vectors.nearest(this.store, codebase.id, codebase.updatedAt, embedder.model, queryVector, FUSION_DEPTH * 4);
    if (nearestIds.length === 0) return undefined;
    const semantic = this.store
      .chunksByIds(nearestIds)
      .filter((hit) => (!prefix || hit.path.startsWith(prefix)) && (extensions.length === 0 || extensions.some((ext) => hit.path.toLowerCase().endsWith(ext))));
    const order = new Map(nearestIds.map((id, rank) => [id, rank]));
    if (semantic.length === 0) return undefined;
    semantic.sort((a, b) => order.get(a.chunkId)! - order.get(b.chunkId)!);
    return reciprocalRankFusion([lexical, semantic.slice(0, FUSION_DEPTH)]);
  }

  private enqueue<T>(root: string, task: () => Promise<T>): Promise<T> {
    const previous = this.writeQueue.get(root) ?? Promise.resolve();
    const next = previous.then(task, task);
    this.writeQueue.set(
      root,
      next.catch(() => undefined),
    );
    return next;
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

function reciprocalRankFusion<T extends { chunkId: number }>(rankings: readonly (readonly T[])[]): { hit: T; score: number }[] {
  const fused = new Map<number, { hit: T; score: number }>();
  for (const ranking of rankings) {
    ranking.forEach((hit, rank) => {
      const entry = fused.get(hit.chunkId) ?? { hit, score: 0 };
      entry.score += 1 / (RRF_K + rank + 1);
      fused.set(hit.chunkId, entry);
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

function describeRun(counts: RunCounts, scan: ScanResult): string {
  const parts = [`${counts.changed} files indexed`, `${counts.unchanged} unchanged`];
  if (counts.deleted) parts.push(`${counts.deleted} removed`);
  const skipped = counts.skipped + scan.skips.tooLarge;
  if (skipped) parts.push(`${skipped} skipped (binary, minified or too large)`);
  return parts.join(', ');
}

function overLimitMessage(root: string, scan: ScanResult, limit: number): string {
  const largest = [...scan.countsByTopFolder.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([folder, count]) => `${folder === '' ? '(top level)' : `${folder}/`} ${count.toLocaleString('en-US')}`)
    .join(', ');
  const counted = scan.indexableCount > limit * COUNT_CAP_FACTOR ? `more than ${(limit * COUNT_CAP_FACTOR).toLocaleString('en-US')}` : scan.indexableCount.toLocaleString('en-US');
  return (
    `${root} has ${counted} files to index, over the limit of ${limit.toLocaleString('en-US')}. Largest folders: ${largest}. ` +
    `Exclude folders with ignorePatterns (e.g. ["data/", "generated/"]) or a .batonignore file, index a sub-folder, ` +
    `or raise the limit with the environment variable BATON_MAX_FILES.`
  );
}
