import type { DatabaseSync } from 'node:sqlite';
import { FencedError } from '../errors.ts';
import type { StoreConnection, WriteFence } from './connection.ts';

function storedEpoch(db: DatabaseSync): number {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get('epoch') as { value: string } | undefined;
  return row ? Number(row.value) : 0;
}

/** A fence that accepts writes only while the stored epoch is `epoch`. */
export function epochFence(epoch: number): WriteFence {
  return (db) => {
    const stored = storedEpoch(db);
    if (stored !== epoch) throw new FencedError(epoch, stored);
  };
}

/** The fencing token: an epoch stored in the index, incremented by every new leader. */
export class EpochTable {
  private readonly connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.connection = connection;
  }

  current(): number {
    const row = this.connection.statement('SELECT value FROM meta WHERE key = ?').get('epoch') as { value: string } | undefined;
    return row ? Number(row.value) : 0;
  }

  /**
   * Records that the writer of `epoch` produces index format `formatVersion`:
   * rows carrying this epoch may be trusted for their format columns (see
   * migration 2). A fenced write: only the writer records itself.
   */
  recordWriter(epoch: number, formatVersion: number, batonVersion: string): void {
    this.connection.transaction(() => {
      this.connection
        .statement('INSERT OR REPLACE INTO writers(epoch, format_version, baton_version, started_at) VALUES (?, ?, ?, ?)')
        .run(epoch, formatVersion, batonVersion, Date.now());
    });
  }

  /**
   * Increments the stored epoch and returns it: the calling process is the
   * writer from now on. Waits at most `busyTimeoutMs` for another process's
   * write transaction (a frozen former leader may hold one), then throws
   * SQLITE_BUSY so that the caller can retry without blocking its event loop.
   */
  claimNext(busyTimeoutMs = 100): number {
    return this.connection.withBusyTimeout(busyTimeoutMs, () =>
      this.connection.transaction(() => {
        const next = this.current() + 1;
        this.connection
          .statement('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
          .run('epoch', String(next));
        return next;
      }, false),
    );
  }
}
