import { resolveCodebase } from '../codebase-lookup.ts';
import type { Embedder } from '../embed/embedder.ts';
import { UserError } from '../errors.ts';
import { normalizeExtension } from '../languages.ts';
import { absolutePath } from '../paths.ts';
import { percentOf } from '../progress.ts';
import type { ChunkHit, CodebaseRecord, IndexStore } from '../store/index-store.ts';
import { queryTerms } from '../tokenize.ts';
import { termsExpression } from './fts-query.ts';
import { reciprocalRankFusion } from './fusion.ts';
import { TermRarity } from './term-rarity.ts';
import { VectorIndex } from './vector-index.ts';

export interface SearchOptions {
  readonly limit: number;
  readonly extensionFilter?: readonly string[] | undefined;
}

export interface SearchResult {
  /** Path relative to the codebase root, "/"-separated. */
  readonly file: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly language: string;
  readonly score: number;
  readonly content: string;
}

export interface SearchResponse {
  readonly root: string;
  /** Set when the request named a folder inside the codebase: results are limited to it. */
  readonly subfolder?: string;
  readonly mode: 'lexical' | 'hybrid';
  readonly codebaseStatus: CodebaseRecord['status'];
  readonly percent: number;
  readonly results: SearchResult[];
}

/** Candidates taken from each ranking before fusion. */
const FUSION_DEPTH = 50;

type ScoredHit = { hit: ChunkHit; score: number };

/**
 * Answers searches from the shared database: BM25 over code-aware terms, and
 * with an embedder, BM25 fused with vector similarity. Reads only, so every
 * process (leader or follower) searches directly.
 */
export class Searcher {
  private readonly store: IndexStore;
  private readonly embedder: Embedder | undefined;
  private readonly vectors = new VectorIndex();
  private readonly termRarity = new TermRarity();

  constructor(store: IndexStore, embedder: Embedder | undefined) {
    this.store = store;
    this.embedder = embedder;
  }

  /** Drops the cached vectors of a codebase (it changed, or was cleared). */
  forget(codebaseId: number): void {
    this.vectors.forget(codebaseId);
  }

  async search(input: string, query: string, options: SearchOptions): Promise<SearchResponse> {
    const resolved = resolveCodebase(this.store, input);
    if (!resolved) {
      throw new UserError(`${absolutePath(input)} is not indexed. Index it first with index_codebase, then search again.`);
    }
    const { codebase, subfolder } = resolved;
    if (!this.store.search.hasTable(codebase.id)) {
      throw new UserError(`${codebase.root} has no search index yet; index it with index_codebase.`);
    }
    const extensions = (options.extensionFilter ?? []).map(normalizeExtension);
    const prefix = subfolder ? `${subfolder}/` : undefined;
    const match = termsExpression(this.termRarity.select(this.store, codebase, queryTerms(query)), extensions);
    const lexical = match ? this.store.search.matching(codebase.id, match, this.embedder ? FUSION_DEPTH : options.limit, prefix) : [];
    let hits: ScoredHit[] = lexical.map((hit) => ({ hit, score: -hit.bm25 }));
    let mode: SearchResponse['mode'] = 'lexical';
    if (this.embedder) {
      const fused = await this.hybrid(this.embedder, codebase, query, lexical, extensions, prefix);
      if (fused) {
        hits = fused;
        mode = 'hybrid';
      }
    }
    if (!match && mode === 'lexical') {
      throw new UserError(`the query "${query}" has no words to search for. Use identifiers or words that appear in the code.`);
    }
    return {
      root: codebase.root,
      ...(subfolder ? { subfolder } : {}),
      mode,
      codebaseStatus: codebase.status,
      percent: percentOf(codebase),
      results: hits.slice(0, options.limit).map(({ hit, score }) => ({
        file: hit.path,
        startLine: hit.startLine,
        endLine: hit.endLine,
        language: hit.language,
        score: Math.round(score * 10_000) / 10_000,
        content: hit.content,
      })),
    };
  }

  private async hybrid(
    embedder: Embedder,
    codebase: CodebaseRecord,
    query: string,
    lexical: readonly ChunkHit[],
    extensions: readonly string[],
    prefix: string | undefined,
  ): Promise<ScoredHit[] | undefined> {
    let queryVector: Float32Array;
    try {
      queryVector = await embedder.embedQuery(query);
    } catch {
      return undefined; // the provider is down: lexical results still answer
    }
    const nearestIds = await this.vectors.nearest(this.store, codebase.id, codebase.updatedAt, embedder.model, queryVector, FUSION_DEPTH * 4);
    if (nearestIds.length === 0) return undefined;
    const semantic = this.store.search
      .byIds(nearestIds)
      .filter((hit) => (!prefix || hit.path.startsWith(prefix)) && (extensions.length === 0 || extensions.some((ext) => hit.path.toLowerCase().endsWith(ext))));
    if (semantic.length === 0) return undefined;
    const order = new Map(nearestIds.map((id, rank) => [id, rank]));
    semantic.sort((a, b) => order.get(a.chunkId)! - order.get(b.chunkId)!);
    return reciprocalRankFusion([lexical, semantic.slice(0, FUSION_DEPTH)]);
  }
}
