import type { FileRole } from '../../protocol/roles.ts';
import type { StoreConnection } from './connection.ts';
import { matchStoredChunks, type StoredChunkRow } from './chunk-reuse.ts';
import type { FileUpdate, PreparedChunk, StoredFile } from './records.ts';
import { BUMP_VERSION, freshFtsTableName, ftsTableName, searchRowInsertSql } from './schema.ts';
import type { SymbolTable } from './symbols.ts';

/** A file's format version, when its writer recorded itself in `writers`; 0 (redo it) when an older Baton wrote it. */
const TRUSTED_FORMAT = 'CASE WHEN w.epoch IS NULL THEN 0 ELSE f.format_version END';

const STORED_FILE_SQL = `SELECT f.id, f.path, f.size, f.mtime_ms, f.hash, ${TRUSTED_FORMAT} AS format_version, f.format_options
  FROM files f LEFT JOIN writers w ON w.epoch = f.writer_epoch`;

type StoredFileRow = { id: number; path: string; size: number; mtime_ms: number; hash: string; format_version: number; format_options: string };

function storedFileMap(rows: readonly unknown[]): Map<string, StoredFile> {
  return new Map(
    (rows as StoredFileRow[]).map((row) => [
      row.path,
      { id: row.id, size: row.size, mtimeMs: row.mtime_ms, hash: row.hash, formatVersion: row.format_version, formatOptions: row.format_options },
    ]),
  );
}

/** How a batch writes. */
export interface BatchOptions {
  /**
   * Whether every chunk the batch writes or keeps also goes into the
   * codebase's fresh search table (see store/search-rebuild.ts): a forced
   * re-index builds the table anew beside the live one, which meanwhile gets
   * only the chunks that changed.
   */
  readonly intoFreshSearchTable?: boolean;
}

/** How a batch changes a codebase's file and chunk counts. */
interface CountChange {
  files: number;
  chunks: number;
}

/** The search tables a batch writes: the live one, and the fresh one a forced re-index builds. */
interface SearchTables {
  readonly live: string;
  readonly fresh: string | undefined;
}

/** A stored chunk a rewrite keeps (its row id), with the new chunk that equals it. */
interface KeptChunk {
  readonly id: number;
  readonly chunk: PreparedChunk;
}

/** The files and chunks of each codebase, with their search terms and symbols: written in atomic batches. */
export class ContentTable {
  private readonly connection: StoreConnection;
  private readonly symbols: SymbolTable;

  constructor(connection: StoreConnection, symbols: SymbolTable) {
    this.connection = connection;
    this.symbols = symbols;
  }

  /** Every stored file of a codebase, by path (a full pass compares the scan against them). */
  storedFiles(codebaseId: number): Map<string, StoredFile> {
    return storedFileMap(this.connection.statement(`${STORED_FILE_SQL} WHERE f.codebase_id = ?`).all(codebaseId));
  }

  /**
   * The stored files among these paths: an editor's refresh of a few files
   * looks them up by path (the (codebase_id, path) index) instead of reading
   * every row of a large codebase.
   */
  storedFilesNamed(codebaseId: number, paths: readonly string[]): Map<string, StoredFile> {
    const statement = this.connection.statement(`${STORED_FILE_SQL} WHERE f.codebase_id = ? AND f.path = ?`);
    return storedFileMap(paths.flatMap((path) => statement.all(codebaseId, path)));
  }

  /** How many files of a codebase were not chunked with this format (version below it, or other options). */
  countOutdated(codebaseId: number, version: number, options: string): number {
    const row = this.connection
      .statement(`SELECT count(*) AS n FROM files f LEFT JOIN writers w ON w.epoch = f.writer_epoch
        WHERE f.codebase_id = ? AND (${TRUSTED_FORMAT} < ? OR f.format_options <> ?)`)
      .get(codebaseId, version, options) as { n: number };
    return row.n;
  }

