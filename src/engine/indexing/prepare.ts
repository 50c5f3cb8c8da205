import type { Chunk } from '../chunk/chunk.ts';
import { contentHash } from '../scan/file-content.ts';
import type { HashedChunk, PreparedChunk } from '../store/index-store.ts';
import { indexTerms, type TermCache } from '../tokenize.ts';

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
  return chunks.map((chunk) => ({ ...chunk, symbolTerms: indexTerms(chunk.symbols, terms), bodyTerms: indexTerms(chunk.content, terms) }));
}

/** Adds the hash and the FTS terms to a chunk. */
export function prepareChunk(chunk: Chunk): PreparedChunk {
  return addTerms([hashChunk(chunk)])[0]!;
}
