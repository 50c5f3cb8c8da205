import type { StoreConnection } from './connection.ts';
import { countedRows } from './chunk-search.ts';
import { BUMP_VERSION, freshFtsTableName, ftsTableName, ftsTableSql, searchRowInsertSql } from './schema.ts';

/** A chunk as the search table indexes it, from the stored rows. */
export interface ChunkSource {
  readonly id: number;
  readonly symbols: string;
  readonly content: string;
  readonly path: string;
}

/** A chunk's search terms, one per FTS column. */
export interface ChunkTerms {
  readonly id: number;
  readonly symbolTerms: string;
  readonly pathTerms: string;
  readonly bodyTerms: string;
  readonly extension: string;
}

/**
 * Builds a codebase's search table again, beside the live one, and swaps it
 * in. A contentless_delete table never takes a deleted row off the row count
 * and token totals that bm25 ranks with, and keeps a tombstone for it that
 * every search checks: rewriting every row in place would leave the count at
 * twice the chunks and the rankings unlike a fresh index's (docs/indexing.md,
 * "FTS5's row count keeps deleted rows"). The fresh table holds only the
 * chunks there are. It is filled from the stored chunks (a drifted table:
 * indexing/rebuild-search-table.ts) or by a forced re-index's batches as they
 * write (indexing/fresh-search-table.ts). Searches use the live table until
 * the swap, one transaction that drops it and gives the fresh one its name.
 */
export class SearchRebuild {
  private readonly connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.connection = connection;
  }

  /** Starts an empty fresh table (one left by a rebuild that did not finish goes first). */
  begin(codebaseId: number): void {
    this.connection.transaction(() => {
      this.connection.db.exec(`DROP TABLE IF EXISTS ${freshFtsTableName(codebaseId)}`);
      this.connection.db.exec(ftsTableSql(freshFtsTableName(codebaseId)));
    });
  }

  /** Whether the codebase has a fresh table (being filled, or left by a run that did not finish). */
  exists(codebaseId: number): boolean {
    return this.connection.hasTable(freshFtsTableName(codebaseId));
  }

  /** How many rows the fresh table holds (it only ever gets inserts); undefined when it has none yet. */
  rowCount(codebaseId: number): number | undefined {
    return countedRows(this.connection, freshFtsTableName(codebaseId));
  }

  /** The stored chunks of these files of the codebase. */
  chunksOfFiles(codebaseId: number, paths: readonly string[]): ChunkSource[] {
    const statement = this.connection.statement(
      `SELECT c.id AS id, coalesce(c.symbols, '') AS symbols, c.content AS content, f.path AS path
       FROM files f JOIN chunks c ON c.file_id = f.id WHERE f.codebase_id = ? AND f.path = ? ORDER BY c.id`,
    );
    return paths.flatMap((path) => statement.all(codebaseId, path) as unknown as ChunkSource[]);
  }

  /** Up to `limit` of the codebase's chunks after `afterId`, in id order. */
  chunksAfter(codebaseId: number, afterId: number, limit: number): ChunkSource[] {
    return this.connection
      .statement(
        `SELECT c.id AS id, coalesce(c.symbols, '') AS symbols, c.content AS content, f.path AS path
         FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.codebase_id = ? AND c.id > ? ORDER BY c.id LIMIT ?`,
      )
      .all(codebaseId, afterId, limit) as unknown as ChunkSource[];
  }

  /** Adds chunks' terms to the fresh table, in a fenced transaction. */
  add(codebaseId: number, chunks: readonly ChunkTerms[]): void {
    const insert = this.connection.statement(searchRowInsertSql(freshFtsTableName(codebaseId)));
    this.connection.transaction(() => {
      for (const chunk of chunks) insert.run(chunk.id, chunk.symbolTerms, chunk.pathTerms, chunk.bodyTerms, chunk.extension);
    });
  }

  /** The fresh table becomes the codebase's search table, in one fenced transaction. */
  swap(codebaseId: number): void {
    this.connection.transaction(() => {
      this.connection.db.exec(`DROP TABLE ${ftsTableName(codebaseId)}`);
      this.connection.db.exec(`ALTER TABLE ${freshFtsTableName(codebaseId)} RENAME TO ${ftsTableName(codebaseId)}`);
      // Caches of the codebase's terms key on its version.
      this.connection.statement(`UPDATE codebases SET ${BUMP_VERSION} WHERE id = ?`).run(Date.now(), codebaseId);
    });
  }

  /** Drops a fresh table that will not be swapped in (the run stopped). */
  discard(codebaseId: number): void {
    this.connection.transaction(() => {
      this.connection.db.exec(`DROP TABLE IF EXISTS ${freshFtsTableName(codebaseId)}`);
    });
  }
}
