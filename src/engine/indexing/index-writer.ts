import type { EngineConfig } from '../config.ts';
import type { Embedder } from '../embed/embedder.ts';
import type { IndexProgress } from '../progress.ts';
import type { IndexStore } from '../store/index-store.ts';
import type { Deriver } from './derive-pool.ts';
import type { ClearedCodebase, IndexHooks, IndexOptions, IndexRuns, IndexStarted, RefreshOutcome } from './index-runs.ts';

export interface IndexWriterOptions {
  readonly store: IndexStore;
  readonly config: EngineConfig;
  /** Worker threads (see EngineOptions.indexing); undefined: the config's, else the default. */
  readonly workers?: number | undefined;
  readonly symbols?: boolean | undefined;
  readonly embedder: Embedder | undefined;
  readonly onContentChanged: (codebaseId: number) => void;
  readonly hooks?: IndexHooks | undefined;
}

interface Loaded {
  readonly runs: IndexRuns;
  readonly deriver: Deriver;
}

type ProgressListener = (progress: IndexProgress) => void;

/**
 * The engine's writing side — runs, scans, the deriver pool and what they
 * bring (the chunker, tree-sitter, the symbol extractors, worker threads,
 * hashing, git) — loaded the first time this process writes. A follower
 * never writes, so it never loads any of it; a follower that takes the seat
 * loads it with its first write (resuming, refreshing), in milliseconds.
 */
export class IndexWriter {
  private readonly options: IndexWriterOptions;
  private readonly listeners = new Set<ProgressListener>();
  private loaded: Loaded | undefined;
  private loading: Promise<Loaded> | undefined;
  private closed = false;

  constructor(options: IndexWriterOptions) {
    this.options = options;
  }

  onProgress(listener: ProgressListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Unloaded, nothing runs here: no live progress, nothing to abort. */
  liveProgress(root: string): IndexProgress | undefined {
    return this.loaded?.runs.liveProgress(root);
  }

  isIndexing(root: string): boolean {
    return this.loaded?.runs.isIndexing(root) ?? false;
  }

  abortAll(): void {
    this.loaded?.runs.abortAll();
  }

  async start(input: string, options: IndexOptions): Promise<IndexStarted> {
    return (await this.runs()).start(input, options);
  }

  async resumeInterrupted(onError: (root: string, error: unknown) => void): Promise<string[]> {
    return (await this.runs()).resumeInterrupted(onError);
  }

  async finishDeletions(): Promise<number> {
    return (await this.runs()).finishDeletions();
  }

  async refreshOutdated(onError: (root: string, error: unknown) => void): Promise<{ root: string; outdated: number }[]> {
    return (await this.runs()).refreshOutdated(onError);
  }

  async refreshFiles(input: string, files: readonly string[]): Promise<RefreshOutcome> {
    return (await this.runs()).refreshFiles(input, files);
  }

  async clear(input: string): Promise<ClearedCodebase> {
    return (await this.runs()).clear(input);
  }

  /** Aborts the runs and ends the deriver's threads; a load still under way is closed when it lands. */
  close(): void {
    this.closed = true;
    if (this.loaded) closeLoaded(this.loaded);
  }

  private async runs(): Promise<IndexRuns> {
    if (this.loaded) return this.loaded.runs;
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined; // the next write tries again
      throw error;
    });
    const loaded = await this.loading;
    if (this.closed) throw new Error('the engine was closed');
    return loaded.runs;
  }

  private async load(): Promise<Loaded> {
    const [{ IndexRuns }, { createDeriver, createInThreadDeriver, defaultWorkerCount }] = await Promise.all([import('./index-runs.ts'), import('./derive-pool.ts')]);
    const { store, config, embedder, onContentChanged, hooks, symbols } = this.options;
    const workers = this.options.workers ?? config.indexWorkers ?? defaultWorkerCount();
    const deriver = createDeriver({ workers, symbols });
    // Its chunker loads with the first small refresh, not before.
    const inThreadDeriver = workers === 0 ? deriver : createInThreadDeriver({ symbols });
    const runs = new IndexRuns({ store, config, deriver, inThreadDeriver, embedder, onContentChanged, hooks });
    runs.onProgress((progress) => {
      for (const listener of this.listeners) listener(progress);
    });
    const loaded = { runs, deriver };
    if (this.closed) closeLoaded(loaded);
    else this.loaded = loaded;
    return loaded;
  }
}

function closeLoaded(loaded: Loaded): void {
  loaded.runs.abortAll();
  void loaded.deriver.close();
}
