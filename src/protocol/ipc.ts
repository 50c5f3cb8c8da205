/**
 * Messages on the leader endpoint (a Unix socket or named pipe), one JSON
 * object per line. Followers send requests; the leader answers each by id and
 * broadcasts events to every follower. Everything is validated on receipt.
 */
import * as z from 'zod';
import { leaderInfoSchema } from './leader.ts';
import { indexProgressSchema } from './progress.ts';
import { MAX_CUSTOM_EXTENSIONS, MAX_EXTENSION_LENGTH, MAX_IGNORE_PATTERNS, MAX_PATTERN_LENGTH } from './tools.ts';

/**
 * A line longer than this closes the connection (every release agrees on
 * it). Followers never send one: a request that would be longer is refused
 * before it is sent, with a message (see requestTooLarge), and file
 * refreshes go in batches of REFRESH_BATCH paths.
 */
export const MAX_LINE_BYTES = 1024 * 1024;
/** Paths per forwarded refresh request (a thousand long paths stay far below MAX_LINE_BYTES). */
export const REFRESH_BATCH = 1000;

/** Why a request cannot be sent to the leader, or undefined when it can. */
export function requestTooLarge(method: string, params: unknown): string | undefined {
  const bytes = Buffer.byteLength(JSON.stringify(params));
  if (bytes < MAX_LINE_BYTES - 1024) return undefined;
  const size = (bytes / 1024 / 1024).toFixed(1);
  return `this ${method} request is too large (${size} MiB; requests are limited to 1 MiB): put long lists of ignorePatterns in a .batonignore file in the folder instead.`;
}
/** How long a connection may stay silent before its hello. */
export const HELLO_TIMEOUT_MS = 10_000;

const id = z.number().int().nonnegative();

const indexParams = z.object({
  path: z.string(),
  force: z.boolean().optional(),
  /** Sent by older followers on a retry after a failover; every index request joins a running run now. */
  attach: z.boolean().optional(),
  splitter: z.enum(['ast', 'langchain']).optional(),
  customExtensions: z.array(z.string().max(MAX_EXTENSION_LENGTH)).max(MAX_CUSTOM_EXTENSIONS).optional(),
  ignorePatterns: z.array(z.string().max(MAX_PATTERN_LENGTH)).max(MAX_IGNORE_PATTERNS).optional(),
});

export const requestSchema = z.discriminatedUnion('method', [
  z.object({
    id,
    method: z.literal('hello'),
    params: z.object({
      pid: z.number().int().positive(),
      label: z.string().max(500),
      // Absent from Baton 0.1 followers (protocol 1).
      protocol: z.number().int().nonnegative().optional(),
      version: z.string().max(100).optional(),
    }),
  }),
  z.object({ id, method: z.literal('index'), params: indexParams }),
  z.object({ id, method: z.literal('clear'), params: z.object({ path: z.string() }) }),
  z.object({ id, method: z.literal('refresh'), params: z.object({ path: z.string(), files: z.array(z.string()).max(100_000) }) }),
]);

export type LeaderRequest = z.infer<typeof requestSchema>;
export type LeaderMethod = LeaderRequest['method'];
/** Methods a follower forwards (hello is the greeting, not a request). */
export type ForwardedMethod = Exclude<LeaderMethod, 'hello'>;
type ParamsByMethod = { [R in LeaderRequest as R['method']]: R['params'] };
export type RequestParams<M extends LeaderMethod> = ParamsByMethod[M];
export type IndexParams = z.infer<typeof indexParams>;

export const helloResultSchema = z.object({ leader: leaderInfoSchema });
export const indexResultSchema = z.object({ root: z.string(), fileCount: z.number(), chunkCount: z.number(), attached: z.boolean().optional() });
export const clearResultSchema = z.object({ root: z.string(), fileCount: z.number(), chunkCount: z.number() });
export const refreshResultSchema = z.object({
  changed: z.number(),
  unchanged: z.number(),
  deleted: z.number(),
  skipped: z.number(),
  // Protocol 2; a leader of protocol 1 does not send them.
  unreadable: z.number().optional(),
  vanished: z.number().optional(),
  failed: z.number().optional(),
  deferred: z.enum(['as-run', 'after-run']).optional(),
});

/** What each method answers. */
export interface LeaderResults {
  hello: z.infer<typeof helloResultSchema>;
  index: z.infer<typeof indexResultSchema>;
  clear: z.infer<typeof clearResultSchema>;
  refresh: z.infer<typeof refreshResultSchema>;
}

export const RESULT_SCHEMAS = {
  hello: helloResultSchema,
  index: indexResultSchema,
  clear: clearResultSchema,
  refresh: refreshResultSchema,
} as const;

/**
 * `user`: the request was wrong (the message says what to do);
 * `not-leader`: this process is no longer the leader, ask the new one;
 * `bad-request`: malformed message; `internal`: a bug or I/O failure;
 * `incompatible`: the two processes' protocols cannot work together (the
 * message says which window to reload).
 */
export const errorKindSchema = z.enum(['user', 'not-leader', 'bad-request', 'internal', 'incompatible']);
export type ErrorKind = z.infer<typeof errorKindSchema>;

export const responseSchema = z.union([
  z.object({ id, ok: z.literal(true), result: z.unknown() }),
  z.object({ id: id.nullable(), ok: z.literal(false), error: z.object({ kind: errorKindSchema, message: z.string() }) }),
]);
export type LeaderResponse = z.infer<typeof responseSchema>;

export const eventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal('progress'), progress: indexProgressSchema }),
  z.object({ event: z.literal('leader'), leader: leaderInfoSchema }),
]);
export type LeaderEvent = z.infer<typeof eventSchema>;

/** Anything the leader sends: a response or an event. */
export const leaderMessageSchema = z.union([responseSchema, eventSchema]);
