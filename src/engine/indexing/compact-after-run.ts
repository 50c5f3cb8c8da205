import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { IndexStore } from '../store/index-store.ts';
import type { RunCounts } from './index-pass.ts';

/**
 * A run that rewrote at least this share of a codebase's files ends by
 * merging its search index (store/search-compaction.ts): a full index, a
 * forced one, or a branch switch that touched most files. Smaller runs leave
 * it to FTS5's own merging: the merge rewrites the whole index (about 1 s of
 * writes for the bench corpus's 139k chunks), which a run of a few files
 * should not cost.
 */
const COMPACT_AFTER_SHARE = 0.25;
/** Pages written per slice: about 10 ms of the thread that answers the election, IPC and MCP. */
const PAGES_PER_SLICE = 200;

/** Whether a run with these counts rewrote enough of the codebase to merge its search index. */
export function worthCompacting(counts: RunCounts, files: number): boolean {
  const rewritten = counts.changed + counts.deleted + counts.vanished;
  return files > 0 && rewritten > 0 && rewritten >= COMPACT_AFTER_SHARE * files;
}

/**
 * Merges the codebase's search index slice by slice, letting the event loop
 * run between slices, until a slice finds nothing left to merge. Stops
 * between slices when `signal` aborts: each slice is a transaction of its
 * own, so the index is whole at every point, merged or not.
 */
export async function compactSearchIndex(store: IndexStore, codebaseId: number, signal: AbortSignal): Promise<void> {
  for (let first = true; ; first = false) {
    signal.throwIfAborted();
    if (!store.compaction.mergeSlice(codebaseId, PAGES_PER_SLICE, first)) return;
    await yieldToEventLoop();
  }
}
