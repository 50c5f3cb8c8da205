import assert from 'node:assert/strict';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, test } from 'node:test';
import { UserError } from '../../src/engine/errors.ts';
import { DATABASE_FILE, openDatabase, schemaState } from '../../src/engine/store/database.ts';
import { tempFolder } from '../helpers/paths.ts';

const folders: { remove: () => void }[] = [];
after(() => {
  for (const folder of folders) folder.remove();
});

/**
 * A new home whose (still empty, not yet WAL) database file another
 * connection holds the write lock of: the moment when another server,
 * started at the same time, is switching the file to WAL mode.
 */
function newHomeLockedByAnother(): { home: string; holder: DatabaseSync } {
  const folder = tempFolder('open-locked');
  folders.push(folder);
  const holder = new DatabaseSync(path.join(folder.path, DATABASE_FILE));
  holder.exec('BEGIN IMMEDIATE');
  return { home: folder.path, holder };
}

function journalMode(db: DatabaseSync): string {
  return (db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode;
}

test('opening a new database while another process is switching it to WAL waits for it instead of failing with "database is locked"', () => {
  const { home, holder } = newHomeLockedByAnother();
  let busy = 0;
  // SQLite fails the switch at once (no busy handler): the hook lets the other "process" finish its step then.
  const db = openDatabase(home, {
    onBusy: () => {
      busy++;
      if (holder.isTransaction) holder.exec('COMMIT');
    },
  });
  try {
    assert.ok(busy >= 1, 'the open ran into the lock (the race this test is about)');
    assert.equal(journalMode(db), 'wal');
    const { applied, known } = schemaState(db);
    assert.equal(applied, known, 'the new database got its schema');
  } finally {
    db.close();
    holder.close();
  }
});

test('a lock held past the deadline fails the open with a UserError that says what to do', () => {
  const { home, holder } = newHomeLockedByAnother();
  let busy = 0;
  try {
    assert.throws(
      () => openDatabase(home, { busyDeadlineMs: 200, onBusy: () => busy++ }),
      (error: unknown) => error instanceof UserError && /stayed locked by other processes/.test(error.message) && /Try again/.test(error.message),
    );
    assert.ok(busy >= 1, 'it retried before giving up');
  } finally {
    holder.exec('ROLLBACK');
    holder.close();
  }
  // Nothing was left half done: once the lock is gone the database opens as a new one.
  const db = openDatabase(home);
  assert.equal(journalMode(db), 'wal');
  db.close();
});

test('a database already in WAL mode opens while another process holds its write lock', () => {
  const folder = tempFolder('open-wal-locked');
  folders.push(folder);
  openDatabase(folder.path).close();
  const writer = openDatabase(folder.path);
  writer.exec('BEGIN IMMEDIATE');
  let busy = 0;
  const db = openDatabase(folder.path, { onBusy: () => busy++ });
  assert.equal(busy, 0, 'no step needed the write lock');
  assert.equal(journalMode(db), 'wal');
  db.close();
  writer.exec('ROLLBACK');
  writer.close();
});

test('a database that needs a newer Baton is refused at once, not retried as if it were locked', () => {
  const folder = tempFolder('open-newer');
  folders.push(folder);
  const db = openDatabase(folder.path);
  db.exec(`PRAGMA user_version = ${schemaState(db).known + 1}`);
  db.close();
  let busy = 0;
  assert.throws(
    () => openDatabase(folder.path, { onBusy: () => busy++ }),
    (error: unknown) => error instanceof UserError && /written by a newer Baton/.test(error.message),
  );
  assert.equal(busy, 0);
});
