import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { UserError } from '../errors.ts';
import { isBusy, retryWhileBusy } from './busy-retry.ts';
import { MIGRATIONS, requiredSchema } from './schema.ts';

export const DATABASE_FILE = 'index.db';

/** Where a database stands against this Baton's schema. */
export interface SchemaState {
  /** Migrations the database has had. */
  readonly applied: number;
  /** Migrations this Baton knows. */
  readonly known: number;
}

/** How long a statement waits for another process's lock (SQLite's busy handler), and opening for other processes' openings. */
const BUSY_TIMEOUT_MS = 10_000;

export interface OpenOptions {
  /** How long opening may keep retrying while other processes open the same database (default: the busy timeout). */
  readonly busyDeadlineMs?: number;
  /** Called each time opening found the database locked, before it retries (tests release a lock here). */
  readonly onBusy?: (error: Error) => void;
}

/**
 * Opens (creating if needed) the index database in WAL mode: readers in any
 * number of processes, one writer. `busy_timeout` lets a reader or a
 * newly-elected writer wait out another process's short transaction instead
 * of failing.
 *
 * A new database gets the whole schema at once (nobody else can be using
 * it). An existing one older than this Baton is left as it is: only the
 * writer migrates it (`migrateToCurrent`, which a leader calls when it takes
 * the seat), so that a follower of a newer version never changes the
 * database under an older leader. A database that needs a newer Baton is
 * refused with a message that says what to do.
 */
export function openDatabase(home: string, options: OpenOptions = {}): DatabaseSync {
  const deadlineMs = options.busyDeadlineMs ?? BUSY_TIMEOUT_MS;
  const db = openFile(home);
  try {
    // Several servers start together on a new home: see switchToWal for why SQLite can say BUSY at once.
    retryWhileBusy(() => prepareDatabase(db, home), { deadlineMs, onBusy: options.onBusy });
  } catch (error) {
    db.close();
    if (!isBusy(error)) throw error;
    throw new UserError(
      `the index database in ${home} stayed locked by other processes for ${deadlineMs / 1000} s while this Baton opened it (${(error as Error).message}). ` +
        `Try again; if it persists, stop the program that keeps ${path.join(home, DATABASE_FILE)} locked (another Baton, an sqlite3 shell).`,
    );
  }
  return db;
}

function openFile(home: string): DatabaseSync {
  try {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    return new DatabaseSync(path.join(home, DATABASE_FILE), { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new UserError(
      `BATON_HOME (${home}) is not a writable folder: cannot open the index database (${(error as Error).message}). Set BATON_HOME to a folder you can write, or fix its permissions.`,
    );
  }
}

/** Settings, schema check and a new database's schema: every step may be repeated (see openDatabase). */
function prepareDatabase(db: DatabaseSync, home: string): void {
  switchToWal(db);
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA temp_store = MEMORY');
  const required = userVersion(db);
  if (required > MIGRATIONS.length) {
    throw new UserError(
      `the index database in ${home} was written by a newer Baton (it needs schema ${required}, this Baton knows ${MIGRATIONS.length}). ` +
        `Update Baton (reload the VS Code windows whose Baton is older), or point BATON_HOME at another folder.`,
    );
  }
  if (required === 0) migrate(db, { onlyIfEmpty: true });
}

/**
 * On a database that is not yet in WAL mode (a new, empty file), this reads
 * its header under a shared lock, then upgrades to write the WAL flag into
 * it. When another process holds the write lock meanwhile — it is doing the
 * same, because several servers started together — SQLite fails the upgrade
 * at once with SQLITE_BUSY instead of calling the busy handler (waiting
 * while holding a read lock could deadlock), so `busy_timeout` does not
 * apply and openDatabase retries instead. Once a process has switched the
 * file, this is a read that sees WAL and writes nothing.
 */
function switchToWal(db: DatabaseSync): void {
  db.exec('PRAGMA journal_mode = WAL');
}

/** How many migrations the database has had. */
export function schemaState(db: DatabaseSync): SchemaState {
  return { applied: appliedMigrations(db), known: MIGRATIONS.length };
}

/** Brings the database to this Baton's schema. For the writer only (a leader, or a sole writer). */
export function migrateToCurrent(db: DatabaseSync): void {
  migrate(db, { onlyIfEmpty: false });
}

function migrate(db: DatabaseSync, options: { onlyIfEmpty: boolean }): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    // Read again under the write lock: another process may have migrated meanwhile.
    const applied = appliedMigrations(db);
    if (options.onlyIfEmpty && applied > 0) {
      db.exec('ROLLBACK');
      return;
    }
    for (let index = applied; index < MIGRATIONS.length; index++) db.exec(MIGRATIONS[index]!.sql);
    if (applied < MIGRATIONS.length) {
      db.prepare("INSERT INTO meta(key, value) VALUES ('schema', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(String(MIGRATIONS.length));
      db.exec(`PRAGMA user_version = ${Math.max(userVersion(db), requiredSchema(MIGRATIONS.length))}`);
    }
    db.exec('COMMIT');
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function userVersion(db: DatabaseSync): number {
  return Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
}

/** The `schema` meta row; a database from before it records its migrations in user_version. */
function appliedMigrations(db: DatabaseSync): number {
  const version = userVersion(db);
  if (version === 0) return 0;
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as { value: string } | undefined;
  return row ? Number(row.value) : version;
}
