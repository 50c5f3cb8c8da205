import * as realFs from 'node:fs';
import { rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import type { HomeFiles } from './home.ts';
import { readLeaderRecord } from './leader-record.ts';
import { isProcessAlive } from './process-liveness.ts';
import { BREAKER_RETRIES, BREAKER_STALE_MS, SEAT_STALE_MS, SEAT_UPDATE_MS } from './timing.ts';

/** Held while a process is the leader. */
export interface Seat {
  /**
   * Gives the seat up. Safe to call twice, and after the seat was lost.
   * `stillOurs` is asked first: when a successor has already taken the seat
   * (we were frozen and deposed), its lock is left alone. With `underBreaker`
   * the question and the removal happen under the breaker, so no takeover can
   * be half-done meanwhile; a leader that was never frozen skips it (nobody
   * can have found its lock stale), which keeps its exit one step shorter.
   */
  release(stillOurs: () => boolean, options: { underBreaker: boolean }): Promise<void>;
}

export interface TakeSeatOptions {
  readonly files: HomeFiles;
  /** The seat was taken from us (lock deleted or refreshed by someone else). */
  readonly onCompromised: (error: Error) => void;
  /**
   * Runs while the breaker is still held, right after the seat is taken: the
   * new leader publishes leader.json here, so that whoever takes the breaker
   * next sees a record that matches the lock.
   */
  readonly whileBreakerHeld: () => Promise<void>;
}

export type SeatAttempt = { readonly seat: Seat } | { readonly seat: undefined; readonly reason: 'held' | 'busy' };

/**
 * An object of its own: proper-lockfile caches the mtime precision on it (an ES module namespace
 * is frozen). Inheriting, not copying: a copy would read fs.promises and load node:fs/promises.
 */
const LOCK_FS: typeof realFs = Object.create(realFs) as typeof realFs;

/**
 * Every seat lock/unlock uses these options; proper-lockfile needs them identical everywhere.
 * Locks use Node's own fs, not proper-lockfile's default graceful-fs (whose only gain, queueing
 * on EMFILE, a few mkdir/stat calls do not need): the bundle leaves graceful-fs out (esbuild.mjs).
 */
function seatLockOptions(files: HomeFiles, onCompromised: (error: Error) => void): lockfile.LockOptions {
  return {
    lockfilePath: files.seatLock,
    realpath: false,
    stale: SEAT_STALE_MS,
    update: SEAT_UPDATE_MS,
    retries: 0,
    onCompromised,
    fs: LOCK_FS,
  };
}

/**
 * Tries to become the leader. Every attempt happens under the short
 * "breaker" lock, so at most one process at a time takes or breaks the seat:
 *
 * - a free seat (or one proper-lockfile deems stale) is simply taken;
 * - a seat whose holder, per leader.json, ran on this host and is dead is
 *   broken at once: the holder is re-checked while the breaker is held, so two
 *   followers can never both break it and both win;
 * - otherwise (a live holder, or one on another host) the seat stays taken.
 */
export async function tryTakeSeat(options: TakeSeatOptions): Promise<SeatAttempt> {
  const { files } = options;
  let releaseBreaker: () => Promise<void>;
  try {
    releaseBreaker = await acquireBreaker(files);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return { seat: undefined, reason: 'busy' };
    throw error;
  }
  try {
    const release = (await lockSeat(options)) ?? (holderIsDeadHere(files) ? await breakAndLock(options) : undefined);
    if (!release) return { seat: undefined, reason: 'held' };
    try {
      await options.whileBreakerHeld();
    } catch (error) {
      await release().catch(() => undefined);
      throw error;
    }
    return { seat: heldSeat(files) };
  } finally {
    await releaseBreaker().catch(() => undefined);
  }
}

/**
 * Runs `body` under the breaker: no seat is taken or broken meanwhile. A
 * leader rewrites leader.json this way, after checking that the record still
 * names it, so a deposed leader can never overwrite its successor's record.
 */
export async function underBreaker<T>(files: HomeFiles, body: () => T | Promise<T>): Promise<T> {
  const releaseBreaker = await acquireBreaker(files);
  try {
    return await body();
  } finally {
    await releaseBreaker().catch(() => undefined);
  }
}

function acquireBreaker(files: HomeFiles): Promise<() => Promise<void>> {
  return lockfile.lock(path.join(files.home, 'breaker'), {
    lockfilePath: files.breakerLock,
    realpath: false,
    stale: BREAKER_STALE_MS,
    retries: BREAKER_RETRIES,
    fs: LOCK_FS,
    // Losing the breaker mid-attempt is harmless: the seat itself is the mkdir.
    onCompromised: () => {},
  });
}

async function lockSeat(options: TakeSeatOptions): Promise<(() => Promise<void>) | undefined> {
  try {
    return await lockfile.lock(path.join(options.files.home, 'leader'), seatLockOptions(options.files, options.onCompromised));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOCKED') return undefined;
    throw error;
  }
}

async function breakAndLock(options: TakeSeatOptions): Promise<(() => Promise<void>) | undefined> {
  rmSync(options.files.seatLock, { recursive: true, force: true });
  return lockSeat(options);
}

/** Whether the recorded holder ran on this host and its process is gone. */
function holderIsDeadHere(files: HomeFiles): boolean {
  const holder = readLeaderRecord(files.leaderRecord);
  if (!holder || holder.host !== os.hostname()) return false;
  return holder.pid !== process.pid && !isProcessAlive(holder.pid);
}

/**
 * Whether the seat is held but has not been refreshed within the stale time:
 * its holder is frozen (or on another host and gone). Followers check this
 * as a safety net, since a frozen leader's endpoint stays open.
 */
export function seatLooksStale(files: HomeFiles, now = Date.now()): boolean {
  try {
    return statSync(files.seatLock).mtimeMs < now - SEAT_STALE_MS;
  } catch {
    return false;
  }
}

/**
 * The seat of this process. Releasing happens under the breaker, so no one
 * can be taking the seat at that moment: if the record still names us the
 * lock folder is ours to remove; if not, a successor owns it and we only drop
 * proper-lockfile's bookkeeping (its refresh timer and exit hook) without
 * touching the folder.
 */
function heldSeat(files: HomeFiles): Seat {
  let released = false;
  return {
    async release(stillOurs, { underBreaker }) {
      if (released) return;
      released = true;
      const releaseBreaker = underBreaker ? await acquireBreaker(files).catch(() => undefined) : undefined;
      try {
        const keepFolder = !stillOurs();
        const fs = keepFolder ? { ...realFs, rmdir: (_path: string, callback: (error?: Error) => void) => callback() } : realFs;
        // After a compromise proper-lockfile has already let go; ENOTACQUIRED is expected then.
        await lockfile.unlock(path.join(files.home, 'leader'), { lockfilePath: files.seatLock, realpath: false, fs } as lockfile.UnlockOptions).catch(() => undefined);
      } finally {
        await releaseBreaker?.().catch(() => undefined);
      }
    },
  };
}
