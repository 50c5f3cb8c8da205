/** One searchable piece of a file. Lines are 1-based and inclusive. */
export interface Chunk {
  readonly startLine: number;
  readonly endLine: number;
  readonly content: string;
  /** Names defined in this chunk (functions, classes, methods…), space-separated. */
  readonly symbols: string;
  /** Set when the chunk is test code inside a file of another role (Rust's `#[cfg(test)] mod tests`). */
  readonly role?: 'test';
}

export type SplitterKind = 'ast' | 'langchain';

export interface ChunkLimits {
  /** Target upper size of a chunk in characters. */
  readonly maxChars: number;
  /** Lines repeated between neighbouring chunks of the text splitter. */
  readonly overlapLines: number;
}

export const DEFAULT_CHUNK_LIMITS: ChunkLimits = { maxChars: 2000, overlapLines: 3 };
