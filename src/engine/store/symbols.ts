import type { FileRole } from '../../protocol/roles.ts';
import { encodeDefinitions, encodeReferences, searchDocument } from '../symbols/codec.ts';
import type { FileSymbols } from '../symbols/symbol.ts';
import { isSecondary } from '../symbols/file-rank.ts';
import type { StoreConnection } from './connection.ts';
import { SYMBOLS_VERSION, symbolSearchTableName, symbolSearchTableSql } from './schema.ts';

/** A file's stored symbols, as the lookups read them. */
export interface StoredFileSymbols {
  readonly fileId: number;
  readonly path: string;
  readonly language: string;
  /** Null in rows written before roles were stored. */
  readonly role: FileRole | null;
  /** See codec.ts for both encodings. */
  readonly definitions: string;
  readonly references: string;
}

/** Whether a codebase has a symbol table, and whether every file of it was indexed with symbols. */
export interface SymbolState {
  /** The codebase has a symbol search table (some files have symbols). */
  readonly present: boolean;
  /** A full run finished with symbol extraction: every file has its symbols. */
  readonly complete: boolean;
  readonly version: number;
}

/**
 * The symbol table: per file, its definitions and the names it uses (table
 * `file_symbols`), and per codebase a full-text table (`symbols_fts_<id>`)
 * whose document for each file holds terms for those names, so that "which
 * files define or use X" is one index lookup. Writes happen inside the
 * content table's fenced batch transaction, with the file's chunks.
 */
