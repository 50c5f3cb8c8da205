import type { FileRole } from '../../protocol/roles.ts';
import { roleOfPath } from '../roles/file-role.ts';
import type { StoreConnection } from './connection.ts';
import type { ChunkCandidate } from './records.ts';
import { ftsTableName } from './schema.ts';

/** bm25 weights of the FTS columns (symbols, path, body); the extension column never scores. */
export interface ColumnWeights {
  readonly symbols: number;
  readonly path: number;
  readonly body: number;
}

/** Which chunks a search may return: under a sub-folder (ending in "/"), of some roles. */
export interface CandidateFilter {
  readonly pathPrefix?: string | undefined;
  readonly roles?: readonly FileRole[] | undefined;
}

/**
 * The role of a chunk as stored (its own, else its file's) and, in an index
 * written before roles existed, as its path says: a SQL function, so that a
 * role filter works in the query on old and new rows alike.
 */
const ROLE_FUNCTION = 'baton_path_role';
const ROLE_SQL = `coalesce(c.role, f.role, ${ROLE_FUNCTION}(f.path))`;

const CANDIDATE_COLUMNS = `c.id AS chunkId, c.file_id AS fileId, f.path AS path, f.language AS language,
  c.start_line AS startLine, c.end_line AS endLine, c.symbols AS symbols, ${ROLE_SQL} AS role`;

/** Read-only queries over the chunks: full-text matches, chunks by id, their text. */
export class ChunkSearch {
  private readonly connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.connection = connection;
    connection.db.function(ROLE_FUNCTION, { deterministic: true }, (path) => roleOfPath(String(path)));
  }

  /**
   * Chunks matching an FTS5 expression, best bm25 first, without their text
   * (the ranking needs names, lines and roles; only the answers need text).
   */
  candidates(codebaseId: number, match: string, limit: number, weights: ColumnWeights, filter: CandidateFilter = {}): ChunkCandidate[] {
    const fts = ftsTableName(codebaseId);
    const bm25 = `bm25(${fts}, ${weight(weights.symbols)}, ${weight(weights.path)}, ${weight(weights.body)}, 0.0)`;
    const ranked = `SELECT rowid AS id, ${bm25} AS score FROM ${fts} WHERE ${fts} MATCH ?`;
    const columns = `${CANDIDATE_COLUMNS}, r.score AS bm25`;
    const roles = filter.roles ?? [];
    if (!filter.pathPrefix && roles.length === 0) {
      const sql = `SELECT ${columns} FROM (${ranked} ORDER BY score LIMIT ?) r
        JOIN chunks c ON c.id = r.id JOIN files f ON f.id = c.file_id ORDER BY r.score`;
      return this.connection.statement(sql).all(match, limit) as unknown as ChunkCandidate[];
    }
    // Folder and role are not in the FTS table: rank every match, then keep those that pass.
    const conditions: string[] = [];
    const parameters: (string | number)[] = [match];
    if (filter.pathPrefix) {
      conditions.push('substr(f.path, 1, ?) = ?');
      parameters.push(filter.pathPrefix.length, filter.pathPrefix);
    }
    if (roles.length > 0) {
      conditions.push(`${ROLE_SQL} IN (${roles.map(() => '?').join(', ')})`);
      parameters.push(...roles);
    }
    const sql = `SELECT ${columns} FROM (${ranked}) r
      JOIN chunks c ON c.id = r.id JOIN files f ON f.id = c.file_id
      WHERE ${conditions.join(' AND ')} ORDER BY r.score LIMIT ?`;
    return this.connection.statement(sql).all(...parameters, limit) as unknown as ChunkCandidate[];
  }

  /** Ids of the chunks matching an FTS5 expression, in no useful order, at most `limit` (no ranking: cheap for a rare term). */
  matchingIds(codebaseId: number, match: string, limit: number): number[] {
    const fts = ftsTableName(codebaseId);
    const rows = this.connection.statement(`SELECT rowid AS id FROM ${fts} WHERE ${fts} MATCH ? LIMIT ?`).all(match, limit) as unknown as { id: number }[];
    return rows.map((row) => row.id);
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

  /** Chunks by id (in no particular order), as candidates with no bm25 score. */
  candidatesByIds(ids: readonly number[]): ChunkCandidate[] {
    if (ids.length === 0) return [];
    const placeholders = ids.map(() => '?').join(',');
    return this.connection.db
      .prepare(`SELECT ${CANDIDATE_COLUMNS}, 0 AS bm25 FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.id IN (${placeholders})`)
      .all(...ids) as unknown as ChunkCandidate[];
  }

  /** The text of chunks, by id. */
  contents(ids: readonly number[]): Map<number, string> {
    if (ids.length === 0) return new Map();
    const placeholders = ids.map(() => '?').join(',');
    const rows = this.connection.db.prepare(`SELECT id, content FROM chunks WHERE id IN (${placeholders})`).all(...ids) as unknown as {
      id: number;
      content: string;
    }[];
    return new Map(rows.map((row) => [row.id, row.content]));
  }

  /** Chunks of one file that touch lines first..last, in line order (to join neighbours into one answer). */
  chunksOfFileBetween(fileId: number, first: number, last: number): { chunkId: number; startLine: number; endLine: number }[] {
    return this.connection
      .statement('SELECT id AS chunkId, start_line AS startLine, end_line AS endLine FROM chunks WHERE file_id = ? AND end_line >= ? AND start_line <= ? ORDER BY start_line')
      .all(fileId, first, last) as unknown as { chunkId: number; startLine: number; endLine: number }[];
  }
}

function weight(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : '0.0';
}
