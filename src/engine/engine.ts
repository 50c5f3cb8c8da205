import { Chunker } from './chunk/chunker.ts';
import type { EngineConfig } from './config.ts';
import type { Embedder } from './embed/embedder.ts';
import { OpenAiEmbedder } from './embed/openai-embedder.ts';
import type { RunCounts } from './indexing/index-pass.ts';
import { IndexRuns, type IndexOptions, type IndexStarted } from './indexing/index-runs.ts';
import type { IndexProgress } from './progress.ts';
import { Searcher, type SearchOptions, type SearchResponse } from './search/searcher.ts';
import { statusReport, type StatusReport } from './status.ts';
import { openDatabase } from './store/database.ts';
import { IndexStore, type CodebaseRecord } from './store/index-store.ts';

export type { IndexOptions, IndexStarted } from './indexing/index-runs.ts';
export type { SearchOptions, SearchResponse, SearchResult } from './search/searcher.ts';
export type { StatusName, StatusReport } from './status.ts';

/**
 * The index and search engine for every codebase in one BATON_HOME. It knows
 * nothing of MCP or of other processes: callers decide who may write (see the
 * write fence on the store). Writing is `IndexRuns`' job, reading `Searcher`'s;
 * this class puts them together over one database.
 */
export class Engine {
  readonly store: IndexStore;
  readonly config: EngineConfig;
  private readonly runs: IndexRuns;
  private readonly searcher: Searcher;

  constructor(config: EngineConfig, options: { store?: IndexStore; chunker?: Chunker; embedder?: Embedder } = {}) {
    this.config = config;
    this.store = options.store ?? new IndexStore(openDatabase(config.home));
    const embedder = options.embedder ?? (config.embedding ? new OpenAiEmbedder(config.embedding) : undefined);
    this.searcher = new Searcher(this.store, embedder);
    this.runs = new IndexRuns({
      store: this.store,
      config,
      chunker: options.chunker ?? new Chunker(),
      embedder,
      onContentChanged: (codebaseId) => this.searcher.forget(codebaseId),
    });
  }

  close(): void {
    this.runs.abortAll();
    this.store.close();
  }

  /** Called with every progress report of every run (for MCP notifications and followers). */
  onProgress(listener: (progress: IndexProgress) => void): () => void {
    return this.runs.onProgress(listener);
  }

  /** See IndexRuns.start: scans, then indexes in the background. */
  startIndex(input: string, options: IndexOptions = {}): Promise<IndexStarted> {
    return this.runs.start(input, options);
  }

  resumeInterrupted(onError: (root: string, error: unknown) => void): Promise<string[]> {
    return this.runs.resumeInterrupted(onError);
  }

  /** Cancels every run in this process (this process is no longer allowed to write). */
  abortAll(): void {
    this.runs.abortAll();
  }

  refreshFiles(input: string, files: readonly string[]): Promise<RunCounts> {
    return this.runs.refreshFiles(input, files);
  }

  clear(input: string): Promise<CodebaseRecord> {
    return this.runs.clear(input);
  }

  isIndexing(root: string): boolean {
    return this.runs.isIndexing(root);
  }

  search(input: string, query: string, options: SearchOptions): Promise<SearchResponse> {
    return this.searcher.search(input, query, options);
  }

  status(input: string): StatusReport {
    return statusReport(this.store, input, (root) => this.runs.liveProgress(root));
  }

  listCodebases(): CodebaseRecord[] {
    return this.store.codebases.list();
  }
}
