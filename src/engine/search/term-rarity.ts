import { singleTermExpression, type TermColumns } from './fts-query.ts';
import type { CodebaseRecord, IndexStore } from '../store/index-store.ts';

/**
 * A term in at least this share of a codebase's chunks is "common" (and in
 * at least COMMON_MINIMUM). On the 139k-chunk bench corpus: 10 % → 5 % takes
 * search p95 from 27 to 12 ms with the 29 questions' top-5 and MRR unchanged.
 */
export const COMMON_SHARE = 0.05;
/**
 * Below this many matches a term is never common: what a term costs is its
 * matches, and a few thousand are ranked in a few milliseconds, while in a
 * codebase of 2,000–15,000 chunks a word in 10 % of them still tells files
 * apart (commit-subject tuning split: MRR@10 0.732 at 200, 0.751 at 5,000).
 */
export const COMMON_MINIMUM = 5000;

/** Commonness is counted again once the codebase's chunk count has moved this much since (a share of it). */
const RECOUNT_AFTER_CHANGE = 0.02;

interface CodebaseTerms {
  /** The chunk count the commonness was counted at. */
  readonly chunkCount: number;
  /** When the codebase's last full run ended, at counting time: a new run counts again. */
  readonly finishedAt: number | null;
  /** Each counted term's matches, counted no further than the threshold of the time. */
  readonly matches: Map<string, number>;
  /** The codebase's version (`updatedAt`) each term was counted at. */
  readonly countedAt: Map<string, number>;
}

/**
 * Keeps the rare terms of a query. BM25 scores every chunk that matches any
 * term, so a query that also says "for" or "get" ranks half the codebase;
 * such terms add almost nothing to the ranking (their IDF is near zero) and
 * cost most of the time. A term's commonness is counted with a bounded scan
 * (it stops at the threshold) and cached until the codebase's chunk count
 * moves by 2 % or a full run ends: an editor save, which changes the
 * codebase's version, hardly changes which terms are common, and recounting
 * after every save would cost the next search tens of milliseconds.
 */
export class TermRarity {
  private readonly codebases = new Map<number, CodebaseTerms>();
  private readonly commonShare: number;
  private readonly commonMinimum: number;
  private readonly columnsOf: (term: string, codebase: CodebaseRecord) => TermColumns;

  /** `columnsOf` says where a term may be looked for (see fts-query.ts): the count is the same either way. */
  constructor(commonShare = COMMON_SHARE, commonMinimum = COMMON_MINIMUM, columnsOf: (term: string, codebase: CodebaseRecord) => TermColumns = () => 'searched') {
    this.commonShare = commonShare;
    this.commonMinimum = commonMinimum;
    this.columnsOf = columnsOf;
  }

  /** The rare terms (`rare: true`), or every term when all of them are common (`rare: false`). */
  select(store: IndexStore, codebase: CodebaseRecord, terms: readonly string[]): { terms: readonly string[]; rare: boolean } {
    const threshold = this.thresholdOf(codebase);
    if (codebase.chunkCount < threshold) return { terms, rare: true };
    const known = this.termsOf(codebase);
    const rare = terms.filter((term) => {
      let matches = known.matches.get(term);
      if (matches === undefined) matches = this.count(store, codebase, known, term, threshold);
      return matches < threshold;
    });
    return rare.length > 0 ? { terms: rare, rare: true } : { terms, rare: false };
  }

  /**
   * How many chunks a term matched when `select` last counted it for this
   * codebase (at most the threshold it counted to; undefined when it did not
   * count it: a small codebase is never counted). Lets a search skip reading
   * the list of a term it already knows is long.
   */
  countedMatches(codebase: CodebaseRecord, term: string): number | undefined {
    return this.termsOf(codebase).matches.get(term);
  }

  /**
   * A term's number of matches in the codebase as it is now, when under the
   * commonness threshold: the count `select` made if nothing was written since
   * (the codebase's version is the same), else counted again. The exact bound
   * of bm25-bound.ts needs it: a term that lost matches since it was counted
   * has a higher idf than the count says.
   */
  currentMatches(store: IndexStore, codebase: CodebaseRecord, term: string): number | undefined {
    const threshold = this.thresholdOf(codebase);
    const known = this.termsOf(codebase);
    const counted = known.countedAt.get(term) === codebase.updatedAt ? known.matches.get(term) : undefined;
    const matches = counted ?? this.count(store, codebase, known, term, threshold);
    return matches < threshold ? matches : undefined;
  }

  /** How many matches make a term common in this codebase. */
  private thresholdOf(codebase: CodebaseRecord): number {
    return Math.max(this.commonMinimum, Math.ceil(codebase.chunkCount * this.commonShare));
  }

  private count(store: IndexStore, codebase: CodebaseRecord, known: CodebaseTerms, term: string, threshold: number): number {
    const matches = store.search.countMatches(codebase.id, singleTermExpression(term, this.columnsOf(term, codebase)), threshold);
    known.matches.set(term, matches);
    known.countedAt.set(term, codebase.updatedAt);
    return matches;
  }

  private termsOf(codebase: CodebaseRecord): CodebaseTerms {
    const cached = this.codebases.get(codebase.id);
    const drift = cached ? Math.abs(codebase.chunkCount - cached.chunkCount) / Math.max(1, cached.chunkCount) : Infinity;
    if (cached && cached.finishedAt === codebase.finishedAt && drift <= RECOUNT_AFTER_CHANGE) return cached;
    const fresh = { chunkCount: codebase.chunkCount, finishedAt: codebase.finishedAt, matches: new Map<string, number>(), countedAt: new Map<string, number>() };
    this.codebases.set(codebase.id, fresh);
    return fresh;
  }
}