export class SymbolTable {
  private readonly connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.connection = connection;
  }

  // ── writes (inside ContentTable's transaction) ────────────────────────────

  /** Creates the codebase's symbol search table if needed. Call inside a transaction. */
  prepare(codebaseId: number): void {
    this.connection.db.exec(symbolSearchTableSql(symbolSearchTableName(codebaseId)));
  }

  /**
   * Replaces a file's symbols (`undefined`: it has none, e.g. it became
   * binary). `previous`: the file's row before this write, when it had one
   * (it may have symbols to drop). Symbols the same as stored under the same
   * index format (another may make other terms), in a file of the same
   * standing (see isSecondary), keep their rows: every rewrite of a row
   * leaves a deleted one in the full-text table that each later lookup reads
   * past (a save that changed no name, a forced re-index).
   */
  replaceFile(
    codebaseId: number,
    fileId: number,
    role: FileRole,
    hash: string,
    symbols: FileSymbols | undefined,
    previous: { readonly role: FileRole | null; readonly sameFormat: boolean } | undefined,
  ): void {
    const { connection } = this;
    const encoded = symbols && { definitions: encodeDefinitions(symbols.definitions), refs: encodeReferences(symbols.references) };
    if (previous) {
      const stored = connection.statement('SELECT hash, definitions, refs FROM file_symbols WHERE file_id = ?').get(fileId) as
        | { hash: string; definitions: string; refs: string }
        | undefined;
      const sameStanding = previous.role !== null && isSecondary(previous.role) === isSecondary(role);
      if (stored && previous.sameFormat && sameStanding && stored.definitions === encoded?.definitions && stored.refs === encoded.refs) {
        if (stored.hash !== hash) connection.statement('UPDATE file_symbols SET hash = ? WHERE file_id = ?').run(hash, fileId);
        return;
      }
      this.deleteFile(codebaseId, fileId);
    }
    if (!symbols || !encoded) return;
    connection.statement('INSERT INTO file_symbols(file_id, hash, definitions, refs) VALUES (?, ?, ?, ?)').run(fileId, hash, encoded.definitions, encoded.refs);
    connection.statement(`INSERT INTO ${symbolSearchTableName(codebaseId)}(rowid, terms) VALUES (?, ?)`).run(fileId, searchDocument(symbols, isSecondary(role)));
  }

  /** Drops a file's symbols. Call inside a transaction, before the file row goes. */
  deleteFile(codebaseId: number, fileId: number): void {
    const removed = this.connection.statement('DELETE FROM file_symbols WHERE file_id = ?').run(fileId);
    if (Number(removed.changes) > 0 && this.hasSearchTable(codebaseId)) {
      this.connection.statement(`DELETE FROM ${symbolSearchTableName(codebaseId)} WHERE rowid = ?`).run(fileId);
    }
  }

  /** Drops a codebase's symbol search table and completeness mark (its rows go with its files). Call inside a transaction. */
  dropCodebase(codebaseId: number): void {
    this.connection.db.exec(`DROP TABLE IF EXISTS ${symbolSearchTableName(codebaseId)}`);
    this.connection.statement('DELETE FROM symbol_state WHERE codebase_id = ?').run(codebaseId);
  }

  /** Records that a full run gave every file of the codebase its symbols. */
  markComplete(codebaseId: number): void {
    this.connection.transaction(() => {
      // A codebase without a file that has symbols still gets its (empty) search table.
      this.prepare(codebaseId);
      this.connection
        .statement(
          `INSERT INTO symbol_state(codebase_id, version, completed_at) VALUES (?, ?, ?)
           ON CONFLICT(codebase_id) DO UPDATE SET version = excluded.version, completed_at = excluded.completed_at`,
        )
        .run(codebaseId, SYMBOLS_VERSION, Date.now());
    });
  }

  // ── reads ─────────────────────────────────────────────────────────────────

  /**
   * Whether the database has the symbol table at all: a follower may read a
   * database that no leader of this version has migrated yet.
   */
  available(): boolean {
    return this.connection.statement("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'file_symbols'").get() !== undefined;
  }

  state(codebaseId: number): SymbolState {
    const row = this.connection.statement('SELECT version FROM symbol_state WHERE codebase_id = ?').get(codebaseId) as { version: number } | undefined;
    return { present: this.hasSearchTable(codebaseId), complete: row !== undefined && row.version >= SYMBOLS_VERSION, version: row?.version ?? 0 };
  }

  hasSearchTable(codebaseId: number): boolean {
    return this.connection.hasTable(symbolSearchTableName(codebaseId));
  }

  /** Ids of files whose terms match an FTS5 expression, in id order after `afterFileId`. */
  matchingFiles(codebaseId: number, match: string, limit: number, afterFileId = 0): number[] {
    // A first run may not have written a file with symbols yet.
    if (!this.hasSearchTable(codebaseId)) return [];
    const table = symbolSearchTableName(codebaseId);
    const rows = this.connection
      .statement(`SELECT rowid AS id FROM ${table} WHERE ${table} MATCH ? AND rowid > ? ORDER BY rowid LIMIT ?`)
      .all(match, afterFileId, limit) as { id: number }[];
    return rows.map((row) => row.id);
  }

  /** How many files match, counting no further than `upTo`. */
  countMatching(codebaseId: number, match: string, upTo: number): number {
    if (!this.hasSearchTable(codebaseId)) return 0;
    const table = symbolSearchTableName(codebaseId);
    const row = this.connection.statement(`SELECT count(*) AS n FROM (SELECT rowid FROM ${table} WHERE ${table} MATCH ? LIMIT ?)`).get(match, upTo) as { n: number };
    return row.n;
  }

  /**
   * The stored symbols of these files (in no particular order); without
   * `withReferences`, `references` is empty (definitions are much smaller).
   */
  ofFiles(fileIds: readonly number[], withReferences = true): StoredFileSymbols[] {
    if (fileIds.length === 0) return [];
    const placeholders = fileIds.map(() => '?').join(',');
    const references = withReferences ? 's.refs' : "''";
    return this.connection
      .statement(
        `SELECT s.file_id AS fileId, f.path AS path, f.language AS language, f.role AS role, s.definitions AS definitions, ${references} AS "references"
         FROM file_symbols s JOIN files f ON f.id = s.file_id AND f.hash = s.hash WHERE s.file_id IN (${placeholders})`,
      )
      .all(...fileIds) as unknown as StoredFileSymbols[];
  }

  /** The stored symbols of one file of a codebase, by its root-relative path. */
  ofPath(codebaseId: number, path: string): StoredFileSymbols | undefined {
    return this.connection
      .statement(
        `SELECT s.file_id AS fileId, f.path AS path, f.language AS language, f.role AS role, s.definitions AS definitions, s.refs AS "references"
         FROM files f JOIN file_symbols s ON s.file_id = f.id AND s.hash = f.hash WHERE f.codebase_id = ? AND f.path = ?`,
      )
      .get(codebaseId, path) as StoredFileSymbols | undefined;
  }

  /** The encoded definitions of these files (those whose symbols are current), by file id. */
  definitionsOfFiles(fileIds: readonly number[]): Map<number, string> {
    if (fileIds.length === 0) return new Map();
    if (!this.available()) return new Map();
    const placeholders = fileIds.map(() => '?').join(',');
    const rows = this.connection.db
      .prepare(`SELECT s.file_id AS fileId, s.definitions AS definitions FROM file_symbols s JOIN files f ON f.id = s.file_id AND f.hash = s.hash WHERE s.file_id IN (${placeholders})`)
      .all(...fileIds) as { fileId: number; definitions: string }[];
    return new Map(rows.map((row) => [row.fileId, row.definitions]));
  }

  /** The chunks of a file that cover lines first..last (for the text of those lines). */
  chunksCovering(fileId: number, first: number, last: number): { startLine: number; endLine: number; content: string }[] {
    return this.connection
      .statement('SELECT start_line AS startLine, end_line AS endLine, content FROM chunks WHERE file_id = ? AND end_line >= ? AND start_line <= ? ORDER BY start_line')
      .all(fileId, first, last) as { startLine: number; endLine: number; content: string }[];
  }
}
