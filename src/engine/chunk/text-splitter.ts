import type { Chunk, ChunkLimits } from './chunk.ts';
import { LineIndex } from './lines.ts';

/**
 * Splits any text into chunks of whole lines up to `maxChars`, preferring to
 * cut at blank lines, with `overlapLines` lines repeated between neighbours so
 * that a match spanning a cut is still found. A single line longer than
 * `maxChars` (minified code, data) is cut into several chunks of that line.
 * Blank stretches make no chunk of their own.
 */
export function splitText(text: string, limits: ChunkLimits): Chunk[] {
  const lines = new LineIndex(text);
  return splitRows(lines, 0, lines.lineCount - 1, limits);
}

/** Like splitText, for rows first..last (0-based, inclusive) of `lines`. */
export function splitRows(lines: LineIndex, first: number, last: number, limits: ChunkLimits): Chunk[] {
  const chunks: Chunk[] = [];
  while (first <= last) {
    if (lines.size(first, first) > limits.maxChars) {
      for (const piece of splitLongLine(lines.slice(first, first), first + 1, limits.maxChars)) chunks.push(piece);
      first++;
      continue;
    }
    const { end, atBlankLine } = chooseEnd(lines, first, last, limits.maxChars);
    const content = lines.slice(first, end);
    if (content.trim().length > 0) chunks.push({ startLine: first + 1, endLine: end + 1, content, symbols: '' });
    if (end >= last) break;
    // A cut at a blank line is a natural boundary; elsewhere neighbours share a few lines,
    // never more than a quarter of the chunk, so the split always moves forward.
    const overlap = atBlankLine ? 0 : Math.min(limits.overlapLines, Math.floor((end - first + 1) / 4));
    first = end + 1 - overlap;
  }
  return chunks;
}

/**
 * The last row of a chunk starting at `first` (and ending by `last`): as far
 * as fits, cut at a blank line if one is near the end.
 */
function chooseEnd(lines: LineIndex, first: number, last: number, maxChars: number): { end: number; atBlankLine: boolean } {
  let end = first;
  while (end < last && lines.size(first, end + 1) <= maxChars) end++;
  if (end >= last) return { end, atBlankLine: false };
  // Prefer a blank line in the last third of the window as the cut.
  const earliest = first + Math.floor(((end - first) * 2) / 3);
  for (let row = end; row > earliest; row--) {
    if (lines.isBlank(row)) return { end: row, atBlankLine: true };
  }
  return { end, atBlankLine: false };
}

/** Pieces of one line, each at most `maxChars`, cut between words where one is near the limit. */
function splitLongLine(line: string, lineNumber: number, maxChars: number): Chunk[] {
  const pieces: Chunk[] = [];
  let at = 0;
  while (at < line.length) {
    const end = cutPoint(line, at, maxChars);
    const content = line.slice(at, end);
    if (content.trim().length > 0) pieces.push({ startLine: lineNumber, endLine: lineNumber, content, symbols: '' });
    at = end;
  }
  return pieces;
}

/** How far a piece starting at `at` may go: after a separator in its last fifth, else at the limit. */
function cutPoint(line: string, at: number, maxChars: number): number {
  const limit = at + maxChars;
  if (limit >= line.length) return line.length;
  // Cutting inside an identifier would make it unfindable in both pieces.
  const earliest = limit - Math.floor(maxChars / 5);
  for (let end = limit; end > earliest; end--) {
    if (isSeparator(line.charCodeAt(end - 1))) return end;
  }
  // No separator: never leave half a surrogate pair on either side.
  return isHighSurrogate(line.charCodeAt(limit - 1)) && limit - 1 > at ? limit - 1 : limit;
}

function isSeparator(code: number): boolean {
  // Anything but letters, digits, "_" and "$" (and non-ASCII, which may be letters).
  if (code >= 128) return false;
  const isWordChar =
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36;
  return !isWordChar;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
