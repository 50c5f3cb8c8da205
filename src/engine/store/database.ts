import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { UserError } from '../errors.ts';
import { MIGRATIONS } from './schema.ts';

export const DATABASE_FILE = 'index.db';

/**
 * Opens (creating if needed) the index database in WAL mode: readers in any
 * number of processes, one writer. `busy_timeout` lets a reader or a
 * newly-elected writer wait out another process's short transaction instead
 * of failing.
 */
export function openDatabase(home: string): DatabaseSync {
  const file = path.join(home, DATABASE_FILE);
  let db: DatabaseSync;
  try {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    db = new DatabaseSync(file, { timeout: 10_000 });
  } catch (error) {
    throw new UserError(
      `BATON_HOME (${home}) is not a writable folder: cannot open the index database (${(error as Error).message}). Set BATON_HOME to a folder you can write, or fix its permissions.`,
    );
  }
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA temp_store = MEMORY');
  migrate(db);
  return db;
}

function migrate(db: DatabaseSync): void {
  const current = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
  if (current > MIGRATIONS.length) {
    throw new UserError(
      `the index database was written by a newer Baton (schema ${current}, this one knows ${MIGRATIONS.length}). Update Baton, or point BATON_HOME at another folder.`,
    );
  }
  if (current === MIGRATIONS.length) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    // Re-read inside the write lock: another process may have migrated meanwhile.
    const locked = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
    for (let version = locked; version < MIGRATIONS.length; version++) db.exec(MIGRATIONS[version]!);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
