/**
 * BATON_HOME/watch.json: how the leader keeps each indexed codebase fresh
 * (change events, a bounded poll, or not at all). Only the leader writes it
 * (temp file + rename); every server and the CLI read it for their status.
 * A record whose writer is not the live leader means nobody watches.
 */
import * as z from 'zod';

export const WATCH_STATE_VERSION = 1;
export const WATCH_STATE_FILE = 'watch.json';

/**
 * `starting`: the leader is setting up its watch and catching up on what changed while nobody watched;
 * `watching`: change events arrive from the operating system;
 * `polling`: a bounded periodic size/mtime pass instead (or as well), for the `reason` given;
 * `off`: the leader runs with watching turned off (BATON_WATCH=0).
 */
export const watchModeSchema = z.enum(['starting', 'watching', 'polling', 'off']);
export type WatchMode = z.infer<typeof watchModeSchema>;

export const codebaseWatchSchema = z.object({
  root: z.string(),
  mode: watchModeSchema,
  /** Why it polls (a limit reached, the folder deleted or moved, a network file system…). */
  reason: z.string().optional(),
  /** The poll's interval, when it polls. */
  pollMs: z.number().int().positive().optional(),
  /** Folders with a watch of their own (Linux) — what counts against fs.inotify.max_user_watches. */
  folders: z.number().int().nonnegative().optional(),
  /** Unix ms of the last change of mode. */
  since: z.number(),
});
export type CodebaseWatch = z.infer<typeof codebaseWatchSchema>;

export const watchStateSchema = z.object({
  version: z.literal(WATCH_STATE_VERSION),
  /** The leader that wrote it: the record only counts while that leader is alive and in office. */
  pid: z.number().int().positive(),
  host: z.string(),
  epoch: z.number().int().nonnegative(),
  updatedAt: z.number(),
  codebases: z.array(codebaseWatchSchema),
});
export type WatchState = z.infer<typeof watchStateSchema>;

/** What a status shows about one codebase: the leader's mode, or `none` when no live leader watches it. */
export const watchSummarySchema = z.object({
  mode: z.enum([...watchModeSchema.options, 'none']),
  reason: z.string().optional(),
  pollMs: z.number().optional(),
});
export type WatchSummary = z.infer<typeof watchSummarySchema>;
