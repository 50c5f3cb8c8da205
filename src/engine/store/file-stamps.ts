import type { StoreConnection } from './connection.ts';

/** What the index recorded of a file when it last read it. */
export interface FileStamp {
  readonly size: number;
  readonly mtimeMs: number;
}

/** Read-only: the size and mtime the index holds for files, to tell whether the disk has moved on. */
export class FileStamps {
  private readonly connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.connection = connection;
  }

  /** The stamps of these root-relative files of the codebase at `root` (files it does not hold are absent). */
  of(root: string, paths: readonly string[]): Map<string, FileStamp> {
    const stamps = new Map<string, FileStamp>();
    // One statement per list length (search results: at most a few dozen files).
    for (let start = 0; start < paths.length; start += 100) {
      const slice = paths.slice(start, start + 100);
      const sql = `SELECT f.path AS path, f.size AS size, f.mtime_ms AS mtimeMs FROM files f JOIN codebases c ON c.id = f.codebase_id
        WHERE c.root = ? AND f.path IN (${slice.map(() => '?').join(',')})`;
      const rows = this.connection.statement(sql).all(root, ...slice) as unknown as { path: string; size: number; mtimeMs: number }[];
      for (const row of rows) stamps.set(row.path, { size: row.size, mtimeMs: row.mtimeMs });
    }
    return stamps;
  }

  /**
   * A page of the codebase's files in path order (SQLite's byte order),
   * after `afterPath`: a catch-up pass reads the index this way, side by side
   * with a walk of the disk in the same order, without holding every stamp.
   */
  pageAfter(root: string, afterPath: string, limit: number): { path: string; size: number; mtimeMs: number }[] {
    return this.connection
      .statement(
        `SELECT f.path AS path, f.size AS size, f.mtime_ms AS mtimeMs FROM files f JOIN codebases c ON c.id = f.codebase_id
         WHERE c.root = ? AND f.path > ? ORDER BY f.path LIMIT ?`,
      )
      .all(root, afterPath, limit) as unknown as { path: string; size: number; mtimeMs: number }[];
  }

  /** The indexed files under a root-relative folder ('' for all of them): what a folder that went away took with it. */
  pathsUnder(root: string, folder: string): string[] {
    // "a/b/…" is exactly the range ["a/b/", "a/b0"): "0" follows "/" in every encoding.
    const [from, to] = folder === '' ? ['', '\u{10FFFF}'] : [`${folder}/`, `${folder}0`];
    const rows = this.connection
      .statement('SELECT f.path AS path FROM files f JOIN codebases c ON c.id = f.codebase_id WHERE c.root = ? AND f.path >= ? AND f.path < ?')
      .all(root, from, to) as unknown as { path: string }[];
    return rows.map((row) => row.path);
  }
}
