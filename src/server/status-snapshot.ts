import os from 'node:os';
import { homeFiles } from '../coordination/home.ts';
import { readLeaderRecord } from '../coordination/leader-record.ts';
import { isProcessAlive } from '../coordination/process-liveness.ts';
import type { Engine } from '../engine/engine.ts';
import { percentOf } from '../engine/progress.ts';
import type { Role } from '../protocol/leader.ts';
import type { StatusSnapshot } from '../protocol/status.ts';

/** The leader (from leader.json) and every indexed codebase (from the database). */
export function statusSnapshot(home: string, engine: Engine, self?: { role: Role }): StatusSnapshot {
  const record = readLeaderRecord(homeFiles(home).leaderRecord);
  const alive = record ? record.host !== os.hostname() || isProcessAlive(record.pid) : false;
  return {
    ...(self ? { role: self.role, pid: process.pid } : {}),
    leader: record ? { pid: record.pid, epoch: record.epoch, label: record.label, host: record.host, since: record.startedAt, alive } : null,
    codebases: engine.listCodebases().map((codebase) => ({
      root: codebase.root,
      status: codebase.status,
      percent: codebase.status === 'indexed' ? 100 : percentOf(codebase),
      fileCount: codebase.fileCount,
      chunkCount: codebase.chunkCount,
      indexedAt: codebase.finishedAt,
      message: codebase.message,
    })),
  };
}
