import type { LeaderInfo, Role, RoleEvent, SeatReleasedEvent } from '../protocol/leader.ts';

/** A role change, as listeners (the extension, the role-event line) see it. */
export interface RoleChange {
  readonly role: 'leader' | 'follower';
  readonly previousRole: Role;
  readonly epoch: number;
  readonly leader: LeaderInfo;
  /** When this process just became leader: the leader it replaced, if any. */
  readonly replaced?: LeaderInfo | undefined;
}

/** The role-event line every server prints to stderr on each role change. */
export function roleEventLine(change: RoleChange, at = Date.now()): string {
  const event: RoleEvent = { event: 'role', role: change.role, epoch: change.epoch, pid: process.pid, at };
  return JSON.stringify(event);
}

/** The line a leader prints just before it gives up the seat: the end of its tenure. */
export function seatReleasedLine(epoch: number, at = Date.now()): string {
  const event: SeatReleasedEvent = { event: 'seat-released', epoch, pid: process.pid, at };
  return JSON.stringify(event);
}
