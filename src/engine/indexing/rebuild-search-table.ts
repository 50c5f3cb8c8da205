import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { ChunkSource, ChunkTerms } from '../store/search-rebuild.ts';
import type { CodebaseRecord, IndexStore } from '../store/index-store.ts';
import type { TermCache } from '../tokenize.ts';
import { chunkSearchTerms, fileSearchTerms } from './prepare.ts';

/**
 * A full run ends by building the search table again when FTS5 counts at
 * least this much more rows than there are chunks (deleted rows it still
 * counts: see store/search-rebuild.ts): a run that rewrites most files (a new
 * index format) nearly doubles the count, a first index or a forced re-index
 * (fresh-search-table.ts) leaves it exact, and edits add a row each.
 */
const REBUILD_WHEN_COUNT_OVER = 1.25;
/** Chunks per slice: their terms and their transaction take about 10 ms of the thread that answers the election, IPC and MCP. */
const CHUNKS_PER_SLICE = 128;

/** Whether the codebase's search table counts enough deleted rows to be built again. */
export function searchTableDrifted(store: IndexStore, codebase: CodebaseRecord): boolean {
  const counted = store.search.ftsRowCount(codebase.id);
  return counted !== undefined && counted > REBUILD_WHEN_COUNT_OVER * Math.max(1, codebase.chunkCount);
}

/** Adds stored chunks to the codebase's fresh search table, with the terms the writer gives them. */
export function addStoredChunks(store: IndexStore, codebaseId: number, chunks: readonly ChunkSource[]): void {
  const cache: TermCache = new Map();
  store.rebuild.add(
    codebaseId,
    chunks.map((chunk): ChunkTerms => ({ id: chunk.id, ...chunkSearchTerms(chunk.symbols, chunk.content, cache), ...fileSearchTerms(chunk.path) })),
  );
}

/**
 * Builds the codebase's search table again from its stored chunks, with the
 * terms the writer gives them (the same functions of prepare.ts), slice by
 * slice, letting the event loop run between slices, and swaps it in. When
 * `signal` aborts or a slice fails (a deposed writer), the fresh table is
 * dropped when it can be, and the live one was never touched.
 */
export async function rebuildSearchTable(store: IndexStore, codebaseId: number, signal: AbortSignal): Promise<void> {
  // Merging the table this one replaces would be work thrown away; the fresh one merges in its commits.
  store.merges.forget(codebaseId);
  store.merges.forgetFreshTable(codebaseId);
  store.rebuild.begin(codebaseId);
  try {
    for (let afterId = 0; ; ) {
      signal.throwIfAborted();
      const chunks = store.rebuild.chunksAfter(codebaseId, afterId, CHUNKS_PER_SLICE);
      if (chunks.length === 0) break;
      addStoredChunks(store, codebaseId, chunks);
      afterId = chunks[chunks.length - 1]!.id;
      await yieldToEventLoop();
    }
    signal.throwIfAborted();
    store.rebuild.swap(codebaseId);
    store.merges.tidy(codebaseId);
  } catch (error) {
    try {
      store.rebuild.discard(codebaseId);
    } catch {
      // A deposed writer cannot drop it; the next rebuild does.
    }
    throw error;
  }
}
