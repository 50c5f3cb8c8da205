import type { Coordinator } from '../coordination/coordinator.ts';
import { SAFETY_POLL_MS } from '../coordination/timing.ts';
import type { Engine } from '../engine/engine.ts';
import { isFinalPhase, type IndexProgress } from '../protocol/progress.ts';

/**
 * Follows one codebase's indexing run to its end, wherever it runs: in this
 * process, in the leader, or — after a failover — in the next leader that
 * resumed it. Progress comes from the coordinator's stream. The database is
 * a safety net for a final event missed while leadership moved, consulted
 * only once the run was accepted (`arm`): before that, the row may be missing
 * or still show the previous run.
 */
export class RunTracker {
  readonly done: Promise<IndexProgress>;
  private readonly engine: Engine;
  private readonly root: string;
  private readonly disposers: (() => void)[] = [];
  private armed = false;
  private finish!: (final: IndexProgress) => void;

  constructor(coordinator: Coordinator, engine: Engine, root: string, onProgress: (progress: IndexProgress) => void) {
    this.engine = engine;
    this.root = root;
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.disposers.push(
      coordinator.onProgress((progress) => {
        if (progress.root !== root) return;
        onProgress(progress);
        if (!isFinalPhase(progress.phase)) return;
        // A cancelled run may have been replaced (forced restart, failover): the database says which.
        if (progress.phase === 'cancelled') this.settleFromDatabase();
        else this.end(progress);
      }),
      coordinator.onRoleChange(() => this.settleFromDatabase()),
    );
  }

  /** The run was accepted (its row says "indexing" from now on): the database may now settle it. */
  arm(): void {
    this.armed = true;
    const timer = setInterval(() => this.settleFromDatabase(), SAFETY_POLL_MS);
    timer.unref();
    this.disposers.push(() => clearInterval(timer));
    this.settleFromDatabase();
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  private settleFromDatabase(): void {
    if (!this.armed) return;
    const status = this.engine.status(this.root);
    if (status.status === 'indexing') return;
    const phase = status.status === 'indexed' ? 'done' : status.status === 'failed' ? 'failed' : 'cancelled';
    const { root } = this;
    this.end({ root, phase, totalFiles: status.totalFiles, processedFiles: status.processedFiles, chunkCount: status.chunkCount, message: status.message });
  }

  private end(final: IndexProgress): void {
    this.dispose();
    this.finish(final);
  }
}
