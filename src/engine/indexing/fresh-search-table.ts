import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { IndexStore } from '../store/index-store.ts';
import { addStoredChunks, rebuildSearchTable } from './rebuild-search-table.ts';

/** Files whose stored chunks are copied in per slice (a file's chunks are tokenized together). */
const FILES_PER_SLICE = 16;

/**
 * The search table a forced re-index builds anew, beside the live one. The
 * pass's batches write every chunk they derive into it (a kept row under its
 * id, a new one under its new id), while the live table gets only the
 * chunks that changed: searches meanwhile read a table the size of the
 * index. Rewriting every row in place made it hold each chunk twice (once
 * deleted) until a rebuild after the pass, and every search read both.
 *
 * Files the pass left as they were stored (reading or parsing them failed:
 * they keep what was indexed) get their stored chunks copied in at the end;
 * then the fresh table takes the live one's place. One whose row count is
 * not the codebase's chunk count then (a bug) is not swapped in: the table is
 * built again from the stored chunks instead. (The count cannot tell a chunk
 * written twice and another missed: FTS5 takes a second row under a rowid a
 * contentless table already has. The tests compare the table with a clean
 * index's.)
 *
 * The symbols' table (symbols_fts_<id>, one row per file) is not built anew:
 * a file whose symbols come out as stored keeps its row there
 * (SymbolTable.replaceFile), so a forced re-index rewrites only the changed.
 */
export class FreshSearchTable {
  private readonly store: IndexStore;
  private readonly codebaseId: number;
  private readonly keptAsStored: string[] = [];

  /** Starts an empty fresh table for the codebase (a leftover one goes first). */
  constructor(store: IndexStore, codebaseId: number) {
    this.store = store;
    this.codebaseId = codebaseId;
    store.rebuild.begin(codebaseId);
    store.merges.takeOverFreshTable(codebaseId);
  }

  /** The pass leaves this stored file as it was: its chunks go into the fresh table at the end. */
  keepAsStored(path: string): void {
    this.keptAsStored.push(path);
  }

  /** Copies in the chunks of the files kept as stored, then swaps the table in. */
  async finish(signal: AbortSignal): Promise<void> {
    const { store, codebaseId } = this;
    for (let start = 0; start < this.keptAsStored.length; start += FILES_PER_SLICE) {
      signal.throwIfAborted();
      addStoredChunks(store, codebaseId, store.rebuild.chunksOfFiles(codebaseId, this.keptAsStored.slice(start, start + FILES_PER_SLICE)));
      await yieldToEventLoop();
    }
    signal.throwIfAborted();
    const chunks = store.codebases.byId(codebaseId)?.chunkCount;
    const rows = store.rebuild.rowCount(codebaseId) ?? 0;
    if (chunks !== undefined && rows === chunks) {
      store.rebuild.swap(codebaseId);
      store.merges.swapped(codebaseId);
      return;
    }
    process.emitWarning(`baton: the fresh search table of a forced re-index holds ${rows} rows for ${chunks ?? '?'} chunks; building it again from the stored chunks`);
    await rebuildSearchTable(store, codebaseId, signal);
  }

  /**
   * Drops the fresh table: the pass did not finish. A deposed writer cannot;
   * then the next full pass, rebuild or clear of a Baton that knows the table does.
   */
  discard(): void {
    try {
      dropFreshTable(this.store, this.codebaseId);
    } catch {
      // See above.
    }
  }
}

/** Drops the codebase's fresh table, if there is one, with what the merges kept of it. */
export function dropFreshTable(store: IndexStore, codebaseId: number): void {
  store.merges.forgetFreshTable(codebaseId);
  if (store.rebuild.exists(codebaseId)) store.rebuild.discard(codebaseId);
}
