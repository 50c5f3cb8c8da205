import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { FencedError } from '../errors.ts';
import { BM25_WEIGHTS, ftsTableName, ftsTableSql } from './schema.ts';

export type CodebaseStatus = 'indexing' | 'indexed' | 'failed';

export interface IndexSettings {
  readonly splitter: 'ast' | 'langchain';
  readonly customExtensions: readonly string[];
  readonly ignorePatterns: readonly string[];
}

export interface CodebaseRecord {
  readonly id: number;
  readonly root: string;
  readonly status: CodebaseStatus;
  readonly settings: IndexSettings;
  readonly totalFiles: number;
  readonly processedFiles: number;
  readonly fileCount: number;
  readonly chunkCount: number;
  readonly message: string;
  readonly createdAt: number;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly updatedAt: number;
}

export interface StoredFile {
  readonly id: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly hash: string;
}

/** A chunk ready to store: its text plus the terms the FTS table indexes. */
export interface PreparedChunk {
  readonly startLine: number;
  readonly endLine: number;
  readonly content: string;
  readonly contentHash: string;
  readonly symbols: string;
  readonly symbolTerms: string;
  readonly bodyTerms: string;
}

/** One file's new state. `chunks: null` means the content is unchanged and only size/mtime move. */
export interface FileUpdate {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly hash: string;
  readonly language: string;
  readonly pathTerms: string;
  readonly extension: string;
  readonly chunks: readonly PreparedChunk[] | null;
}

export interface ChunkHit {
  readonly chunkId: number;
  readonly path: string;
  readonly language: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly content: string;
  /** bm25 as SQLite reports it: lower is better. */
  readonly bm25: number;
}

/**
 * Checks, inside a write transaction, that this process may still write.
 * Throws FencedError when another writer has taken over (see coordination).
 */
export type WriteFence = (db: DatabaseSync) => void;

interface CodebaseRow {
  id: number;
  root: string;
  status: CodebaseStatus;
  settings: string;
  total_files: number;
  processed_files: number;
  file_count: number;
  chunk_count: number;
  message: string;
  created_at: number;
  started_at: number;
  finished_at: number | null;
  updated_at: number;
}

