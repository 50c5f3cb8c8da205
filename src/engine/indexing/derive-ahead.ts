import type { ScannedFile } from '../scan/scanner.ts';
import type { DerivedFile } from './file-derivation.ts';

/**
 * Derives the files to process in order, keeping up to `window` derivations
 * in flight ahead of the consumer: the worker threads never wait for the
 * writer, and no more than `window` files' results are held at once.
 */
export class DeriveAhead {
  private readonly files: readonly ScannedFile[];
  private readonly start: (file: ScannedFile) => Promise<DerivedFile>;
  private readonly window: number;
  private readonly pending = new Map<string, Promise<DerivedFile>>();
  private next = 0;

  constructor(files: readonly ScannedFile[], start: (file: ScannedFile) => Promise<DerivedFile>, window: number) {
    this.files = files;
    this.start = start;
    this.window = Math.max(1, window);
  }

  take(file: ScannedFile): Promise<DerivedFile> {
    while (this.next < this.files.length && this.pending.size < this.window) {
      const ahead = this.files[this.next++]!;
      const derivation = this.start(ahead);
      derivation.catch(() => undefined); // consumed by take(); a failure must not go unhandled before that
      this.pending.set(ahead.path, derivation);
    }
    const derivation = this.pending.get(file.path) ?? this.start(file);
    this.pending.delete(file.path);
    return derivation;
  }
}
