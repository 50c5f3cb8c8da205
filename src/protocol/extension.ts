/**
 * What the VS Code extension and its server say to each other beyond the
 * MCP tools: a request to re-index files the editor saw change. (Role,
 * progress and index events reach the extension through the baton://status
 * resource and its update notifications.)
 */
import * as z from 'zod';

export const REFRESH_FILES_METHOD = 'baton/refreshFiles';
export const REFRESH_FILES_MAX = 10_000;

export const refreshFilesRequestSchema = z.object({
  method: z.literal(REFRESH_FILES_METHOD),
  params: z.object({
    /** The workspace folder (an indexed codebase). */
    path: z.string(),
    /** Absolute paths of saved, created or deleted files (the extension sends larger sets in several requests). */
    files: z.array(z.string()).max(REFRESH_FILES_MAX),
  }),
});

export type RefreshFilesParams = z.infer<typeof refreshFilesRequestSchema>['params'];

export const refreshFilesResultSchema = z.object({ changed: z.number(), deleted: z.number() });
export type RefreshFilesResult = z.infer<typeof refreshFilesResultSchema>;