  /**
   * Applies one batch atomically: changed files replace their chunks, deleted
   * files go, and the progress counters move, all or nothing.
   */
  applyBatch(
    codebaseId: number,
    updates: readonly FileUpdate[],
    deletedPaths: readonly string[],
    progress?: { total: number; processed: number },
    options: BatchOptions = {},
  ): void {
    const tables: SearchTables = { live: ftsTableName(codebaseId), fresh: options.intoFreshSearchTable ? freshFtsTableName(codebaseId) : undefined };
    this.connection.transaction(() => {
      if (updates.some((update) => update.symbols)) this.symbols.prepare(codebaseId);
      const change = { files: 0, chunks: 0 };
      for (const path of deletedPaths) this.deleteFile(codebaseId, tables.live, path, change);
      for (const update of updates) this.writeFile(codebaseId, tables, update, change);
      // Counted as the rows change: counting every row again after each batch grew with the codebase.
      this.connection
        .statement('UPDATE codebases SET file_count = file_count + ?, chunk_count = chunk_count + ? WHERE id = ?')
        .run(change.files, change.chunks, codebaseId);
      // Every batch moves the codebase's version: other processes' caches of its terms and vectors key on it.
      this.connection.statement(`UPDATE codebases SET ${BUMP_VERSION} WHERE id = ?`).run(Date.now(), codebaseId);
      if (progress) {
        this.connection.statement('UPDATE codebases SET total_files = ?, processed_files = ? WHERE id = ?').run(progress.total, progress.processed, codebaseId);
      }
    });
  }

  /**
   * Deletes up to `limit` chunks, or once none are left up to `limit` files,
   * of a codebase whose search table is gone (see CodebaseTable.beginDelete),
   * in one transaction. Returns how many rows went: 0 when nothing is left.
   */
  deleteSome(codebaseId: number, limit: number): number {
    return this.connection.transaction(() => {
      const chunks = this.connection
        .statement('DELETE FROM chunks WHERE id IN (SELECT id FROM chunks WHERE codebase_id = ? LIMIT ?)')
        .run(codebaseId, limit).changes;
      if (Number(chunks) > 0) return Number(chunks);
      return Number(this.connection.statement('DELETE FROM files WHERE id IN (SELECT id FROM files WHERE codebase_id = ? LIMIT ?)').run(codebaseId, limit).changes);
    });
  }

  /**
   * Drops a codebase's symbol search table and completeness mark: when it is
   * deleted (its symbol rows go with its files), and when a codebase is created
   * under the id of one an older Baton deleted (it leaves that table behind).
   */
  dropSymbols(codebaseId: number): void {
    this.symbols.dropCodebase(codebaseId);
  }

  /** Sets a codebase's file and chunk counts from its rows. Call inside a transaction. */
  refreshCounts(codebaseId: number): void {
    this.connection
      .statement(
        `UPDATE codebases SET
           file_count = (SELECT count(*) FROM files WHERE codebase_id = ?1),
           chunk_count = (SELECT count(*) FROM chunks WHERE codebase_id = ?1)
         WHERE id = ?1`,
      )
      .run(codebaseId);
  }

