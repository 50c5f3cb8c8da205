import * as z from 'zod';

/** leader.json: who holds the seat and where to reach it. Written by temp file + rename. */
export const leaderInfoSchema = z.object({
  pid: z.number().int().positive(),
  host: z.string(),
  epoch: z.number().int().positive(),
  endpoint: z.string(),
  label: z.string(),
  /** Unix ms when this process became leader. */
  startedAt: z.number(),
  /** The leader's protocol (see version.ts); absent from Baton 0.1. */
  protocol: z.number().int().nonnegative().optional(),
  /** The leader's Baton release, for messages ("the leader runs Baton 0.2.0"). */
  version: z.string().max(100).optional(),
});

export type LeaderInfo = z.infer<typeof leaderInfoSchema>;

export type Role = 'starting' | 'leader' | 'follower' | 'stopped';

/**
 * The line every server prints to stderr on each role change (tests and tools
 * rely on it): {"event":"role","role":"leader","epoch":3,"pid":123,"at":1700000000000}
 */
export interface RoleEvent {
  readonly event: 'role';
  readonly role: 'leader' | 'follower';
  readonly epoch: number;
  readonly pid: number;
  readonly at: number;
}

export const roleEventSchema = z.object({
  event: z.literal('role'),
  role: z.enum(['leader', 'follower']),
  epoch: z.number().int().nonnegative(),
  pid: z.number().int().positive(),
  at: z.number(),
});

/** Printed by a leader just before it gives up the seat (clean stop or step-down). */
export interface SeatReleasedEvent {
  readonly event: 'seat-released';
  readonly epoch: number;
  readonly pid: number;
  readonly at: number;
}
