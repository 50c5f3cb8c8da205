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
 *
 * With the two most common terms left out, a chunk holding only those two
 * can reach the sum of their bounds, which the page often does not beat
 * (`readPreferenceServerSelector`: the page ends at 13.5, the bounds add up to
 * 14.1). Those chunks are few, and found fast: FTS5 ranks the AND of the two
 * terms, whose scores are the whole query's for a chunk without the others
 * (mergeLeftOut). When even one term's bound beats the page, the OR of the
 * left-out terms is ranked instead, which still scores fewer chunks than the
 * whole query. On the bench's 40 queries, this took the three slowest
 * rankings from 11.9, 11.1 and 9.8 ms to 8.4, 7.3 and 7.4 ms, the same pages.
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

/** Which terms to leave out of the first ranking. */
export interface PrunePlan {
  /** The most common term, or the two most common: the page must beat their bounds (see pageVerdict). */
  readonly leftOut: readonly string[];
  /** The other terms: only chunks matching one of them are ranked (by the whole query's bm25). */
  readonly rest: readonly string[];
}

/**
 * A plan for ranking `terms` (an OR of single-term phrases) with the most
 * common one or two left out, or undefined when it cannot pay off: fewer
 * than two terms, a count unknown, common terms matched by too few chunks
 * (or too small a share of all the matches) to be worth it, or other terms
 * too rare to fill a page of `depth`. Two are left out when both are common
 * enough and the others still fill the page: the first ranking then scores
 * only the rarer terms' chunks, and the chunks that hold both common terms
 * and none of the others are ranked apart if the page does not beat their
 * bound (see pageVerdict, mergeLeftOut). `minLeftOutMatches` is lowered
 * only by tests, to leave out terms of a small index.
 */
export function prunePlan(
  terms: readonly string[],
  matchesOf: (term: string) => number | undefined,
  rows: number,
  depth: number,
  minLeftOutMatches = MIN_LEFT_OUT_MATCHES,
): PrunePlan | undefined {
  if (terms.length < 2 || new Set(terms).size !== terms.length) return undefined;
  const counts = terms.map(matchesOf);
  if (counts.some((count) => count === undefined)) return undefined;
  const byCount = terms.map((term, index) => ({ term, count: counts[index]! })).sort((a, b) => b.count - a.count);
  const total = byCount.reduce((sum, entry) => sum + entry.count, 0);
  for (const leftOut of [2, 1]) {
    const left = byCount.slice(0, leftOut);
    const rest = byCount.slice(leftOut);
    const leftMatches = left.reduce((sum, entry) => sum + entry.count, 0);
    const restMatches = total - leftMatches;
    if (rest.length === 0 || left.some((entry) => entry.count < minLeftOutMatches)) continue;
    if (leftMatches < MIN_LEFT_OUT_SHARE * total || restMatches < depth) continue;
    const kept = new Set(rest.map((entry) => entry.term));
    return { leftOut: left.map((entry) => entry.term), rest: terms.filter((term) => kept.has(term)) };
  }
  return undefined;
}

/**
 * What a page ranked without the chunks that match only left-out terms is
 * worth, given those terms' counts in the index the page was ranked from
 * (the counts that chose the plan may be older) and `rows`, FTS5's row count
 * or more (see phraseScoreBound); `bm25` is SQLite's (negative, lower is
 * better):
 * - `whole`: the page is the whole ranking's. It is full and its last score
 *   is above the sum of the left-out terms' bounds: no chunk it left out can
 *   score as high.
 * - `withAll`: it is above each term's bound but not their sum, so only a
 *   chunk that holds both left-out terms (and none of the others) could
 *   still belong on it: the chunks holding all of them are ranked apart and
 *   merged in (see mergeLeftOut).
 * - `withAny`: a chunk holding one left-out term alone could beat it: the
 *   chunks holding any of them are ranked apart and merged in. That still
 *   costs less than the whole ranking, which scores those chunks and all the
 *   others, for every term.
 * - `useless`: the page is not full (the index changed since the counts).
 */
export type PageVerdict = 'whole' | 'withAll' | 'withAny' | 'useless';

export function pageVerdict(leftOutMatches: readonly number[], rows: number, page: readonly { readonly bm25: number }[], depth: number): PageVerdict {
  if (page.length !== depth) return 'useless';
  const last = -page[depth - 1]!.bm25;
  const bounds = leftOutMatches.map((matches) => phraseScoreBound(matches, rows));
  if (bounds.some((bound) => bound >= last)) return 'withAny';
  return bounds.reduce((sum, bound) => sum + bound, 0) < last ? 'whole' : 'withAll';
}

/**
 * The whole ranking's page, from a full page ranked without the left-out
 * terms' own chunks and `leftOut`, the best `depth` chunks holding the
 * left-out terms (all of them for `withAll`, any for `withAny`) ranked by
 * those terms alone. A chunk of `leftOut` that holds none of the other terms
 * has the same score there as in the whole query (FTS5 computes each term's
 * idf from its own matches, and the absent terms add nothing), so the ones
 * above the page's last score join it. One that holds another term and is not
 * on the page scored at most that last score in the whole query, and less
 * here. A score equal to the last one could break a tie the other way than
 * the whole ranking does, and a full `leftOut` may have cut off chunks that
 * would reach the merged page: then this returns undefined, and the whole
 * ranking is needed.
 */
export function mergeLeftOut<Candidate extends { readonly chunkId: number; readonly bm25: number }>(
  page: readonly Candidate[],
  leftOut: readonly Candidate[],
  depth: number,
): Candidate[] | undefined {
  const last = page[page.length - 1]?.bm25;
  if (last === undefined) return undefined;
  const onPage = new Set(page.map((candidate) => candidate.chunkId));
  const joining = leftOut.filter((candidate) => !onPage.has(candidate.chunkId) && candidate.bm25 <= last);
  if (joining.some((candidate) => candidate.bm25 === last)) return undefined;
  const merged = joining.length === 0 ? [...page] : [...page, ...joining].sort((a, b) => a.bm25 - b.bm25 || a.chunkId - b.chunkId).slice(0, depth);
  // A full `leftOut` left out chunks that score no better than its last: they cannot reach a page that ends better.
  if (leftOut.length === depth && merged[merged.length - 1]!.bm25 >= leftOut[depth - 1]!.bm25) return undefined;
  return merged;
}
