/** The shapes of what the store holds, shared by its tables and their callers. */

export type CodebaseStatus = 'indexing' | 'indexed' | 'failed';

export interface IndexSettings {
  readonly splitter: 'ast' | 'langchain';
  readonly customExtensions: readonly string[];
  readonly ignorePatterns: readonly string[];
}

export interface CodebaseRecord {
  readonly id: number;
  readonly root: string;
  readonly status: CodebaseStatus;
  readonly settings: IndexSettings;
  readonly totalFiles: number;
  readonly processedFiles: number;
  readonly fileCount: number;
  readonly chunkCount: number;
  readonly message: string;
  readonly createdAt: number;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly updatedAt: number;
}

export interface StoredFile {
  readonly id: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly hash: string;
  /** The index format and settings the file was chunked with (see indexing/index-format.ts). */
  readonly formatVersion: number;
  readonly formatOptions: string;
}

/** A chunk ready to store: its text plus the terms the FTS table indexes. */
export interface PreparedChunk {
  readonly startLine: number;
  readonly endLine: number;
  readonly content: string;
  readonly contentHash: string;
  readonly symbols: string;
  readonly symbolTerms: string;
  readonly bodyTerms: string;
}

/** One file's new state. `chunks: null` means the content is unchanged and only size/mtime move. */
export interface FileUpdate {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly hash: string;
  readonly language: string;
  readonly pathTerms: string;
  readonly extension: string;
  /** Recorded with new chunks: what produced them. */
  readonly formatVersion: number;
  readonly formatOptions: string;
  readonly chunks: readonly PreparedChunk[] | null;
}

export interface ChunkHit {
  readonly chunkId: number;
  readonly path: string;
  readonly language: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly content: string;
  /** bm25 as SQLite reports it: lower is better. */
  readonly bm25: number;
}
