import { isFinalPhase, type IndexProgress } from '../protocol/progress.ts';

/** Progress of one codebase is broadcast at most this often (final states always). */
const BROADCAST_INTERVAL_MS = 100;

/**
 * Thins a leader's progress reports before they go to every follower: a run
 * reports after each batch, followers need a few updates a second and every
 * final state.
 */
export class ProgressRelay {
  private readonly lastBroadcast = new Map<string, number>();

  /** Whether this report should be broadcast now. */
  shouldBroadcast(progress: IndexProgress, now = Date.now()): boolean {
    const final = isFinalPhase(progress.phase);
    if (!final && now - (this.lastBroadcast.get(progress.root) ?? 0) < BROADCAST_INTERVAL_MS) return false;
    if (final) this.lastBroadcast.delete(progress.root);
    else this.lastBroadcast.set(progress.root, now);
    return true;
  }
}
