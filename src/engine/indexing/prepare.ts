import type { Chunk } from '../chunk/chunk.ts';
import { contentHash } from '../scan/file-content.ts';
import type { PreparedChunk } from '../store/index-store.ts';
import { indexTerms, type TermCache } from '../tokenize.ts';

/** Adds the hash and the FTS terms to a chunk; `terms` caches identifiers' terms across one file's chunks. */
export function prepareChunk(chunk: Chunk, terms?: TermCache): PreparedChunk {
  return {
    startLine: chunk.startLine,
    endLine: chunk.endLine,
    content: chunk.content,
    contentHash: contentHash(chunk.content),
    symbols: chunk.symbols,
    symbolTerms: indexTerms(chunk.symbols, terms),
    bodyTerms: indexTerms(chunk.content, terms),
    ...(chunk.role ? { role: chunk.role } : {}),
  };
}
