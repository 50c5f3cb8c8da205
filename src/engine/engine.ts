import type { EngineConfig } from './config.ts';
import type { Embedder } from './embed/embedder.ts';
import { OpenAiEmbedder } from './embed/openai-embedder.ts';
import type { ClearedCodebase, IndexHooks, IndexOptions, IndexStarted, RefreshOutcome } from './indexing/index-runs.ts';
import { IndexWriter } from './indexing/index-writer.ts';
import { mergeSettings } from './indexing/run-settings.ts';
import { indexableFolder } from './paths.ts';
import type { IndexProgress } from './progress.ts';
import type { DryRunReport } from './scan/dry-run.ts';
import type { RankingConfig } from './search/ranking-config.ts';
import { Searcher, type SearchOptions, type SearchResponse } from './search/searcher.ts';
import { SymbolLookup } from './symbols/lookup.ts';
import { statusReport, type StatusReport } from './status.ts';
import { openDatabase } from './store/database.ts';
import { IndexStore, SOLE_WRITER, type CodebaseRecord, type WriteFence } from './store/index-store.ts';
import { INDEX_FORMAT_VERSION } from './indexing/index-format.ts';
import { BATON_VERSION } from '../protocol/version.ts';

export interface EngineOptions {
  readonly store?: IndexStore;
  /**
   * Worker threads that parse and chunk (default: BATON_INDEX_WORKERS, else one per core but one);
   * 0 parses in this thread. `symbols: false` skips the symbol table (to measure its cost).
   */
  readonly indexing?: { readonly workers?: number; readonly symbols?: boolean };
  readonly embedder?: Embedder;
  readonly hooks?: IndexHooks;
  /** This process is the only writer of its BATON_HOME: writes are not fenced. */
  readonly soleWriter?: boolean;
  /** Other ranking numbers than the defaults (the quality benchmarks measure with it). */
  readonly ranking?: RankingConfig;
}

export type { ClearedCodebase, IndexHooks, IndexOptions, IndexStarted, RefreshOutcome } from './indexing/index-runs.ts';
export type { SearchOptions, SearchResponse, SearchResult } from './search/searcher.ts';
export type { DryRunReport } from './scan/dry-run.ts';
export type { StatusName, StatusReport } from './status.ts';
export type { FileOutlineResponse, FindReferencesResponse, FindSymbolResponse } from './symbols/lookup.ts';

/**
 * The index and search engine for every codebase in one BATON_HOME. It knows
 * nothing of MCP or of other processes: callers decide who may write (see the
 * write fence on the store). Writing is `IndexRuns`' job, reading `Searcher`'s;
 * this class puts them together over one database. The writing side is
 * loaded on the first write (see IndexWriter): a follower never loads it.
 */
export class Engine {
  readonly store: IndexStore;
  /** Definitions, references and outlines (reads only, like search). */
  readonly symbols: SymbolLookup;
  readonly config: EngineConfig;
  private readonly writer: IndexWriter;
  private readonly searcher: Searcher;

  /**
   * Writes are refused until the caller says who writes: the coordinator sets
   * the leader's fence; `soleWriter` is for a process known to be the only
   * writer of its home (a test, a benchmark).
   */
  constructor(config: EngineConfig, options: EngineOptions = {}) {
    this.config = config;
    this.store = options.store ?? new IndexStore(openDatabase(config.home));
    if (options.soleWriter) this.becomeWriter(SOLE_WRITER, 0);
    const embedder = options.embedder ?? (config.embedding ? new OpenAiEmbedder(config.embedding) : undefined);
    this.searcher = new Searcher(this.store, embedder, options.ranking);
    this.symbols = new SymbolLookup(this.store);
    this.writer = new IndexWriter({
      store: this.store,
      config,
      workers: options.indexing?.workers,
      symbols: options.indexing?.symbols,
      embedder,
      onContentChanged: (codebaseId) => this.searcher.forget(codebaseId),
      hooks: options.hooks,
    });
  }

  /**
   * Makes this process the index writer behind `fence` (a leader's epoch
   * fence): it brings the database to this Baton's schema, then records
   * itself, so that the rows it writes are known to carry this index format.
   */
  becomeWriter(fence: WriteFence, epoch: number): void {
    this.store.migrateToCurrent();
    this.store.setWriteFence(fence, epoch);
    this.store.epochs.recordWriter(epoch, INDEX_FORMAT_VERSION, BATON_VERSION);
  }

  close(): void {
    this.writer.close();
    this.searcher.close();
    this.store.close();
  }

  /** Called with every progress report of every run (for MCP notifications and followers). */
  onProgress(listener: (progress: IndexProgress) => void): () => void {
    return this.writer.onProgress(listener);
  }

  /** See IndexRuns.start: scans, then indexes in the background. */
  startIndex(input: string, options: IndexOptions = {}): Promise<IndexStarted> {
    return this.writer.start(input, options);
  }

  /**
   * What an index with these options would take in (the codebase's previous
   * settings apply as in a real run), without reading a file into the index
   * or writing anything: any process may answer it, a follower included.
   */
  async dryRun(input: string, options: IndexOptions = {}): Promise<DryRunReport> {
    const root = indexableFolder(input);
    const settings = mergeSettings(this.store.codebases.byRoot(root)?.settings, options);
    // The scanner (ignore rules, git) is the writer's; a dry run, rare, loads it for itself.
    const { dryRunScan } = await import('./scan/dry-run.ts');
    return dryRunScan(root, {
      ignorePatterns: settings.ignorePatterns,
      customExtensions: new Set(settings.customExtensions),
      maxFileBytes: this.config.maxFileBytes,
      maxFiles: this.config.maxFiles,
    });
  }

  resumeInterrupted(onError: (root: string, error: unknown) => void): Promise<string[]> {
    return this.writer.resumeInterrupted(onError);
  }

  /** Finishes clears a previous leader left half done. */
  finishDeletions(): Promise<number> {
    return this.writer.finishDeletions();
  }

  refreshOutdated(onError: (root: string, error: unknown) => void): Promise<{ root: string; outdated: number }[]> {
    return this.writer.refreshOutdated(onError);
  }

  /** Cancels every run in this process (this process is no longer allowed to write). */
  abortAll(): void {
    this.writer.abortAll();
  }

  refreshFiles(input: string, files: readonly string[]): Promise<RefreshOutcome> {
    return this.writer.refreshFiles(input, files);
  }

  clear(input: string): Promise<ClearedCodebase> {
    return this.writer.clear(input);
  }

  isIndexing(root: string): boolean {
    return this.writer.isIndexing(root);
  }

  search(input: string, query: string, options: SearchOptions): Promise<SearchResponse> {
    return this.searcher.search(input, query, options);
  }

  status(input: string): StatusReport {
    return statusReport(this.store, input, (root) => this.writer.liveProgress(root));
  }

  listCodebases(): CodebaseRecord[] {
    return this.store.codebases.list();
  }
}