function toRecord(row: CodebaseRow): CodebaseRecord {
  return {
    id: row.id,
    root: row.root,
    status: row.status,
    settings: JSON.parse(row.settings) as IndexSettings,
    totalFiles: row.total_files,
    processedFiles: row.processed_files,
    fileCount: row.file_count,
    chunkCount: row.chunk_count,
    message: row.message,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Every read and write of the index database. Writes run in IMMEDIATE
 * transactions that first pass the write fence, so a crash or a deposed
 * writer can never leave a half-applied batch.
 */
export class IndexStore {
  readonly db: DatabaseSync;
  private fence: WriteFence | undefined;
  /** Recorded on the rows this process writes, so that any row can be traced to its leader. */
  private writerEpoch = 0;
  private readonly statements = new Map<string, StatementSync>();

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  setWriteFence(fence: WriteFence | undefined, writerEpoch = 0): void {
    this.fence = fence;
    this.writerEpoch = writerEpoch;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  // ── epoch (fencing token) ────────────────────────────────────────────────

  currentEpoch(): number {
    const row = this.statement('SELECT value FROM meta WHERE key = ?').get('epoch') as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  /**
   * Increments the stored epoch and returns it: the calling process is the
   * writer from now on. Waits at most `busyTimeoutMs` for another process's
   * write transaction (a frozen former leader may hold one), then throws
   * SQLITE_BUSY so that the caller can retry without blocking its event loop.
   */
  claimNextEpoch(busyTimeoutMs = 100): number {
    return this.withBusyTimeout(busyTimeoutMs, () => this.transaction(() => {
      const next = this.currentEpoch() + 1;
      this.statement('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(
        'epoch',
        String(next),
      );
      return next;
    }, false));
  }

  private withBusyTimeout<T>(milliseconds: number, body: () => T): T {
    const previous = (this.db.prepare('PRAGMA busy_timeout').get() as { timeout: number }).timeout;
    this.db.exec(`PRAGMA busy_timeout = ${Math.trunc(milliseconds)}`);
    try {
      return body();
    } finally {
      this.db.exec(`PRAGMA busy_timeout = ${Math.trunc(previous)}`);
    }
  }

  /** A fence that accepts writes only while the stored epoch is `epoch`. */
  static epochFence(epoch: number): WriteFence {
    return (db) => {
      const row = db.prepare('SELECT value FROM meta WHERE key = ?').get('epoch') as { value: string } | undefined;
      const stored = row ? Number(row.value) : 0;
      if (stored !== epoch) throw new FencedError(epoch, stored);
    };
  }

  // ── codebases ────────────────────────────────────────────────────────────

  codebaseByRoot(root: string): CodebaseRecord | undefined {
    const row = this.statement('SELECT * FROM codebases WHERE root = ?').get(root) as CodebaseRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  codebaseById(id: number): CodebaseRecord | undefined {
    const row = this.statement('SELECT * FROM codebases WHERE id = ?').get(id) as CodebaseRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  listCodebases(): CodebaseRecord[] {
    return (this.statement('SELECT * FROM codebases ORDER BY root').all() as unknown as CodebaseRow[]).map(toRecord);
  }

  /**
   * Marks a codebase as being indexed with these settings, creating it if new.
   * With `reset`, its files and chunks are dropped first (a forced re-index).
   */
  beginIndexing(root: string, settings: IndexSettings, reset: boolean): CodebaseRecord {
    return this.transaction(() => {
      const now = Date.now();
      const existing = this.codebaseByRoot(root);
      if (existing && reset) this.deleteContents(existing.id);
      if (existing) {
        this.statement(
          `UPDATE codebases SET status = 'indexing', settings = ?, processed_files = 0, total_files = 0,
             message = '', started_at = ?, finished_at = NULL, updated_at = ?, writer_epoch = ? WHERE id = ?`,
        ).run(JSON.stringify(settings), now, now, this.writerEpoch, existing.id);
      } else {
        this.statement(
          `INSERT INTO codebases(root, status, settings, created_at, started_at, updated_at, writer_epoch)
           VALUES (?, 'indexing', ?, ?, ?, ?, ?)`,
        ).run(root, JSON.stringify(settings), now, now, now, this.writerEpoch);
      }
      const record = this.codebaseByRoot(root)!;
      this.db.exec(ftsTableSql(ftsTableName(record.id)));
      if (reset) this.refreshCounts(record.id);
      return this.codebaseById(record.id)!;
    });
  }

  setProgress(id: number, totalFiles: number, processedFiles: number): void {
    this.transaction(() => {
      this.statement('UPDATE codebases SET total_files = ?, processed_files = ?, updated_at = ? WHERE id = ?').run(
        totalFiles,
        processedFiles,
        Date.now(),
        id,
      );
    });
  }

  finishIndexing(id: number, status: 'indexed' | 'failed', message: string): void {
    this.transaction(() => {
      this.refreshCounts(id);
      const now = Date.now();
      this.statement('UPDATE codebases SET status = ?, message = ?, finished_at = ?, updated_at = ? WHERE id = ?').run(
        status,
        message,
        now,
        now,
        id,
      );
    });
  }

  /** Removes a codebase and everything indexed for it. Embedding cache entries stay (they are keyed by content). */
  deleteCodebase(id: number): void {
    this.transaction(() => {
      this.deleteContents(id);
      this.db.exec(`DROP TABLE IF EXISTS ${ftsTableName(id)}`);
      this.statement('DELETE FROM codebases WHERE id = ?').run(id);
    });
  }

  // ── files and chunks ─────────────────────────────────────────────────────

  storedFiles(codebaseId: number): Map<string, StoredFile> {
    const rows = this.statement('SELECT id, path, size, mtime_ms, hash FROM files WHERE codebase_id = ?').all(codebaseId) as unknown as {
      id: number;
      path: string;
      size: number;
      mtime_ms: number;
      hash: string;
    }[];
    return new Map(rows.map((row) => [row.path, { id: row.id, size: row.size, mtimeMs: row.mtime_ms, hash: row.hash }]));
  }

  /**
   * Applies one batch atomically: changed files replace their chunks, deleted
   * files go, and the progress counters move, all or nothing.
   */
  applyBatch(codebaseId: number, updates: readonly FileUpdate[], deletedPaths: readonly string[], progress?: { total: number; processed: number }): void {
    const fts = ftsTableName(codebaseId);
    this.transaction(() => {
      for (const path of deletedPaths) this.deleteFile(codebaseId, fts, path);
      for (const update of updates) this.writeFile(codebaseId, fts, update);
      this.refreshCounts(codebaseId);
      if (progress) {
        this.statement('UPDATE codebases SET total_files = ?, processed_files = ?, updated_at = ? WHERE id = ?').run(
          progress.total,
          progress.processed,
          Date.now(),
          codebaseId,
        );
      }
    });
  }

  private writeFile(codebaseId: number, fts: string, update: FileUpdate): void {
    const existing = this.statement('SELECT id FROM files WHERE codebase_id = ? AND path = ?').get(codebaseId, update.path) as
      | { id: number }
      | undefined;
    if (update.chunks === null) {
      if (existing) {
        this.statement('UPDATE files SET size = ?, mtime_ms = ?, writer_epoch = ? WHERE id = ?').run(update.size, update.mtimeMs, this.writerEpoch, existing.id);
      }
      return;
    }
    let fileId: number;
    if (existing) {
      this.deleteChunksOf(fts, existing.id);
      this.statement('UPDATE files SET size = ?, mtime_ms = ?, hash = ?, language = ?, chunk_count = ?, writer_epoch = ? WHERE id = ?').run(
        update.size,
        update.mtimeMs,
        update.hash,
        update.language,
        update.chunks.length,
        this.writerEpoch,
        existing.id,
      );
      fileId = existing.id;
    } else {
      const inserted = this.statement(
        'INSERT INTO files(codebase_id, path, size, mtime_ms, hash, language, chunk_count, writer_epoch) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(codebaseId, update.path, update.size, update.mtimeMs, update.hash, update.language, update.chunks.length, this.writerEpoch);
      fileId = Number(inserted.lastInsertRowid);
    }
    const insertChunk = this.statement(
      'INSERT INTO chunks(codebase_id, file_id, start_line, end_line, symbols, content, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const insertTerms = this.statement(`INSERT INTO ${fts}(rowid, symbols, path, body, ext) VALUES (?, ?, ?, ?, ?)`);
    for (const chunk of update.chunks) {
      const { lastInsertRowid } = insertChunk.run(
        codebaseId,
        fileId,
        chunk.startLine,
        chunk.endLine,
        chunk.symbols,
        chunk.content,
        chunk.contentHash,
      );
      insertTerms.run(lastInsertRowid, chunk.symbolTerms, update.pathTerms, chunk.bodyTerms, update.extension);
    }
  }

  private deleteFile(codebaseId: number, fts: string, path: string): void {
    const existing = this.statement('SELECT id FROM files WHERE codebase_id = ? AND path = ?').get(codebaseId, path) as
      | { id: number }
      | undefined;
    if (!existing) return;
    this.deleteChunksOf(fts, existing.id);
    this.statement('DELETE FROM files WHERE id = ?').run(existing.id);
  }

  private deleteChunksOf(fts: string, fileId: number): void {
    this.statement(`DELETE FROM ${fts} WHERE rowid IN (SELECT id FROM chunks WHERE file_id = ?)`).run(fileId);
    this.statement('DELETE FROM chunks WHERE file_id = ?').run(fileId);
  }

  private deleteContents(codebaseId: number): void {
    const fts = ftsTableName(codebaseId);
    this.db.exec(`DROP TABLE IF EXISTS ${fts}`);
    this.statement('DELETE FROM chunks WHERE codebase_id = ?').run(codebaseId);
    this.statement('DELETE FROM files WHERE codebase_id = ?').run(codebaseId);
    this.db.exec(ftsTableSql(fts));
  }

  private refreshCounts(codebaseId: number): void {
    this.statement(
      `UPDATE codebases SET
         file_count = (SELECT count(*) FROM files WHERE codebase_id = ?1),
         chunk_count = (SELECT count(*) FROM chunks WHERE codebase_id = ?1)
       WHERE id = ?1`,
    ).run(codebaseId);
  }

  // ── search ───────────────────────────────────────────────────────────────

  /**
   * Chunks matching an FTS5 expression, best first. `pathPrefix` (ending in
   * "/") keeps only files under a sub-folder of the codebase.
   */
  searchChunks(codebaseId: number, match: string, limit: number, pathPrefix?: string): ChunkHit[] {
    const fts = ftsTableName(codebaseId);
    const columns = `c.id AS chunkId, f.path AS path, f.language AS language, c.start_line AS startLine,
      c.end_line AS endLine, c.content AS content, r.score AS bm25`;
    const ranked = `SELECT rowid AS id, bm25(${fts}, ${BM25_WEIGHTS}) AS score FROM ${fts} WHERE ${fts} MATCH ?`;
    if (!pathPrefix) {
      const sql = `SELECT ${columns} FROM (${ranked} ORDER BY score LIMIT ?) r
        JOIN chunks c ON c.id = r.id JOIN files f ON f.id = c.file_id ORDER BY r.score`;
      return this.statement(sql).all(match, limit) as unknown as ChunkHit[];
    }
    // The sub-folder is not in the FTS table: rank every match, then keep the folder's files.
    const sql = `SELECT ${columns} FROM (${ranked}) r
      JOIN chunks c ON c.id = r.id JOIN files f ON f.id = c.file_id
      WHERE substr(f.path, 1, ?) = ? ORDER BY r.score LIMIT ?`;
    return this.statement(sql).all(match, pathPrefix.length, pathPrefix, limit) as unknown as ChunkHit[];
  }

  /** How many chunks match an FTS5 expression, counting no further than `upTo`. */
  countMatches(codebaseId: number, match: string, upTo: number): number {
    const fts = ftsTableName(codebaseId);
    const row = this.statement(`SELECT count(*) AS n FROM (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ? LIMIT ?)`).get(match, upTo) as { n: number };
    return row.n;
  }

  /** Whether the codebase's FTS table exists (a codebase created by an older or interrupted run may lack it). */
  hasSearchTable(codebaseId: number): boolean {
    const row = this.statement("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = ?").get(ftsTableName(codebaseId));
    return row !== undefined;
  }

  // ── embeddings ───────────────────────────────────────────────────────────

  /**
   * Chunks of this codebase after `afterId` (in id order) whose content has no
   * vector for `model` yet. Walking by id keeps each batch cheap on large
   * codebases; the caller drops repeated hashes.
   */
  chunksMissingVectors(codebaseId: number, model: string, afterId: number, limit: number): { id: number; contentHash: string; content: string }[] {
    return this.statement(
      `SELECT c.id AS id, c.content_hash AS contentHash, c.content AS content FROM chunks c
       WHERE c.codebase_id = ? AND c.id > ?
         AND NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.model = ? AND e.content_hash = c.content_hash)
       ORDER BY c.id LIMIT ?`,
    ).all(codebaseId, afterId, model, limit) as unknown as { id: number; contentHash: string; content: string }[];
  }

  storeVectors(model: string, vectors: readonly { contentHash: string; vector: Float32Array }[]): void {
    this.transaction(() => {
      const insert = this.statement('INSERT OR REPLACE INTO embeddings(model, content_hash, vector) VALUES (?, ?, ?)');
      for (const { contentHash, vector } of vectors) {
        insert.run(model, contentHash, new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
      }
    });
  }

  /** Every chunk of the codebase that has a vector for `model`, with that vector. */
  chunkVectors(codebaseId: number, model: string): { chunkId: number; vector: Float32Array }[] {
    const rows = this.statement(
      `SELECT c.id AS chunkId, e.vector AS vector FROM chunks c
       JOIN embeddings e ON e.model = ? AND e.content_hash = c.content_hash WHERE c.codebase_id = ?`,
    ).all(model, codebaseId) as unknown as { chunkId: number; vector: Uint8Array }[];
    return rows.map((row) => ({
      chunkId: row.chunkId,
      vector: new Float32Array(row.vector.buffer, row.vector.byteOffset, row.vector.byteLength / 4),
    }));
  }

  chunksByIds(ids: readonly number[]): ChunkHit[] {
    if (ids.length === 0) return [];
    const placeholders = ids.map(() => '?').join(',');
    return this.db
      .prepare(
        `SELECT c.id AS chunkId, f.path AS path, f.language AS language, c.start_line AS startLine,
           c.end_line AS endLine, c.content AS content, 0 AS bm25
         FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.id IN (${placeholders})`,
      )
      .all(...ids) as unknown as ChunkHit[];
  }

  // ── plumbing ─────────────────────────────────────────────────────────────

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Runs `body` in an IMMEDIATE transaction that first passes the write fence. */
  private transaction<T>(body: () => T, fenced = true): T {
    if (this.db.isTransaction) return body();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      if (fenced) this.fence?.(this.db);
      const result = body();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }
}
