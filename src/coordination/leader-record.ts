import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { leaderInfoSchema, type LeaderInfo } from '../protocol/leader.ts';

/** Writes leader.json atomically: readers see the old record or the new one, never half of one. */
export function writeLeaderRecord(file: string, info: LeaderInfo): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** The current record, or undefined when there is none or it cannot be read. */
export function readLeaderRecord(file: string): LeaderInfo | undefined {
  try {
    const parsed = leaderInfoSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
