import type { SplitterKind } from '../chunk/chunk.ts';
import type { Chunker } from '../chunk/chunker.ts';
import type { LanguageInfo } from '../languages.ts';
import { roleOfFile } from '../roles/file-role.ts';
import { isTransientSkip, readFileContent, type FileContent, type SkipReason } from '../scan/file-content.ts';
import type { HashedChunk, PreparedChunk } from '../store/index-store.ts';
import type { FileSymbols } from '../symbols/symbol.ts';
import type { FileRole } from '../../protocol/roles.ts';
import { addTerms, hashChunk } from './prepare.ts';

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

/** A text file's chunks and symbols; `Chunks` says how far its chunks are prepared. */
interface TextFile<Kind extends string, Chunks> {
  readonly kind: Kind;
  readonly hash: string;
  readonly role: FileRole;
  /** Characters of text, which batches are sized by. */
  readonly chars: number;
  readonly chunks: readonly Chunks[];
  readonly symbols: FileSymbols | undefined;
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
  | TextFile<'text', PreparedChunk>
  /** Text whose chunks still need their search terms (see withTerms): a worker left them to the writing thread. */
  | TextFile<'chunked', HashedChunk>;

/** A derived file ready to write: chunked text gets its search terms here, in the calling thread. */
export function withTerms(file: DerivedFile): Exclude<DerivedFile, { kind: 'chunked' }> {
  return file.kind === 'chunked' ? { ...file, kind: 'text', chunks: addTerms(file.chunks) } : file;
}

/** Which files derivation makes the search terms of; the others' are left to the thread that writes (see derive-pool.ts). */
export interface DeriveOptions {
  /** Files of at least this many characters (0: all). */
  readonly termsFromChars: number;
}

/** Reads, chunks, tokenizes and extracts one file: the CPU-heavy part of indexing. */
export async function deriveFile(chunker: Chunker, request: DeriveRequest): Promise<DerivedFile> {
  return deriveContent(chunker, request, await readFileContent(request.absolutePath, request.maxBytes), { termsFromChars: 0 });
}

/** The same, for content already read (a worker thread reads it with a blocking read). */
export async function deriveContent(chunker: Chunker, request: DeriveRequest, content: FileContent, options: DeriveOptions): Promise<DerivedFile> {
  if (content.kind === 'skipped' && isTransientSkip(content.reason)) return { kind: 'transient', reason: content.reason };
  const role = roleOfFile(request.path, content.kind === 'text' ? content.text : undefined);
  if (request.unchangedIfHash !== undefined && content.hash !== '' && content.hash === request.unchangedIfHash) return { kind: 'same', hash: content.hash, role };
  if (content.kind === 'skipped') return { kind: 'skipped', hash: content.hash, role };
  const { chunks, symbols } = await chunker.chunkAndExtract(content.text, request.language, request.splitter);
  const file = { kind: 'chunked', hash: content.hash, role, chars: content.text.length, chunks: chunks.map(hashChunk), symbols } as const;
  return file.chars >= options.termsFromChars ? withTerms(file) : file;
}
