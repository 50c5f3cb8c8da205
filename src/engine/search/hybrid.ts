import type { Embedder } from '../embed/embedder.ts';
import type { CandidateFilter, ChunkCandidate, CodebaseRecord, IndexStore } from '../store/index-store.ts';
import { reciprocalRankFusion } from './fusion.ts';
import type { VectorIndex } from './vector-index.ts';

/** Candidates taken from each ranking before fusion. */
export const FUSION_DEPTH = 50;

export interface FusedCandidates {
  readonly candidates: ChunkCandidate[];
  /** Fused relevance by chunk id. */
  readonly relevance: Map<number, number>;
}

/**
 * Fuses the lexical ranking with the chunks nearest the query's embedding,
 * by reciprocal rank. Undefined when there is nothing to fuse with (the
 * provider is down, no vectors yet, none passes the filter): lexical
 * results still answer.
 */
export async function fuseWithVectors(
  store: IndexStore,
  vectors: VectorIndex,
  embedder: Embedder,
  codebase: CodebaseRecord,
  query: string,
  lexical: readonly ChunkCandidate[],
  filter: CandidateFilter & { readonly extensions: readonly string[] },
): Promise<FusedCandidates | undefined> {
  let queryVector: Float32Array;
  try {
    queryVector = await embedder.embedQuery(query);
  } catch {
    return undefined;
  }
  const nearestIds = await vectors.nearest(store, codebase.id, codebase.updatedAt, embedder.model, queryVector, FUSION_DEPTH * 4);
  if (nearestIds.length === 0) return undefined;
  const roles = filter.roles ?? [];
  const semantic = store.search
    .candidatesByIds(nearestIds)
    .filter(
      (hit) =>
        (!filter.pathPrefix || hit.path.startsWith(filter.pathPrefix)) &&
        (filter.extensions.length === 0 || filter.extensions.some((ext) => hit.path.toLowerCase().endsWith(ext))) &&
        (roles.length === 0 || roles.includes(hit.role)),
    );
  if (semantic.length === 0) return undefined;
  const order = new Map(nearestIds.map((id, rank) => [id, rank]));
  semantic.sort((a, b) => order.get(a.chunkId)! - order.get(b.chunkId)!);
  const fused = reciprocalRankFusion([lexical.slice(0, FUSION_DEPTH), semantic.slice(0, FUSION_DEPTH)]);
  return { candidates: fused.map(({ hit }) => hit), relevance: new Map(fused.map(({ hit, score }) => [hit.chunkId, score])) };
}
