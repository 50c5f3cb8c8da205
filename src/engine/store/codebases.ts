import type { StoreConnection } from './connection.ts';
import type { ContentTable } from './contents.ts';
import type { CodebaseRecord, CodebaseStatus, IndexSettings } from './records.ts';
import { BUMP_VERSION, freshFtsTableName, ftsTableName, ftsTableSql } from './schema.ts';

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

/** Prefix of a codebase row being deleted: "deleted:<id>:<root>", never an absolute path. */
const TOMBSTONE = 'deleted:';

/** One row per indexed folder: its settings, its run's status and progress, its counts. */
export class CodebaseTable {
  private readonly connection: StoreConnection;
  private readonly contents: ContentTable;

  constructor(connection: StoreConnection, contents: ContentTable) {
    this.connection = connection;
    this.contents = contents;
  }

  byRoot(root: string): CodebaseRecord | undefined {
    const row = this.connection.statement('SELECT * FROM codebases WHERE root = ?').get(root) as CodebaseRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  byId(id: number): CodebaseRecord | undefined {
    const row = this.connection.statement('SELECT * FROM codebases WHERE id = ?').get(id) as CodebaseRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  list(): CodebaseRecord[] {
    return (this.connection.statement(`SELECT * FROM codebases WHERE root NOT GLOB '${TOMBSTONE}*' ORDER BY root`).all() as unknown as CodebaseRow[]).map(toRecord);
  }

  /** Ids of codebases whose deletion was started and not finished (the process doing it died or was deposed). */
  pendingDeletions(): number[] {
    return (this.connection.statement(`SELECT id FROM codebases WHERE root GLOB '${TOMBSTONE}*' ORDER BY id`).all() as { id: number }[]).map((row) => row.id);
  }

  /** Marks a codebase as being indexed with these settings, creating it if new. */
  beginIndexing(root: string, settings: IndexSettings): CodebaseRecord {
    const { connection } = this;
    return connection.transaction(() => {
      const now = Date.now();
      const existing = this.byRoot(root);
      if (existing) {
        connection
          .statement(
            `UPDATE codebases SET status = 'indexing', settings = ?, processed_files = 0, total_files = 0,
               message = '', started_at = ?, finished_at = NULL, ${BUMP_VERSION}, writer_epoch = ? WHERE id = ?`,
          )
          .run(JSON.stringify(settings), now, now, connection.writerEpoch, existing.id);
      } else {
        connection
          .statement(
            `INSERT INTO codebases(root, status, settings, created_at, started_at, updated_at, writer_epoch)
             VALUES (?, 'indexing', ?, ?, ?, ?, ?)`,
          )
          .run(root, JSON.stringify(settings), now, now, now, connection.writerEpoch);
      }
      const record = this.byRoot(root)!;
      connection.db.exec(ftsTableSql(ftsTableName(record.id)));
      if (!existing) this.contents.dropSymbols(record.id);
      return record;
    });
  }

  setProgress(id: number, totalFiles: number, processedFiles: number): void {
    this.connection.transaction(() => {
      this.connection.statement(`UPDATE codebases SET total_files = ?, processed_files = ?, ${BUMP_VERSION} WHERE id = ?`).run(totalFiles, processedFiles, Date.now(), id);
    });
  }

  finishIndexing(id: number, status: 'indexed' | 'failed', message: string): void {
    this.connection.transaction(() => {
      this.contents.refreshCounts(id);
      const now = Date.now();
      this.connection.statement(`UPDATE codebases SET status = ?, message = ?, finished_at = ?, ${BUMP_VERSION} WHERE id = ?`).run(status, message, now, now, id);
    });
  }

  /**
   * First step of deleting a codebase, in one transaction: its row is renamed
   * to a tombstone (no path can be one, so no lookup finds it, and indexing
   * it again starts a new codebase) and its search tables are dropped. Its
   * files and chunks then go in batches (`ContentTable.deleteSome`), and
   * `finishDelete` removes the row; a leader that dies in between leaves the
   * tombstone for the next one to finish.
   */
  beginDelete(id: number): void {
    this.connection.transaction(() => {
      this.connection.db.exec(`DROP TABLE IF EXISTS ${ftsTableName(id)}`);
      this.connection.db.exec(`DROP TABLE IF EXISTS ${freshFtsTableName(id)}`);
      this.contents.dropSymbols(id);
      this.connection
        .statement(`UPDATE codebases SET root = ? || id || ':' || root, status = 'failed', message = 'being deleted', ${BUMP_VERSION} WHERE id = ? AND root NOT GLOB '${TOMBSTONE}*'`)
        .run(TOMBSTONE, Date.now(), id);
    });
  }

  /** Last step of deleting a codebase: the row goes once its files and chunks have. */
  finishDelete(id: number): void {
    this.connection.transaction(() => {
      this.connection.statement('DELETE FROM codebases WHERE id = ?').run(id);
    });
  }
}
