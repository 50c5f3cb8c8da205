import type { SplitterKind } from '../chunk/chunk.ts';
import type { Chunker } from '../chunk/chunker.ts';
import type { LanguageInfo } from '../languages.ts';
import { roleOfFile } from '../roles/file-role.ts';
import { isTransientSkip, readFileContent, type FileContent, type SkipReason } from '../scan/file-content.ts';
import type { PreparedChunk } from '../store/index-store.ts';
import type { FileSymbols } from '../symbols/symbol.ts';
import type { TermCache } from '../tokenize.ts';
import type { FileRole } from '../../protocol/roles.ts';
import { prepareChunk } from './prepare.ts';

/** One file to derive: everything the work needs, so it can run in any thread. */
export interface DeriveRequest {
  readonly absolutePath: string;
  /** Root-relative, "/"-separated. */
  readonly path: string;
  readonly language: LanguageInfo;
  readonly splitter: SplitterKind;
  readonly maxBytes: number;
  /** The stored content hash, when the stored chunks are current: content with this hash is not chunked again. */
  readonly unchangedIfHash?: string | undefined;
}

/**
 * Everything Baton derives from one file's content: its hash and role, and
 * for text its prepared chunks (with search terms) and symbols. Plain data
 * (structured-clone safe), so a worker thread can send it back.
 */
export type DerivedFile =
  /** Could not be read this time, or is no longer a regular file (see SkipReason). */
  | { readonly kind: 'transient'; readonly reason: SkipReason }
  /** The same content as stored: nothing to rewrite but the size and mtime. */
  | { readonly kind: 'same'; readonly hash: string; readonly role: FileRole }
  /** Binary, minified or too large: stored without chunks. */
  | { readonly kind: 'skipped'; readonly hash: string; readonly role: FileRole }
  | {
      readonly kind: 'text';
      readonly hash: string;
      readonly role: FileRole;
      /** Characters of text, which batches are sized by. */
      readonly chars: number;
      readonly chunks: readonly PreparedChunk[];
      readonly symbols: FileSymbols | undefined;
    };

/** Reads, chunks, tokenizes and extracts one file: the CPU-heavy part of indexing. */
export async function deriveFile(chunker: Chunker, request: DeriveRequest): Promise<DerivedFile> {
  return deriveContent(chunker, request, await readFileContent(request.absolutePath, request.maxBytes));
}

/** The same, for content already read (a worker thread reads it with a blocking read). */
export async function deriveContent(chunker: Chunker, request: DeriveRequest, content: FileContent): Promise<DerivedFile> {
  if (content.kind === 'skipped' && isTransientSkip(content.reason)) return { kind: 'transient', reason: content.reason };
  const role = roleOfFile(request.path, content.kind === 'text' ? content.text : undefined);
  if (request.unchangedIfHash !== undefined && content.hash !== '' && content.hash === request.unchangedIfHash) return { kind: 'same', hash: content.hash, role };
  if (content.kind === 'skipped') return { kind: 'skipped', hash: content.hash, role };
  const { chunks, symbols } = await chunker.chunkAndExtract(content.text, request.language, request.splitter);
  const terms: TermCache = new Map();
  return { kind: 'text', hash: content.hash, role, chars: content.text.length, chunks: chunks.map((chunk) => prepareChunk(chunk, terms)), symbols };
}
