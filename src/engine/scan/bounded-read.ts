import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** What reading a file for the index found. */
export type BoundedRead =
  | { readonly kind: 'data'; readonly data: Buffer }
  /** Larger than the cap (checked before reading, and again while reading: a file may grow). */
  | { readonly kind: 'too-large'; readonly size: number }
  /** Not a regular file any more: a FIFO, socket, device, folder or symbolic link took its place. */
  | { readonly kind: 'not-a-file' }
  /** Gone (deleted or moved away) since the scan saw it. */
  | { readonly kind: 'vanished' }
  /** There, but could not be opened or read (permissions, I/O error). */
  | { readonly kind: 'unreadable'; readonly code: string };

// Never block on open (a FIFO without a writer would hang a thread of libuv's pool
// forever) and never follow a link the scan did not follow. Windows has neither flag.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/**
 * Reads a whole regular file of at most `maxBytes`. The type is checked on
 * the open descriptor (fstat), so a file replaced by a FIFO after the scan is
 * reported, not waited on; the size cap applies before anything is read and
 * bounds the read itself, so a file that grew after the scan is never read
 * whole into memory.
 */
export async function readBounded(file: string, maxBytes: number): Promise<BoundedRead> {
  let handle: FileHandle;
  try {
    handle = await open(file, OPEN_FLAGS);
  } catch (error) {
    return openFailure(error);
  }
  try {
    let info: Stats;
    try {
      info = await handle.stat();
    } catch (error) {
      return { kind: 'unreadable', code: codeOf(error) };
    }
    if (!info.isFile()) return { kind: 'not-a-file' };
    if (info.size > maxBytes) return { kind: 'too-large', size: info.size };
    return await readUpTo(handle, maxBytes, info.size);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function readUpTo(handle: FileHandle, maxBytes: number, expectedSize: number): Promise<BoundedRead> {
  // One byte past the cap tells a file that grew beyond it from one that is exactly at it.
  const buffer: Buffer = Buffer.allocUnsafe(Math.min(maxBytes + 1, Math.max(expectedSize, 0) + 1));
  let length = 0;
  let chunk: Buffer = buffer;
  for (;;) {
    if (length === chunk.length) {
      if (length > maxBytes) return { kind: 'too-large', size: length };
      chunk = grow(chunk, length, maxBytes + 1);
    }
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(chunk, length, chunk.length - length, null));
    } catch (error) {
      return { kind: 'unreadable', code: codeOf(error) };
    }
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  if (length > maxBytes) return { kind: 'too-large', size: length };
  return { kind: 'data', data: chunk.subarray(0, length) };
}

/** A larger buffer holding the first `used` bytes of `buffer`, at most `limit` long. */
function grow(buffer: Buffer, used: number, limit: number): Buffer {
  const larger = Buffer.allocUnsafe(Math.min(limit, Math.max(buffer.length * 2, 64 * 1024)));
  buffer.copy(larger, 0, 0, used);
  return larger;
}

function openFailure(error: unknown): BoundedRead {
  const code = codeOf(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'vanished' };
  // O_NOFOLLOW on a link; EISDIR for a folder; ENXIO for a socket.
  if (code === 'ELOOP' || code === 'EISDIR' || code === 'ENXIO' || code === 'EMLINK') return { kind: 'not-a-file' };
  return { kind: 'unreadable', code };
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN';
}

/** Reads a small text file (an ignore file): its text, or undefined when it is not a readable regular file. */
export async function readSmallText(file: string, maxBytes: number): Promise<string | undefined> {
  const read = await readBounded(file, maxBytes);
  return read.kind === 'data' ? read.data.toString('utf8') : undefined;
}
