import * as z from 'zod';

/** A snapshot of one indexing run, as broadcast by the leader and shown to users. */
export const indexProgressSchema = z.object({
  root: z.string(),
  phase: z.enum(['scanning', 'indexing', 'embedding', 'done', 'failed', 'cancelled']),
  totalFiles: z.number().int().nonnegative(),
  processedFiles: z.number().int().nonnegative(),
  chunkCount: z.number().int().nonnegative(),
  message: z.string(),
});

export type IndexProgress = z.infer<typeof indexProgressSchema>;
export type IndexPhase = IndexProgress['phase'];

export function isFinalPhase(phase: IndexPhase): boolean {
  return phase === 'done' || phase === 'failed' || phase === 'cancelled';
}
