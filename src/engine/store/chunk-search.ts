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

/**
 * The first string after every path that starts with `prefix` (which ends in
 * "/"): the same with "/" replaced by the next character, "0". SQLite
 * compares text byte by byte in UTF-8, and every path under the folder sorts
 * between the two.
 */
export function pathRangeEnd(prefix: string): string {
  return `${prefix.slice(0, -1)}0`;
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
const STORED_ROLE_SQL = `coalesce(c.role, f.role, ${ROLE_FUNCTION}(f.path))`;
/** Before the leader has migrated the database (a follower of an older leader), there are no stored roles. */
const PATH_ROLE_SQL = `${ROLE_FUNCTION}(f.path)`;

function candidateColumns(roleSql: string): string {
  return `c.id AS chunkId, c.file_id AS fileId, f.path AS path, f.language AS language,
  c.start_line AS startLine, c.end_line AS endLine, c.symbols AS symbols, ${roleSql} AS role`;
}

/** Read-only queries over the chunks: full-text matches, chunks by id, their text. */
export class ChunkSearch {
  private readonly connection: StoreConnection;
  /** Whether the role columns exist (once they do, they stay: columns are never dropped). */
  private hasRoles = false;

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
    const ranked = `SELECT rowid AS id, ${bm25Sql(fts, weights)} AS score FROM ${fts} WHERE ${fts} MATCH ?`;
    const roleSql = this.roleSql();
    const columns = `${candidateColumns(roleSql)}, r.score AS bm25`;
    const roles = filter.roles ?? [];
    if (!filter.pathPrefix && roles.length === 0) return this.bestRanked(ranked, [match, limit]);
    // Folder and role are not in the FTS table: rank every match, then keep those that pass.
    const conditions: string[] = [];
    const parameters: (string | number)[] = [match];
    if (filter.pathPrefix) {
      // A range on the path, not substr(): SQLite counts characters where JavaScript counts UTF-16 units.
      conditions.push('f.path >= ? AND f.path < ?');
      parameters.push(filter.pathPrefix, pathRangeEnd(filter.pathPrefix));
    }
    if (roles.length > 0) {
      conditions.push(`${roleSql} IN (${roles.map(() => '?').join(', ')})`);
      parameters.push(...roles);
    }
    const sql = `SELECT ${columns} FROM (${ranked}) r
      JOIN chunks c ON c.id = r.id JOIN files f ON f.id = c.file_id
      WHERE ${conditions.join(' AND ')} ORDER BY r.score, r.id LIMIT ?`;
    return this.connection.statement(sql).all(...parameters, limit) as unknown as ChunkCandidate[];
  }

  /**
   * The same ranking (bm25 of the whole `match`) of only the chunks that
   * also match `within`; the others are not scored at all (see
   * search/bm25-bound.ts). `+rowid` keeps SQLite from handing the IN to
   * FTS5 as rowid lookups, each of which would start the query anew.
   */
  candidatesWithin(codebaseId: number, match: string, within: string, limit: number, weights: ColumnWeights): ChunkCandidate[] {
    const fts = ftsTableName(codebaseId);
    const ranked = `SELECT rowid AS id, ${bm25Sql(fts, weights)} AS score FROM ${fts}
      WHERE ${fts} MATCH ? AND +rowid IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ?)`;
    return this.bestRanked(ranked, [match, within, limit]);
  }

  /** Runs `body`'s queries on one snapshot of the index (see StoreConnection.oneSnapshot). */
  oneSnapshot<T>(body: () => T): T {
    return this.connection.oneSnapshot(body);
  }

  /** The best `limit` rows (the last parameter) of a ranking (`id`, `score`), as candidates in score order. */
  private bestRanked(ranked: string, parameters: (string | number)[]): ChunkCandidate[] {
    // Ties in chunk-id order, as search/bm25-bound.ts's merge orders them.
    const sql = `SELECT ${candidateColumns(this.roleSql())}, r.score AS bm25 FROM (${ranked} ORDER BY score, id LIMIT ?) r
      JOIN chunks c ON c.id = r.id JOIN files f ON f.id = c.file_id ORDER BY r.score, r.id`;
    return this.connection.statement(sql).all(...parameters) as unknown as ChunkCandidate[];
  }

  /** Ids of the chunks matching an FTS5 expression, in no useful order, at most `limit` (no ranking: cheap for a rare term). */
  matchingIds(codebaseId: number, match: string, limit: number): number[] {
    const fts = ftsTableName(codebaseId);
    const rows = this.connection.statement(`SELECT rowid AS id FROM ${fts} WHERE ${fts} MATCH ? LIMIT ?`).all(match, limit) as unknown as { id: number }[];
    return rows.map((row) => row.id);
  }

  /** The SQL of a chunk's role: stored, or (schema not yet migrated by the leader) from the path. */
  private roleSql(): string {
    if (!this.hasRoles) {
      this.hasRoles = this.connection.statement("SELECT 1 AS present FROM pragma_table_info('chunks') WHERE name = 'role'").get() !== undefined;
    }
    return this.hasRoles ? STORED_ROLE_SQL : PATH_ROLE_SQL;
  }

  /** How many chunks match an FTS5 expression, counting no further than `upTo`. */
  countMatches(codebaseId: number, match: string, upTo: number): number {
    const fts = ftsTableName(codebaseId);
    const row = this.connection.statement(`SELECT count(*) AS n FROM (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ? LIMIT ?)`).get(match, upTo) as { n: number };
    return row.n;
  }

  /**
   * How many rows FTS5 believes its table has: the N of its bm25 idf, kept in
   * the table's averages record (rowid 1 of its data table, a varint first).
   * A contentless_delete table never takes a deleted row off it, so it grows
   * with every rewrite: twice the chunks after a forced re-index. Undefined
   * when the record is missing or unreadable.
   */
  ftsRowCount(codebaseId: number): number | undefined {
    return countedRows(this.connection, ftsTableName(codebaseId));
  }

  /** Whether the codebase's FTS table exists (a codebase created by an older or interrupted run may lack it). */
  hasTable(codebaseId: number): boolean {
    return this.connection.hasTable(ftsTableName(codebaseId));
  }

  /** Chunks by id (in no particular order), as candidates with no bm25 score. */
  candidatesByIds(ids: readonly number[]): ChunkCandidate[] {
    if (ids.length === 0) return [];
    const placeholders = ids.map(() => '?').join(',');
    return this.connection.db
      .prepare(`SELECT ${candidateColumns(this.roleSql())}, 0 AS bm25 FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.id IN (${placeholders})`)
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

/** The row count an FTS5 table ranks with (see ChunkSearch.ftsRowCount), undefined when unreadable. */
export function countedRows(connection: StoreConnection, table: string): number | undefined {
  const row = connection.statement(`SELECT block FROM ${table}_data WHERE id = 1`).get() as { block: Uint8Array } | undefined;
  return row?.block instanceof Uint8Array ? leadingVarint(row.block) : undefined;
}

/**
 * The SQLite varint at the start of `bytes` (7 bits a byte, high bit set on
 * all but the last; a ninth byte gives all 8 bits), or undefined if cut short.
 */
export function leadingVarint(bytes: Uint8Array): number | undefined {
  let value = 0;
  for (let index = 0; index < Math.min(9, bytes.length); index++) {
    const byte = bytes[index]!;
    if (index === 8) return value * 256 + byte;
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return value;
  }
  return undefined;
}

/** bm25 with the columns' weights (the extension column never scores). */
function bm25Sql(fts: string, weights: ColumnWeights): string {
  return `bm25(${fts}, ${weight(weights.symbols)}, ${weight(weights.path)}, ${weight(weights.body)}, 0.0)`;
}

function weight(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : '0.0';
}
