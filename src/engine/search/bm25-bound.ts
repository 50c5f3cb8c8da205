/**
 * Exact pruning of the full-text ranking (the MaxScore idea). FTS5's bm25()
 * sums over the query's phrases idf × f·(k1 + 1) / (f + k1·(1 − b + b·D/avgdl)),
 * with k1 = 1.2 and b = 0.75 (SQLite's ext/fts5/fts5_aux.c), where f is the
 * phrase's column-weighted count in the chunk. Whatever f and the chunk's
 * length D, one phrase adds less than idf × (k1 + 1). So a chunk that matches
 * only the query's most common term scores below that term's bound, and when
 * the chunks matching the other terms already fill the candidate page with
 * scores above it, ranking the common term's other chunks cannot change the
 * page: they need not be scored at all. That term is where the time goes
 * (bm25 costs about 0.65 µs a chunk, and it matches thousands).
 */

const K1 = 1.2;

/**
 * Less is not worth a second query: ranking a thousand chunks takes under a
 * millisecond, about what the restricted ranking costs when it fails.
 */
const MIN_LEFT_OUT_MATCHES = 1000;
/**
 * The restricted ranking still reads every chunk that matches any term (and
 * checks it against the others' list, about 0.17 µs a chunk), and saves only
 * the bm25 of the chunks that match the left-out term alone (about 0.6 µs
 * each). When that term has less than this share of the terms' matches, too
 * few chunks are its alone: on the bench's 40 queries the two below it
 * (0.38, 0.33) got slower (10.3 → 10.7, 9.1 → 9.9 ms) and the lowest above
 * it (0.42) gained 0.3 ms.
 */
const MIN_LEFT_OUT_SHARE = 0.4;

/**
 * The most one phrase with `matches` matching chunks adds to a chunk's score,
 * computing the idf as FTS5 does. `rows` must be at least the row count FTS5
 * ranks with (ChunkSearch.ftsRowCount): that count keeps every row a
 * contentless_delete table ever held, so after a forced re-index it is twice
 * the chunks, and a bound from the chunk count would be too low. It is taken
 * 5 % high besides, since more rows only raise the bound: a count a little off
 * can cost a pruning, never an answer.
 */
export function phraseScoreBound(matches: number, rows: number): number {
  const generousRows = rows * 1.05 + 100;
  const idf = Math.log((generousRows - matches + 0.5) / (matches + 0.5));
  return (idf <= 0 ? 1e-6 : idf) * (K1 + 1);
}

/** Which term to leave out of the first ranking. */
export interface PrunePlan {
  /** The most common term, whose bound the page must beat (see planHolds). */
  readonly leftOut: string;
  /** The other terms: only chunks matching one of them are ranked (by the whole query's bm25). */
  readonly rest: readonly string[];
}

/**
 * A plan for ranking `terms` (an OR of single-term phrases) with the most
 * common one left out, or undefined when it cannot pay off: fewer than two
 * terms, a count unknown, a common term matched by too few chunks (or too
 * small a share of all the matches) to be worth it, or other terms too rare
 * to fill a page of `depth`.
 */
export function prunePlan(terms: readonly string[], matchesOf: (term: string) => number | undefined, rows: number, depth: number): PrunePlan | undefined {
  if (terms.length < 2 || new Set(terms).size !== terms.length) return undefined;
  const counts = terms.map(matchesOf);
  if (counts.some((count) => count === undefined)) return undefined;
  const known = counts as number[];
  const common = known.indexOf(Math.max(...known));
  const restMatches = known.reduce((sum, count, index) => (index === common ? sum : sum + count), 0);
  const leftOut = known[common]!;
  if (leftOut < MIN_LEFT_OUT_MATCHES || leftOut < MIN_LEFT_OUT_SHARE * (leftOut + restMatches) || restMatches < depth) return undefined;
  return { leftOut: terms[common]!, rest: terms.filter((_, index) => index !== common) };
}

/**
 * Whether a page ranked without the chunks that match only the left-out
 * term is the page the whole ranking gives: it is full and its last score is
 * above that term's bound. `leftOutMatches` must be the term's count in the
 * index the page was ranked from (the counts that chose the plan may be
 * older), `rows` FTS5's row count or more (see phraseScoreBound); `bm25` is
 * SQLite's (negative, lower is better).
 */
export function planHolds(leftOutMatches: number, rows: number, page: readonly { readonly bm25: number }[], depth: number): boolean {
  return page.length === depth && -page[depth - 1]!.bm25 > phraseScoreBound(leftOutMatches, rows);
}
