import type { Chunk, ChunkLimits } from './chunk.ts';
import { LineIndex } from './lines.ts';

/**
 * Splits any text into chunks of whole lines up to `maxChars`, preferring to
 * cut at blank lines, with `overlapLines` lines repeated between neighbours so
 * that a match spanning a cut is still found. A single line longer than
 * `maxChars` (minified code, data) is cut into several chunks of that line.
 */
export function splitText(text: string, limits: ChunkLimits): Chunk[] {
  const lines = new LineIndex(text);
  const chunks: Chunk[] = [];
  let first = 0;
  while (first < lines.lineCount) {
    if (lines.size(first, first) > limits.maxChars) {
      chunks.push(...splitLongLine(lines.slice(first, first), first + 1, limits.maxChars));
      first++;
      continue;
    }
    const { last, atBlankLine } = chooseLastLine(lines, first, limits.maxChars);
    const content = lines.slice(first, last);
    if (content.trim().length > 0) chunks.push({ startLine: first + 1, endLine: last + 1, content, symbols: '' });
    if (last + 1 >= lines.lineCount) break;
    // A cut at a blank line is a natural boundary; elsewhere neighbours share a few lines,
    // never more than a quarter of the chunk, so the split always moves forward.
    const overlap = atBlankLine ? 0 : Math.min(limits.overlapLines, Math.floor((last - first + 1) / 4));
    first = last + 1 - overlap;
  }
  return chunks;
}

/** The last row of a chunk starting at `first`: as far as fits, cut at a blank line if one is near the end. */
function chooseLastLine(lines: LineIndex, first: number, maxChars: number): { last: number; atBlankLine: boolean } {
  let last = first;
  while (last + 1 < lines.lineCount && lines.size(first, last + 1) <= maxChars) last++;
  if (last + 1 >= lines.lineCount) return { last, atBlankLine: false };
  // Prefer a blank line in the last third of the window as the cut.
  const earliest = first + Math.floor(((last - first) * 2) / 3);
  for (let row = last; row > earliest; row--) {
    if (lines.slice(row, row).trim() === '') return { last: row, atBlankLine: true };
  }
  return { last, atBlankLine: false };
}

function splitLongLine(line: string, lineNumber: number, maxChars: number): Chunk[] {
  const pieces: Chunk[] = [];
  for (let at = 0; at < line.length; at += maxChars) {
    const content = line.slice(at, at + maxChars);
    if (content.trim().length > 0) pieces.push({ startLine: lineNumber, endLine: lineNumber, content, symbols: '' });
  }
  return pieces;
}
