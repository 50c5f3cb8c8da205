import type { Coordinator } from '../coordination/coordinator.ts';
import type { Engine } from '../engine/engine.ts';
import { isFinalPhase, type IndexProgress } from '../protocol/progress.ts';
import { SAFETY_POLL_MS } from '../coordination/timing.ts';

/**
 * Follows one codebase's indexing run to its end, wherever it runs: in this
 * process, in the leader, or — after a failover — in the next leader that
 * resumed it. Progress comes from the coordinator's stream; the database is
 * checked as a safety net in case the final event was missed while leadership
 * moved.
 */
export class RunTracker {
  readonly done: Promise<IndexProgress>;
  private readonly disposers: (() => void)[] = [];
  private finish!: (final: IndexProgress) => void;

  constructor(coordinator: Coordinator, engine: Engine, root: string, onProgress: (progress: IndexProgress) => void) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    const settleFromDatabase = (): void => {
      const status = engine.status(root);
      if (status.status === 'indexing') return;
      const phase = status.status === 'indexed' ? 'done' : status.status === 'failed' ? 'failed' : 'cancelled';
      this.end({ root, phase, totalFiles: status.totalFiles, processedFiles: status.processedFiles, chunkCount: status.chunkCount, message: status.message });
    };
    this.disposers.push(
      coordinator.onProgress((progress) => {
        if (progress.root !== root) return;
        onProgress(progress);
        // A cancelled run may be one replaced by a forced restart or a failover: the database says which.
        if (isFinalPhase(progress.phase)) {
          if (progress.phase === 'cancelled') settleFromDatabase();
          else this.end(progress);
        }
      }),
      coordinator.onRoleChange(() => settleFromDatabase()),
    );
    const timer = setInterval(settleFromDatabase, SAFETY_POLL_MS);
    timer.unref();
    this.disposers.push(() => clearInterval(timer));
  }

  dispose(): void {
    for (const dispose of this.disposers.splice(0)) dispose();
  }

  private end(final: IndexProgress): void {
    this.dispose();
    this.finish(final);
  }
}
