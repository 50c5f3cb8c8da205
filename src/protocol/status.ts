import { z } from 'zod';

/**
 * What `baton status --json` prints and the MCP resource baton://status
 * holds: who leads, and what is indexed.
 */
export const statusSnapshotSchema = z.object({
  /** This process's role; absent for the CLI, which does not take part. */
  role: z.enum(['starting', 'leader', 'follower', 'stopped']).optional(),
  pid: z.number().optional(),
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
    }),
  ),
});

export type StatusSnapshot = z.infer<typeof statusSnapshotSchema>;

export const STATUS_RESOURCE_URI = 'baton://status';
