import type { StoreConnection } from './connection.ts';
import type { ChunkHit } from './records.ts';
import { BM25_WEIGHTS, ftsTableName } from './schema.ts';

const HIT_COLUMNS = `c.id AS chunkId, f.path AS path, f.language AS language, c.start_line AS startLine,
  c.end_line AS endLine, c.content AS content`;

/**
 * The first string after every path that starts with `prefix` (which ends in
 * "/"): the same with "/" replaced by the next character, "0". SQLite
 * compares text byte by byte in UTF-8, and every path under the folder sorts
 * between the two.
 */
export function pathRangeEnd(prefix: string): string {
  return `${prefix.slice(0, -1)}0`;
}

/** Read-only queries over the chunks: full-text matches and chunks by id. */
export class ChunkSearch {
  private readonly connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.connection = connection;
  }

  /**
   * Chunks matching an FTS5 expression, best first. `pathPrefix` (ending in
   * "/") keeps only files under a sub-folder of the codebase.
   */
  matching(codebaseId: number, match: string, limit: number, pathPrefix?: string): ChunkHit[] {
    const fts = ftsTableName(codebaseId);
    const columns = `${HIT_COLUMNS}, r.score AS bm25`;
    const ranked = `SELECT rowid AS id, bm25(${fts}, ${BM25_WEIGHTS}) AS score FROM ${fts} WHERE ${fts} MATCH ?`;
    if (!pathPrefix) {
      const sql = `SELECT ${columns} FROM (${ranked} ORDER BY score LIMIT ?) r
        JOIN chunks c ON c.id = r.id JOIN files f ON f.id = c.file_id ORDER BY r.score`;
      return this.connection.statement(sql).all(match, limit) as unknown as ChunkHit[];
    }
    // The sub-folder is not in the FTS table: rank every match, then keep the folder's files.
    // A range on the path, not substr(): SQLite counts characters where JavaScript counts UTF-16 units.
    const sql = `SELECT ${columns} FROM (${ranked}) r
      JOIN chunks c ON c.id = r.id JOIN files f ON f.id = c.file_id
      WHERE f.path >= ? AND f.path < ? ORDER BY r.score LIMIT ?`;
    return this.connection.statement(sql).all(match, pathPrefix, pathRangeEnd(pathPrefix), limit) as unknown as ChunkHit[];
  }

  /** How many chunks match an FTS5 expression, counting no further than `upTo`. */
  countMatches(codebaseId: number, match: string, upTo: number): number {
    const fts = ftsTableName(codebaseId);
    const row = this.connection.statement(`SELECT count(*) AS n FROM (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ? LIMIT ?)`).get(match, upTo) as { n: number };
    return row.n;
  }

  /** Whether the codebase's FTS table exists (a codebase created by an older or interrupted run may lack it). */
  hasTable(codebaseId: number): boolean {
    const row = this.connection.statement("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = ?").get(ftsTableName(codebaseId));
    return row !== undefined;
  }

  byIds(ids: readonly number[]): ChunkHit[] {
    if (ids.length === 0) return [];
    const placeholders = ids.map(() => '?').join(',');
    return this.connection.db
      .prepare(`SELECT ${HIT_COLUMNS}, 0 AS bm25 FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.id IN (${placeholders})`)
      .all(...ids) as unknown as ChunkHit[];
  }
}
