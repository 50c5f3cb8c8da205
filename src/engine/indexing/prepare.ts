import type { Chunk } from '../chunk/chunk.ts';
import { extensionOf } from '../languages.ts';
import { contentHash } from '../scan/file-content.ts';
import type { HashedChunk, PreparedChunk } from '../store/index-store.ts';
import { indexTerms, pathTerms, type TermCache } from '../tokenize.ts';

/*
 * What a chunk's row in the search table holds, column by column: made here
 * only, for the writer and for a rebuild of the table from the stored chunks
 * (rebuild-search-table.ts), which must give every row the very terms it was
 * written with.
 */

/** The search terms of a chunk's names and text (`cache` keeps identifiers' terms across one file's chunks). */
export function chunkSearchTerms(symbols: string, content: string, cache: TermCache): { symbolTerms: string; bodyTerms: string } {
  return { symbolTerms: indexTerms(symbols, cache), bodyTerms: indexTerms(content, cache) };
}

/** The search columns every chunk of a file shares: its path's terms and its extension. */
export function fileSearchTerms(path: string): { pathTerms: string; extension: string } {
  return { pathTerms: pathTerms(path), extension: extensionOf(path).slice(1) };
}

/** Adds the content hash to a chunk. */
export function hashChunk(chunk: Chunk): HashedChunk {
  return {
    startLine: chunk.startLine,
    endLine: chunk.endLine,
    content: chunk.content,
    contentHash: contentHash(chunk.content),
    symbols: chunk.symbols,
    ...(chunk.role ? { role: chunk.role } : {}),
  };
}

/** Adds the FTS terms to one file's chunks (the identifiers' terms are cached across them). */
export function addTerms(chunks: readonly HashedChunk[]): PreparedChunk[] {
  const terms: TermCache = new Map();
  return chunks.map((chunk) => ({ ...chunk, ...chunkSearchTerms(chunk.symbols, chunk.content, terms) }));
}

/** Adds the hash and the FTS terms to a chunk. */
export function prepareChunk(chunk: Chunk): PreparedChunk {
  return addTerms([hashChunk(chunk)])[0]!;
}