  private writeFile(codebaseId: number, tables: SearchTables, update: FileUpdate, change: CountChange): void {
    const { connection } = this;
    const epoch = connection.writerEpoch;
    const existing = connection
      .statement(`SELECT f.id, f.chunk_count, ${TRUSTED_FORMAT} AS format_version, f.format_options, f.role FROM files f LEFT JOIN writers w ON w.epoch = f.writer_epoch WHERE f.codebase_id = ? AND f.path = ?`)
      .get(codebaseId, update.path) as { id: number; chunk_count: number; format_version: number; format_options: string; role: FileRole | null } | undefined;
    if (update.chunks === null) {
      if (existing) connection.statement('UPDATE files SET size = ?, mtime_ms = ?, writer_epoch = ? WHERE id = ?').run(update.size, update.mtimeMs, epoch, existing.id);
      return;
    }
    let fileId: number;
    let reuse: { kept: readonly KeptChunk[]; added: readonly PreparedChunk[] } = { kept: [], added: update.chunks };
    let previous: { role: FileRole | null; sameFormat: boolean } | undefined;
    change.chunks += update.chunks.length - (existing?.chunk_count ?? 0);
    if (!existing) change.files++;
    if (existing) {
      // Rows made the same way hold the same terms for the same text; a new format (another tokenizer) may not.
      const sameFormat = existing.format_version === update.formatVersion && existing.format_options === update.formatOptions;
      previous = { role: existing.role, sameFormat };
      if (sameFormat) reuse = this.keepUnchangedChunks(tables.live, existing.id, update.chunks);
      else this.deleteChunksOf(tables.live, existing.id);
      connection
        .statement('UPDATE files SET size = ?, mtime_ms = ?, hash = ?, language = ?, role = ?, chunk_count = ?, format_version = ?, format_options = ?, writer_epoch = ? WHERE id = ?')
        .run(update.size, update.mtimeMs, update.hash, update.language, update.role, update.chunks.length, update.formatVersion, update.formatOptions, epoch, existing.id);
      fileId = existing.id;
    } else {
      const inserted = connection
        .statement(
          'INSERT INTO files(codebase_id, path, size, mtime_ms, hash, language, role, chunk_count, format_version, format_options, writer_epoch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .run(codebaseId, update.path, update.size, update.mtimeMs, update.hash, update.language, update.role, update.chunks.length, update.formatVersion, update.formatOptions, epoch);
      fileId = Number(inserted.lastInsertRowid);
    }
    const insertChunk = connection.statement(
      'INSERT INTO chunks(codebase_id, file_id, start_line, end_line, symbols, content, content_hash, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertLive = connection.statement(searchRowInsertSql(tables.live));
    const insertFresh = tables.fresh === undefined ? undefined : connection.statement(searchRowInsertSql(tables.fresh));
    for (const chunk of reuse.added) {
      const { lastInsertRowid } = insertChunk.run(codebaseId, fileId, chunk.startLine, chunk.endLine, chunk.symbols, chunk.content, chunk.contentHash, chunk.role ?? null);
      insertLive.run(lastInsertRowid, chunk.symbolTerms, update.pathTerms, chunk.bodyTerms, update.extension);
      insertFresh?.run(lastInsertRowid, chunk.symbolTerms, update.pathTerms, chunk.bodyTerms, update.extension);
    }
    if (insertFresh) for (const { id, chunk } of reuse.kept) insertFresh.run(id, chunk.symbolTerms, update.pathTerms, chunk.bodyTerms, update.extension);
    this.symbols.replaceFile(codebaseId, fileId, update.role, update.hash, update.symbols, previous);
  }

  /**
   * Keeps the stored chunks of a file that a new chunk equals (see
   * chunk-reuse.ts), moving their lines and role, deletes the others, and
   * returns the kept rows and the new chunks still to write.
   */
  private keepUnchangedChunks(fts: string, fileId: number, chunks: readonly PreparedChunk[]): { kept: KeptChunk[]; added: readonly PreparedChunk[] } {
    const { connection } = this;
    const stored = connection
      .statement("SELECT id, content_hash AS contentHash, coalesce(symbols, '') AS symbols, start_line AS startLine, end_line AS endLine, role FROM chunks WHERE file_id = ?")
      .all(fileId) as unknown as StoredChunkRow[];
    const { kept, goneIds, added } = matchStoredChunks(stored, chunks);
    const move = connection.statement('UPDATE chunks SET start_line = ?, end_line = ?, role = ? WHERE id = ?');
    for (const { row, chunk } of kept) {
      const role = chunk.role ?? null;
      if (row.startLine !== chunk.startLine || row.endLine !== chunk.endLine || row.role !== role) move.run(chunk.startLine, chunk.endLine, role, row.id);
    }
    const deleteTerms = connection.statement(`DELETE FROM ${fts} WHERE rowid = ?`);
    const deleteChunk = connection.statement('DELETE FROM chunks WHERE id = ?');
    for (const id of goneIds) {
      deleteTerms.run(id);
      deleteChunk.run(id);
    }
    return { kept: kept.map(({ row, chunk }) => ({ id: row.id, chunk })), added };
  }

  private deleteFile(codebaseId: number, fts: string, path: string, change: CountChange): void {
    const existing = this.connection.statement('SELECT id, chunk_count FROM files WHERE codebase_id = ? AND path = ?').get(codebaseId, path) as
      | { id: number; chunk_count: number }
      | undefined;
    if (!existing) return;
    change.files--;
    change.chunks -= existing.chunk_count;
    this.deleteChunksOf(fts, existing.id);
    this.symbols.deleteFile(codebaseId, existing.id);
    this.connection.statement('DELETE FROM files WHERE id = ?').run(existing.id);
  }

  private deleteChunksOf(fts: string, fileId: number): void {
    this.connection.statement(`DELETE FROM ${fts} WHERE rowid IN (SELECT id FROM chunks WHERE file_id = ?)`).run(fileId);
    this.connection.statement('DELETE FROM chunks WHERE file_id = ?').run(fileId);
  }
}
