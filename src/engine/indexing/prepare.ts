import type { Chunk } from '../chunk/chunk.ts';
import { contentHash } from '../scan/file-content.ts';
import type { PreparedChunk } from '../store/index-store.ts';
import { indexTerms } from '../tokenize.ts';

/** Adds the hash and the FTS terms to a chunk. */
export function prepareChunk(chunk: Chunk): PreparedChunk {
  return {
    startLine: chunk.startLine,
    endLine: chunk.endLine,
    content: chunk.content,
    contentHash: contentHash(chunk.content),
    symbols: chunk.symbols,
    symbolTerms: indexTerms(chunk.symbols),
    bodyTerms: indexTerms(chunk.content),
    ...(chunk.role ? { role: chunk.role } : {}),
  };
}
