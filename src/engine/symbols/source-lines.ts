import type { IndexStore } from '../store/index-store.ts';

/**
 * The text of lines first..last of a stored file, read from its chunks (which
 * hold every non-blank line). A line cut into several one-line chunks (a very
 * long line) is put back together.
 */
export function lineTexts(store: IndexStore, fileId: number, first: number, last: number): Map<number, string> {
  const lines = new Map<number, string>();
  let previousPiece: number | undefined;
  for (const chunk of store.symbols.chunksCovering(fileId, first, last)) {
    if (chunk.startLine === chunk.endLine && previousPiece === chunk.startLine) {
      lines.set(chunk.startLine, (lines.get(chunk.startLine) ?? '') + chunk.content);
      continue;
    }
    previousPiece = chunk.startLine === chunk.endLine ? chunk.startLine : undefined;
    const rows = chunk.content.split('\n');
    rows.forEach((row, index) => {
      const line = chunk.startLine + index;
      if (line >= first && line <= last && !lines.has(line)) lines.set(line, row);
    });
  }
  return lines;
}

const MAX_LINE_TEXT = 240;

/** A line as shown in a result: trimmed, capped. */
export function displayLine(text: string | undefined): string {
  const trimmed = (text ?? '').trim();
  return trimmed.length > MAX_LINE_TEXT ? `${trimmed.slice(0, MAX_LINE_TEXT - 1)}…` : trimmed;
}
