import type { PreparedChunk } from './records.ts';

/** A stored chunk as a rewrite of its file compares it. */
export interface StoredChunkRow {
  readonly id: number;
  readonly contentHash: string;
  readonly symbols: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly role: string | null;
}

/** How a file's new chunks map onto its stored ones. */
export interface ChunkReuse {
  /** New chunks whose row is already stored (same text, same names): the row stays, with these lines and role. */
  readonly kept: readonly { readonly row: StoredChunkRow; readonly chunk: PreparedChunk }[];
  /** Stored rows no new chunk matches: they go. */
  readonly goneIds: readonly number[];
  /** New chunks with no stored row: they are written. */
  readonly added: readonly PreparedChunk[];
}

/**
 * Pairs a file's new chunks with its stored rows that hold the same search
 * terms. A chunk's row in the search table is made from its text and its
 * names (and its file's path, which a rewrite keeps: see prepare.ts), so a
 * stored chunk with the same text hash and names needs no new row, only its
 * lines when code above it moved. Saving a file then rewrites the chunks that
 * changed, not all of them: every deleted row costs each later search on its
 * FTS5 segment a tombstone lookup, and the editor's save the whole file's rows.
 * Equal chunks pair in line order.
 */
export function matchStoredChunks(stored: readonly StoredChunkRow[], chunks: readonly PreparedChunk[]): ChunkReuse {
  const waiting = new Map<string, StoredChunkRow[]>();
  for (const row of [...stored].sort((a, b) => a.startLine - b.startLine || a.id - b.id)) {
    const key = reuseKey(row.contentHash, row.symbols);
    const rows = waiting.get(key);
    if (rows) rows.push(row);
    else waiting.set(key, [row]);
  }
  const kept: { row: StoredChunkRow; chunk: PreparedChunk }[] = [];
  const added: PreparedChunk[] = [];
  for (const chunk of chunks) {
    const row = waiting.get(reuseKey(chunk.contentHash, chunk.symbols))?.shift();
    if (row) kept.push({ row, chunk });
    else added.push(chunk);
  }
  const goneIds = [...waiting.values()].flat().map((row) => row.id);
  return { kept, goneIds, added };
}

function reuseKey(contentHash: string, symbols: string): string {
  return `${contentHash}\u0000${symbols}`;
}
