import * as z from 'zod';
import { watchSummarySchema } from './watch-state.ts';

/**
 * What `baton status --json` prints and the MCP resource baton://status
 * holds: who leads, and what is indexed.
 */
export const statusSnapshotSchema = z.object({
  /** This process's role; absent for the CLI, which does not take part. */
  role: z.enum(['starting', 'leader', 'follower', 'stopped']).optional(),
  pid: z.number().optional(),
  /** The latest role change of this process, for a "this window took over" notification. */
  lastRoleChange: z
    .object({
      role: z.enum(['leader', 'follower']),
      previousRole: z.enum(['starting', 'leader', 'follower', 'stopped']),
      epoch: z.number(),
      /** Label of the leader this process replaced, when it took over from one. */
      replacedLabel: z.string().optional(),
      at: z.number(),
    })
    .optional(),
  /** Port of this server's MCP-over-HTTP endpoint on 127.0.0.1, when it has one. */
  httpPort: z.number().optional(),
  /** MCP clients connected to that endpoint (VS Code's own MCP client), as they named themselves. */
  httpClients: z.array(z.object({ name: z.string(), version: z.string(), since: z.number(), toolCalls: z.number() })).optional(),
  leader: z
    .object({ pid: z.number(), epoch: z.number(), label: z.string(), host: z.string(), since: z.number(), alive: z.boolean() })
    .nullable(),
  codebases: z.array(
    z.object({
      root: z.string(),
      status: z.enum(['indexing', 'indexed', 'failed']),
      percent: z.number(),
      fileCount: z.number(),
      chunkCount: z.number(),
      indexedAt: z.number().nullable(),
      message: z.string(),
      /** How the leader keeps it fresh (absent from servers that predate watching). */
      watch: watchSummarySchema.optional(),
    }),
  ),
});

export type StatusSnapshot = z.infer<typeof statusSnapshotSchema>;

export const STATUS_RESOURCE_URI = 'baton://status';
