import os from 'node:os';
import { homeFiles } from '../coordination/home.ts';
import { readLeaderRecord } from '../coordination/leader-record.ts';
import { isProcessAlive } from '../coordination/process-liveness.ts';
import type { Engine } from '../engine/engine.ts';
import { percentOf } from '../engine/progress.ts';
import type { Role } from '../protocol/leader.ts';
import type { StatusSnapshot } from '../protocol/status.ts';
import { NOT_WATCHED, readWatchSummaries } from './watch-record.ts';

/** What a server adds about itself. */
export interface SelfStatus {
  readonly role: Role;
  readonly lastRoleChange?: StatusSnapshot['lastRoleChange'];
  readonly httpPort?: number | undefined;
  readonly httpClients?: StatusSnapshot['httpClients'];
}

/** Whether the leader named in a leader.json record is alive (one on another host is taken to be). */
function isLeaderAlive(record: ReturnType<typeof readLeaderRecord>): boolean {
  return record ? record.host !== os.hostname() || isProcessAlive(record.pid) : false;
}

/** Whether any server leads `home` now, from leader.json alone (no database read). */
export function leaderAlive(home: string): boolean {
  return isLeaderAlive(readLeaderRecord(homeFiles(home).leaderRecord));
}

/** The leader (from leader.json) and every indexed codebase (from the database). */
export function statusSnapshot(home: string, engine: Engine, self?: SelfStatus): StatusSnapshot {
  const record = readLeaderRecord(homeFiles(home).leaderRecord);
  const alive = isLeaderAlive(record);
  const watches = readWatchSummaries(home);
  return {
    ...(self
      ? {
          role: self.role,
          pid: process.pid,
          ...(self.lastRoleChange ? { lastRoleChange: self.lastRoleChange } : {}),
          ...(self.httpPort ? { httpPort: self.httpPort } : {}),
          ...(self.httpClients ? { httpClients: self.httpClients } : {}),
        }
      : {}),
    leader: record ? { pid: record.pid, epoch: record.epoch, label: record.label, host: record.host, since: record.startedAt, alive } : null,
    codebases: engine.listCodebases().map((codebase) => ({
      root: codebase.root,
      status: codebase.status,
      percent: codebase.status === 'indexed' ? 100 : percentOf(codebase),
      fileCount: codebase.fileCount,
      chunkCount: codebase.chunkCount,
      indexedAt: codebase.finishedAt,
      message: codebase.message,
      watch: watches.get(codebase.root) ?? NOT_WATCHED,
    })),
  };
}
