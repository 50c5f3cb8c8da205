import type { Engine } from '../engine.ts';
import type { IndexProgress } from '../progress.ts';
import type { CodebaseRecord } from '../store/index-store.ts';
import type { CodebaseWatch as WatchRecord } from '../../protocol/watch-state.ts';
import { catchUpPass, IndexMerge } from './catch-up.ts';
import { CodebaseWatch, type WatchLog, type WatchTarget } from './codebase-watch.ts';
import { hasNativeRecursiveWatch, type WatchBudget } from './watch-backends.ts';
import type { WatchConfig } from './watch-config.ts';

export interface WatchServiceOptions {
  readonly engine: Engine;
  readonly config: WatchConfig;
  readonly log: WatchLog;
  /** Absolute folders never watched (BATON_HOME, should it lie inside a codebase). */
  readonly skipFolders: readonly string[];
  /** Called (batched) when any codebase's watch changes mode, with every codebase's record. */
  readonly onChange: (records: WatchRecord[]) => void;
  readonly nativeRecursive?: boolean;
}

const FINAL_PHASES: ReadonlySet<IndexProgress['phase']> = new Set(['done', 'failed', 'cancelled']);

/**
 * Watches every codebase indexed in this BATON_HOME, following the index:
 * a codebase starts being watched as soon as its first run begins, is watched
 * again with new rules when a run changes its settings, and is let go when
 * it is cleared. Started and stopped by whoever holds the write seat.
 */
export class WatchService {
  private readonly options: WatchServiceOptions;
  private readonly target: WatchTarget;
  private readonly budget: WatchBudget;
  private readonly watches = new Map<string, { readonly watch: CodebaseWatch; readonly rulesKey: string }>();
  private unsubscribe: (() => void) | undefined;
  private publishing = false;
  private stopped = false;

  constructor(options: WatchServiceOptions) {
    this.options = options;
    this.budget = { used: 0, max: options.config.maxFolders };
    const { engine } = options;
    this.target = {
      indexedUnder: (root, folder) => engine.store.stamps.pathsUnder(root, folder),
      indexMerge: (root) => (engine.store.codebases.byRoot(root) ? new IndexMerge(engine.store.stamps, root) : undefined),
      catchUp: async (root, rules, signal) => (engine.store.codebases.byRoot(root) ? catchUpPass(engine.store.stamps, root, rules, signal) : undefined),
      refresh: async (root, files) => {
        await engine.refreshFiles(root, files);
      },
      reindex: (root) => reindexAfterRuns(engine, root),
      // A run recorded as unfinished counts too: the new leader is about to resume it.
      isIndexing: (root) => engine.isIndexing(root) || engine.store.codebases.byRoot(root)?.status === 'indexing',
    };
  }

  start(): void {
    this.unsubscribe = this.options.engine.onProgress((progress) => this.onProgress(progress));
    this.reconcile();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const { watch } of this.watches.values()) watch.stop();
    this.watches.clear();
  }

  /** Every indexed codebase's watch record (mode `off` when watching is turned off). */
  records(): WatchRecord[] {
    if (this.options.config.mode === 'off') {
      return this.options.engine.listCodebases().map((codebase) => ({ root: codebase.root, mode: 'off', since: codebase.createdAt }));
    }
    return [...this.watches.values()].map(({ watch }) => watch.record());
  }

  private onProgress(progress: IndexProgress): void {
    if (this.stopped) return;
    const final = FINAL_PHASES.has(progress.phase);
    if (final || !this.watches.has(progress.root)) this.reconcile();
    if (final) this.watches.get(progress.root)?.watch.runEnded();
  }

  /** Watches what is indexed, with its current rules, and nothing else. */
  private reconcile(): void {
    const codebases = this.options.engine.listCodebases();
    if (this.options.config.mode !== 'off') {
      const roots = new Set(codebases.map((codebase) => codebase.root));
      for (const [root, { watch }] of this.watches) {
        if (roots.has(root)) continue;
        watch.stop();
        this.watches.delete(root);
      }
      for (const codebase of codebases) this.ensureWatched(codebase);
    }
    this.publish();
  }

  private ensureWatched(codebase: CodebaseRecord): void {
    const rulesKey = JSON.stringify([codebase.settings.ignorePatterns, codebase.settings.customExtensions]);
    const current = this.watches.get(codebase.root);
    if (current?.rulesKey === rulesKey) return;
    current?.watch.stop();
    const watch = new CodebaseWatch({
      root: codebase.root,
      rules: {
        ignorePatterns: codebase.settings.ignorePatterns,
        customExtensions: new Set(codebase.settings.customExtensions),
        maxFileBytes: this.options.engine.config.maxFileBytes,
        skipFolders: new Set(this.options.skipFolders),
      },
      config: this.options.config,
      target: this.target,
      budget: this.budget,
      log: this.options.log,
      onState: () => this.publish(),
      nativeRecursive: this.options.nativeRecursive ?? hasNativeRecursiveWatch(),
    });
    this.watches.set(codebase.root, { watch, rulesKey });
    watch.start();
  }

  /** Mode changes come in bursts (every codebase at start): one publication per tick. */
  private publish(): void {
    if (this.publishing) return;
    this.publishing = true;
    setImmediate(() => {
      this.publishing = false;
      if (!this.stopped) this.options.onChange(this.records());
    });
  }
}

/**
 * One incremental run of the codebase that starts after any run already
 * going: that run's scan may have read the tree before the change.
 */
async function reindexAfterRuns(engine: Engine, root: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const started = await engine.startIndex(root);
    await started.done;
    // A run that was already going (and joined) may have scanned before the change: then one more.
    if (!started.attached) return;
  }
}
