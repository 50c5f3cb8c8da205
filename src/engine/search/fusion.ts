/** The usual constant of reciprocal-rank fusion: ranks beyond the first few matter little. */
const RRF_K = 60;

/** Merges rankings by reciprocal rank: each item scores the sum of 1 / (k + rank) over the rankings it is in. */
export function reciprocalRankFusion<T extends { chunkId: number }>(rankings: readonly (readonly T[])[]): { hit: T; score: number }[] {
  const fused = new Map<number, { hit: T; score: number }>();
  for (const ranking of rankings) {
    ranking.forEach((hit, rank) => {
      const entry = fused.get(hit.chunkId) ?? { hit, score: 0 };
      entry.score += 1 / (RRF_K + rank + 1);
      fused.set(hit.chunkId, entry);
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}
