import { singleTermExpression } from './fts-query.ts';
import type { CodebaseRecord, IndexStore } from '../store/index-store.ts';

/** A term in at least this share of a codebase's chunks is "common" (tuned on the bench corpus: no loss in top-5 hits or MRR at 10 %, p95 35 → 25 ms). */
const COMMON_SHARE = 0.1;
/** Below this many matches a term is never common (small codebases keep every term). */
const COMMON_MINIMUM = 200;

/** Commonness is counted again once the codebase's chunk count has moved this much since (a share of it). */
const RECOUNT_AFTER_CHANGE = 0.02;

interface CodebaseTerms {
  /** The chunk count the commonness was counted at. */
  readonly chunkCount: number;
  /** When the codebase's last full run ended, at counting time: a new run counts again. */
  readonly finishedAt: number | null;
  readonly common: Map<string, boolean>;
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

  /** The rare terms, or every term when all of them are common. */
  select(store: IndexStore, codebase: CodebaseRecord, terms: readonly string[]): readonly string[] {
    const threshold = Math.max(COMMON_MINIMUM, Math.ceil(codebase.chunkCount * COMMON_SHARE));
    if (codebase.chunkCount < threshold) return terms;
    const known = this.termsOf(codebase);
    const rare = terms.filter((term) => {
      let common = known.common.get(term);
      if (common === undefined) {
        common = store.search.countMatches(codebase.id, singleTermExpression(term), threshold) >= threshold;
        known.common.set(term, common);
      }
      return !common;
    });
    return rare.length > 0 ? rare : terms;
  }

  private termsOf(codebase: CodebaseRecord): CodebaseTerms {
    const cached = this.codebases.get(codebase.id);
    const drift = cached ? Math.abs(codebase.chunkCount - cached.chunkCount) / Math.max(1, cached.chunkCount) : Infinity;
    if (cached && cached.finishedAt === codebase.finishedAt && drift <= RECOUNT_AFTER_CHANGE) return cached;
    const fresh = { chunkCount: codebase.chunkCount, finishedAt: codebase.finishedAt, common: new Map<string, boolean>() };
    this.codebases.set(codebase.id, fresh);
    return fresh;
  }
}
