import { createHash } from 'node:crypto';
import { readBounded, readBoundedSync, type BoundedRead } from './bounded-read.ts';

/** Why a file was not indexed as text. */
export type SkipReason = 'binary' | 'minified' | 'too-large' | 'unreadable' | 'vanished' | 'not-a-file';

export type FileContent =
  | { readonly kind: 'text'; readonly text: string; readonly hash: string; readonly size: number }
  | { readonly kind: 'skipped'; readonly reason: SkipReason; readonly hash: string; readonly size: number };

const SNIFF_BYTES = 8192;
/** Average line length past which a file is taken as minified or generated. */
const MINIFIED_AVERAGE_LINE = 300;
const MINIFIED_MIN_SIZE = 4096;

export function contentHash(data: string | Uint8Array): string {
  return createHash('sha1').update(data).digest('hex');
}

/**
 * Reads a file for indexing. Binary files (a NUL byte, or mostly invalid
 * UTF-8, near the start), minified files and files over the cap are reported
 * as skipped rather than indexed; so are files that vanished, stopped being
 * regular files or could not be read since the scan (each with its own
 * reason: the caller retries those, where a binary file stays skipped until
 * it changes). Invalid UTF-8 elsewhere is decoded with replacement
 * characters, so a Latin-1 comment does not lose a source file.
 */
export async function readFileContent(absolutePath: string, maxBytes: number): Promise<FileContent> {
  return contentOf(await readBounded(absolutePath, maxBytes));
}

/** The same, blocking (for a worker thread: see readBoundedSync). */
export function readFileContentSync(absolutePath: string, maxBytes: number): FileContent {
  return contentOf(readBoundedSync(absolutePath, maxBytes));
}

function contentOf(read: BoundedRead): FileContent {
  if (read.kind === 'too-large') return { kind: 'skipped', reason: 'too-large', hash: '', size: read.size };
  if (read.kind !== 'data') return { kind: 'skipped', reason: read.kind, hash: '', size: 0 };
  const data = read.data;
  const hash = contentHash(data);
  const size = data.length;
  const head = data.subarray(0, SNIFF_BYTES);
  if (head.includes(0) || mostlyInvalidUtf8(head)) return { kind: 'skipped', reason: 'binary', hash, size };
  const text = data.toString('utf8');
  if (looksMinified(text)) return { kind: 'skipped', reason: 'minified', hash, size };
  return { kind: 'text', text, hash, size };
}

/** Skip reasons that say nothing about the file's content: the file is tried again on the next run. */
export function isTransientSkip(reason: SkipReason): boolean {
  return reason === 'unreadable' || reason === 'vanished' || reason === 'not-a-file';
}

function mostlyInvalidUtf8(head: Buffer): boolean {
  if (head.length === 0) return false;
  const decoded = head.toString('utf8');
  let replacements = 0;
  for (let i = decoded.indexOf('\uFFFD'); i !== -1; i = decoded.indexOf('\uFFFD', i + 1)) replacements++;
  return replacements / decoded.length > 0.1;
}

function looksMinified(text: string): boolean {
  if (text.length < MINIFIED_MIN_SIZE) return false;
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.length / lines > MINIFIED_AVERAGE_LINE;
}
