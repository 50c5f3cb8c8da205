import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { FencedError } from '../errors.ts';

/**
 * Checks, inside a write transaction, that this process may still write.
 * Throws FencedError when another writer has taken over (see coordination).
 */
export type WriteFence = (db: DatabaseSync) => void;

/** The fence of a store nobody has chosen as the writer yet: every write is refused (fail closed). */
export const NO_WRITER: WriteFence = () => {
  throw new FencedError(0, -1, 'write refused: this process is not the index writer (it holds no leader seat)');
};

/**
 * The fence of a process known to be the only writer of its BATON_HOME (a
 * test, a benchmark, a tool with a private home): nothing to check.
 */
export const SOLE_WRITER: WriteFence = () => {};

/**
 * The index database as every table of the store uses it: cached prepared
 * statements, and IMMEDIATE transactions that first pass the write fence, so
 * a crash or a deposed writer can never leave a half-applied batch.
 */
export class StoreConnection {
  readonly db: DatabaseSync;
  private fence: WriteFence = NO_WRITER;
  /** Recorded on the rows this process writes, so that any row can be traced to its leader. */
  private epoch = 0;
  private readonly statements = new Map<string, StatementSync>();
  /** Inside oneSnapshot(): a read transaction, where writes must not run. */
  private reading = false;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  get writerEpoch(): number {
    return this.epoch;
  }

  setWriteFence(fence: WriteFence, writerEpoch = 0): void {
    this.fence = fence;
    this.epoch = writerEpoch;
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Whether a table of this name exists (a codebase's FTS tables come and go with it). */
  hasTable(name: string): boolean {
    return this.statement("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
  }

  /** Runs `body` in an IMMEDIATE transaction that first passes the write fence (unless `fenced` is false). */
  transaction<T>(body: () => T, fenced = true): T {
    if (this.reading) throw new Error('a write inside oneSnapshot(): snapshots are for reads only');
    if (this.db.isTransaction) return body();
    this.db.exec('BEGIN IMMEDIATE');
    try {
      if (fenced) this.fence(this.db);
      const result = body();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /**
   * Runs `body`'s reads on one snapshot of the database (a deferred read
   * transaction), for queries whose answers must agree with each other while
   * another process writes. Inside a transaction already, `body` just runs.
   * `body` must only read: `transaction()` refuses to run inside it, since it
   * would skip its BEGIN IMMEDIATE and its fence there.
   */
  oneSnapshot<T>(body: () => T): T {
    if (this.db.isTransaction) return body();
    this.db.exec('BEGIN');
    this.reading = true;
    try {
      return body();
    } finally {
      this.reading = false;
      if (this.db.isTransaction) this.db.exec('COMMIT');
    }
  }

  /** Runs `body` waiting at most `milliseconds` for another process's write lock. */
  withBusyTimeout<T>(milliseconds: number, body: () => T): T {
    const previous = (this.db.prepare('PRAGMA busy_timeout').get() as { timeout: number }).timeout;
    this.db.exec(`PRAGMA busy_timeout = ${Math.trunc(milliseconds)}`);
    try {
      return body();
    } finally {
      this.db.exec(`PRAGMA busy_timeout = ${Math.trunc(previous)}`);
    }
  }
}
