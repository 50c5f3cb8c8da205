import type { ChunkCandidate } from '../store/index-store.ts';
import { definitionMatch, nameMatcher, type NameMatcher } from './identifiers.ts';
import type { AnalyzedQuery } from './query-analysis.ts';
import type { RolePrior } from './role-prior.ts';

/** The knobs of the ranking, tuned on the commit-subject evaluation's tuning split (see docs/benchmarks.md). */
export interface RankingWeights {
  /** Added to a chunk's relevance when a name it defines matches the query (scaled by how well). */
  readonly definition: number;
  /** Added when the file's name matches the query ("JsonReader" → JsonReader.java). */
  readonly fileName: number;
  /** Added when a folder on the file's path is named in the query ("unix: fix…" → src/unix/). */
  readonly folderName: number;
  /** Share of a file's other matching chunks added to its best one. */
  readonly otherChunks: number;
  /** How many other chunks count toward the file's score. */
  readonly otherChunksCounted: number;
  readonly coverage: number;
}

export const DEFAULT_RANKING: RankingWeights = {
  definition: 0.3,
  fileName: 0.6,
  folderName: 0.1,
  otherChunks: 0.15,
  otherChunksCounted: 4,
  coverage: 0.5,
};

export interface ScoredChunk {
  readonly candidate: ChunkCandidate;
  /** How well the chunk matches the query, role aside. */
  readonly relevance: number;
  /** Relevance weighed by the role prior. */
  readonly score: number;
}

export interface FileGroup {
  readonly fileId: number;
  readonly path: string;
  /** The file's best chunk score plus a share of its others. */
  readonly score: number;
  /** The file's chunks, best first. */
  readonly chunks: readonly ScoredChunk[];
}

/**
 * Lexical relevance of each candidate: its bm25 relative to the best one's
 * (so 1 for the best match), plus a bonus when it defines a name the query
 * means and when its file is named so. The bonuses are what put the chunk
 * that defines `JsonReader` above the tests that call it forty times.
 */
export function lexicalRelevance(candidates: readonly ChunkCandidate[], query: AnalyzedQuery, weights: RankingWeights): Map<number, number> {
  let best = 0;
  for (const candidate of candidates) best = Math.max(best, -candidate.bm25);
  const fileNames = new Map<number, number>();
  const folderNames = new Map<number, number>();
  const relevance = new Map<number, number>();
  const matches = nameMatcher(query.identifiers, query.stems);
  for (const candidate of candidates) {
    const text = best > 0 ? -candidate.bm25 / best : 0;
    const definition = definitionMatch(candidate.symbols, matches);
    let fileName = fileNames.get(candidate.fileId);
    if (fileName === undefined) {
      fileName = matches(baseName(candidate.path));
      fileNames.set(candidate.fileId, fileName);
    }
    let folderName = folderNames.get(candidate.fileId);
    if (folderName === undefined) {
      folderName = folderNamed(candidate.path, matches);
      folderNames.set(candidate.fileId, folderName);
    }
    relevance.set(candidate.chunkId, text + weights.definition * definition + weights.fileName * fileName + weights.folderName * folderName);
  }
  return relevance;
}

/** Weighs each chunk's relevance by its role's prior. */
export function applyRolePrior(candidates: readonly ChunkCandidate[], relevance: ReadonlyMap<number, number>, prior: RolePrior): ScoredChunk[] {
  return candidates.map((candidate) => {
    const value = relevance.get(candidate.chunkId) ?? 0;
    return { candidate, relevance: value, score: value * prior(candidate.role) };
  });
}

/** Groups chunks by file and ranks the files: best chunk plus a share of the next few. */
export function rankFiles(chunks: readonly ScoredChunk[], weights: RankingWeights, coverage?: ReadonlyMap<number, number>): FileGroup[] {
  const byFile = new Map<number, ScoredChunk[]>();
  for (const chunk of chunks) {
    const list = byFile.get(chunk.candidate.fileId);
    if (list) list.push(chunk);
    else byFile.set(chunk.candidate.fileId, [chunk]);
  }
  const groups: FileGroup[] = [];
  for (const [fileId, list] of byFile) {
    list.sort(byScore);
    let score = list[0]!.score;
    for (let index = 1; index <= weights.otherChunksCounted && index < list.length; index++) score += weights.otherChunks * list[index]!.score;
    if (coverage) score *= 1 + weights.coverage * (coverage.get(fileId) ?? 0);
    groups.push({ fileId, path: list[0]!.candidate.path, score, chunks: list });
  }
  // Ties go to the shorter path, then alphabetically: the same query always gives the same order.
  return groups.sort((a, b) => b.score - a.score || a.path.length - b.path.length || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function byScore(a: ScoredChunk, b: ScoredChunk): number {
  return b.score - a.score || a.candidate.startLine - b.candidate.startLine;
}

/** 1 when a folder of the path is a name or word of the query, else 0. */
function folderNamed(path: string, matches: NameMatcher): number {
  const folders = path.split('/').slice(0, -1);
  for (const folder of folders) if (matches(folder) >= FOLDER_MATCH) return 1;
  return 0;
}

/** A folder counts when its whole name is a query word or spelled name (a one-word match is enough: src/unix/). */
const FOLDER_MATCH = 0.35;

function baseName(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.indexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
