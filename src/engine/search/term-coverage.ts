import type { ChunkCandidate, IndexStore } from '../store/index-store.ts';
import { singleTermExpression, type TermColumns } from './fts-query.ts';


/**
 * How much of the query each candidate file covers: the share of the query's
 * words (rare ones: those that chose the candidates) found in any of the
 * file's candidate chunks. A file that has every word of "preserve custom
 * Accept headers" across its functions is the answer more often than one
 * whose single chunk repeats two of them. Read from each term's list of
 * matching chunks (no ranking); a word matching more than `maxMatches`
 * chunks is not counted: reading its list would cost more than it tells.
 */
export function fileCoverage(
  store: IndexStore,
  codebaseId: number,
  words: readonly string[],
  candidates: readonly ChunkCandidate[],
  maxMatches: number,
  columnsOf: (word: string) => TermColumns = () => 'searched',
): Map<number, number> {
  const fileOf = new Map(candidates.map((candidate) => [candidate.chunkId, candidate.fileId]));
  const covered = new Map<number, number>();
  let counted = 0;
  for (const word of words) {
    const ids = store.search.matchingIds(codebaseId, singleTermExpression(word, columnsOf(word)), maxMatches + 1);
    if (ids.length > maxMatches) continue;
    counted++;
    const files = new Set<number>();
    for (const id of ids) {
      const fileId = fileOf.get(id);
      if (fileId !== undefined) files.add(fileId);
    }
    for (const fileId of files) covered.set(fileId, (covered.get(fileId) ?? 0) + 1);
  }
  if (counted === 0) return new Map();
  return new Map([...covered].map(([fileId, count]) => [fileId, count / counted]));
}
