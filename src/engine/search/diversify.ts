import type { ChunkCandidate } from '../store/index-store.ts';
import type { FileGroup } from './scoring.ts';

/** One answer: a chunk, or neighbouring chunks of one file joined. */
export interface RankedPiece {
  readonly fileId: number;
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  /** The chunks it is made of, in line order. */
  readonly chunks: readonly ChunkCandidate[];
  /** The order key: the file's score for its first piece, less for the file's later ones. */
  readonly score: number;
  /** Where its file ranks, and where it ranks in its file: ties keep the files' order. */
  readonly fileRank: number;
  readonly rankInFile: number;
}

export interface DiversityRules {
  /** The first page, where the per-file limits hold. */
  readonly page: number;
  /** At most this many pieces of one file on the first page. */
  readonly perFile: number;
  /** At most this many pieces on the first page that are not their file's first (so a page of 10 names ≥ 7 files). */
  readonly repeats: number;
  /** A file's second piece scores this share of what it would alone, its third this share again… */
  readonly repeatDecay: number;
  /** Neighbouring chunks joined into one piece, at most. */
  readonly maxJoined: number;
  /**
   * Only chunks scoring at least this share of their file's best are joined: a
   * neighbour that matches only by the file's path (every chunk of keys.py
   * matches "keys") is another place, not more of this one.
   */
  readonly joinShare: number;
}

export const DEFAULT_DIVERSITY: DiversityRules = { page: 10, perFile: 2, repeats: 3, repeatDecay: 0.5, maxJoined: 3, joinShare: 0.5 };

/**
 * Orders the pieces of ranked files into answers. Each file's chunks that
 * touch or overlap are joined first (one place, one answer). A file's first
 * piece takes the file's score; its later pieces a decaying share of it, so
 * files appear in the order of their scores and a second place in a file
 * comes after other files' best. On the first page a file has at most
 * `perFile` pieces and repeats are capped, so the page names many files when
 * the index has them; what the caps push back follows the page, in order.
 */
export function diversify(files: readonly FileGroup[], rules: DiversityRules = DEFAULT_DIVERSITY): RankedPiece[] {
  const pieces: RankedPiece[] = [];
  files.forEach((file, fileRank) => {
    const joined = joinNeighbours(file, rules);
    const best = joined[0]?.best ?? 0;
    joined.forEach((piece, rankInFile) => {
      const share = best > 0 ? piece.best / best : 0;
      const score = rankInFile === 0 ? file.score : file.score * Math.pow(rules.repeatDecay, rankInFile) * share;
      pieces.push({ fileId: file.fileId, path: file.path, startLine: piece.startLine, endLine: piece.endLine, chunks: piece.chunks, score, fileRank, rankInFile });
    });
  });
  pieces.sort(byScoreThenPlace);
  return fillFirstPage(pieces, rules);
}

function fillFirstPage(pieces: readonly RankedPiece[], rules: DiversityRules): RankedPiece[] {
  const page: RankedPiece[] = [];
  const deferred: RankedPiece[] = [];
  const perFile = new Map<number, number>();
  let repeats = 0;
  let index = 0;
  for (; index < pieces.length && page.length < rules.page; index++) {
    const piece = pieces[index]!;
    const count = perFile.get(piece.fileId) ?? 0;
    if (count > 0 && (count >= rules.perFile || repeats >= rules.repeats)) {
      deferred.push(piece);
      continue;
    }
    if (count > 0) repeats++;
    perFile.set(piece.fileId, count + 1);
    page.push(piece);
  }
  // Too few files to fill the page under the caps: what was pushed back fills it.
  while (page.length < rules.page && deferred.length > 0) page.push(deferred.shift()!);
  const rest = [...deferred, ...pieces.slice(index)].sort(byScoreThenPlace);
  return [...page, ...rest];
}

interface JoinedPiece {
  startLine: number;
  endLine: number;
  chunks: ChunkCandidate[];
  best: number;
}

/** A file's matching chunks, strong neighbours of the same role joined, best first. */
function joinNeighbours(file: FileGroup, rules: DiversityRules): JoinedPiece[] {
  const inLineOrder = [...file.chunks].sort((a, b) => a.candidate.startLine - b.candidate.startLine);
  const strongFrom = (file.chunks[0]?.score ?? 0) * rules.joinShare;
  const joined: JoinedPiece[] = [];
  let previousStrong = false;
  for (const { candidate, score } of inLineOrder) {
    const previous = joined[joined.length - 1];
    const strong = score >= strongFrom;
    const joins =
      previous !== undefined &&
      previousStrong &&
      strong &&
      candidate.startLine <= previous.endLine + 1 &&
      previous.chunks.length < rules.maxJoined &&
      previous.chunks[0]!.role === candidate.role;
    previousStrong = strong;
    if (joins) {
      previous.endLine = Math.max(previous.endLine, candidate.endLine);
      previous.chunks.push(candidate);
      previous.best = Math.max(previous.best, score);
    } else {
      joined.push({ startLine: candidate.startLine, endLine: candidate.endLine, chunks: [candidate], best: score });
    }
  }
  return joined.sort((a, b) => b.best - a.best || a.startLine - b.startLine);
}

function byScoreThenPlace(a: RankedPiece, b: RankedPiece): number {
  return b.score - a.score || a.fileRank - b.fileRank || a.rankInFile - b.rankInFile;
}

/**
 * The text of a piece from its chunks' texts: each chunk's lines from where
 * the previous one ended (the line splitter's chunks overlap by a few lines).
 */
export function pieceContent(piece: RankedPiece, contents: ReadonlyMap<number, string>): string {
  let text = '';
  let lastLine = piece.startLine - 1;
  for (const chunk of piece.chunks) {
    const content = contents.get(chunk.chunkId) ?? '';
    const skip = Math.max(0, lastLine - chunk.startLine + 1);
    const lines = skip > 0 ? content.split('\n').slice(skip).join('\n') : content;
    if (lines.length > 0) text = text.length > 0 ? `${text}\n${lines}` : lines;
    lastLine = Math.max(lastLine, chunk.endLine);
  }
  return text;
}
