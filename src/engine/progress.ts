export type IndexPhase = 'scanning' | 'indexing' | 'embedding' | 'done' | 'failed' | 'cancelled';

/** A snapshot of one indexing run, as shown to users and sent as MCP progress. */
export interface IndexProgress {
  readonly root: string;
  readonly phase: IndexPhase;
  readonly totalFiles: number;
  readonly processedFiles: number;
  readonly chunkCount: number;
  readonly message: string;
}

export function percentOf(progress: { totalFiles: number; processedFiles: number }): number {
  if (progress.totalFiles === 0) return 0;
  return Math.min(100, Math.floor((progress.processedFiles / progress.totalFiles) * 100));
}
