/** The shapes of what the store holds, shared by its tables and their callers. */

import type { FileRole } from '../../protocol/roles.ts';
import type { FileSymbols } from '../symbols/symbol.ts';

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

/** A chunk with its hash, before its search terms are made. */
export interface HashedChunk {
  readonly startLine: number;
  readonly endLine: number;
  readonly content: string;
  readonly contentHash: string;
  readonly symbols: string;
  /** The chunk's role when it differs from its file's (test code inside a source file). */
  readonly role?: FileRole | undefined;
}

/** A chunk ready to store: its text plus the terms the FTS table indexes. */
export interface PreparedChunk extends HashedChunk {
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
  readonly role: FileRole;
  readonly pathTerms: string;
  readonly extension: string;
  /** Recorded with new chunks: what produced them. */
  readonly formatVersion: number;
  readonly formatOptions: string;
  readonly chunks: readonly PreparedChunk[] | null;
  /** With new chunks: the file's definitions and references (undefined: none, e.g. a language without them). */
  readonly symbols?: FileSymbols | undefined;
}

/** A chunk as search ranks it, before its text is read. */
export interface ChunkCandidate {
  readonly chunkId: number;
  readonly fileId: number;
  readonly path: string;
  readonly language: string;
  readonly startLine: number;
  readonly endLine: number;
  /** Names the chunk defines, space-separated. */
  readonly symbols: string;
  /** The chunk's own role, else its file's, else (an index written before roles) its path's. */
  readonly role: FileRole;
  /** bm25 as SQLite reports it: lower is better; 0 for a chunk found otherwise (by vector). */
  readonly bm25: number;
}
