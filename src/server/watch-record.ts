import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { homeFiles } from '../coordination/home.ts';
import { readLeaderRecord } from '../coordination/leader-record.ts';
import { isProcessAlive } from '../coordination/process-liveness.ts';
import { WATCH_STATE_FILE, WATCH_STATE_VERSION, watchStateSchema, type WatchState, type WatchSummary } from '../protocol/watch-state.ts';

export function watchStatePath(home: string): string {
  return path.join(home, WATCH_STATE_FILE);
}

/** Written by the leader only, atomically (temp file + rename): readers see a whole record or the previous one. */
export function writeWatchState(home: string, state: WatchState): void {
  const file = watchStatePath(home);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** A leader leaving removes its record, so nobody reads its watch as still running. */
export function removeWatchState(home: string, pid: number): void {
  const file = watchStatePath(home);
  try {
    const current = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown };
    if (current.pid === pid) rmSync(file, { force: true });
  } catch {
    // no record, or not ours to judge
  }
}

/** When the record last changed (0 when there is none): cheap to check for status updates. */
export function watchStateStamp(home: string): number {
  try {
    return statSync(watchStatePath(home)).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * How the live leader keeps each codebase fresh, by root. Empty when no
 * leader runs, when the record is not the current leader's (a leader that
 * died, or one of an older Baton that writes none), or when it was written by
 * a newer Baton (another version of the record): then nobody is known to watch.
 */
export function readWatchSummaries(home: string): Map<string, WatchSummary> {
  const summaries = new Map<string, WatchSummary>();
  const leader = readLeaderRecord(homeFiles(home).leaderRecord);
  if (!leader || (leader.host === os.hostname() && !isProcessAlive(leader.pid))) return summaries;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(watchStatePath(home), 'utf8'));
  } catch {
    return summaries;
  }
  if ((raw as { version?: unknown } | null)?.version !== WATCH_STATE_VERSION) return summaries;
  const parsed = watchStateSchema.safeParse(raw);
  if (!parsed.success || parsed.data.pid !== leader.pid || parsed.data.epoch !== leader.epoch) return summaries;
  for (const codebase of parsed.data.codebases) {
    summaries.set(codebase.root, {
      mode: codebase.mode,
      ...(codebase.reason ? { reason: codebase.reason } : {}),
      ...(codebase.pollMs ? { pollMs: codebase.pollMs } : {}),
    });
  }
  return summaries;
}

export const NOT_WATCHED: WatchSummary = { mode: 'none' };
