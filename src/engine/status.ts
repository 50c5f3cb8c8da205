import { resolveCodebase } from './codebase-lookup.ts';
import { absolutePath } from './paths.ts';
import { percentOf, type IndexProgress } from './progress.ts';
import type { CodebaseRecord, IndexStore } from './store/index-store.ts';

export type StatusName = 'not_found' | 'indexing' | 'indexed' | 'failed';

export interface StatusReport {
  readonly path: string;
  readonly status: StatusName;
  readonly root?: string;
  readonly percent: number;
  readonly totalFiles: number;
  readonly processedFiles: number;
  readonly fileCount: number;
  readonly chunkCount: number;
  readonly message: string;
  readonly startedAt?: number;
  readonly finishedAt?: number | null;
}

/**
 * The status of the codebase a path names, from the database; `live` gives
 * the progress of a run in this process, fresher than its last committed batch.
 */
export function statusReport(store: IndexStore, input: string, live: (root: string) => IndexProgress | undefined): StatusReport {
  const requested = absolutePath(input);
  const resolved = resolveCodebase(store, input);
  if (!resolved) {
    return { path: requested, status: 'not_found', percent: 0, totalFiles: 0, processedFiles: 0, fileCount: 0, chunkCount: 0, message: '' };
  }
  const codebase: CodebaseRecord = resolved.codebase;
  const progress = live(codebase.root);
  const totalFiles = progress?.totalFiles ?? codebase.totalFiles;
  const processedFiles = progress?.processedFiles ?? codebase.processedFiles;
  return {
    path: requested,
    status: codebase.status,
    root: codebase.root,
    percent: codebase.status === 'indexed' ? 100 : percentOf({ totalFiles, processedFiles }),
    totalFiles,
    processedFiles,
    fileCount: codebase.fileCount,
    chunkCount: codebase.chunkCount,
    message: codebase.message,
    startedAt: codebase.startedAt,
    finishedAt: codebase.finishedAt,
  };
}
