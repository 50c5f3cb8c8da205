import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** What an index holds for one codebase, independent of row ids and of who wrote it. */
export function indexSnapshot(home: string, root?: string): { files: string[]; chunks: string[] } {
  const db = new DatabaseSync(path.join(home, 'index.db'), { readOnly: true });
  try {
    const where = root ? 'WHERE f.codebase_id = (SELECT id FROM codebases WHERE root = ?)' : '';
    const params = root ? [root] : [];
    const files = (db.prepare(`SELECT f.path || ':' || f.hash AS f FROM files f ${where} ORDER BY 1`).all(...params) as { f: string }[]).map((row) => row.f);
    const chunkSql = `SELECT f.path || ':' || c.start_line || '-' || c.end_line || ':' || c.content_hash AS c
      FROM chunks c JOIN files f ON f.id = c.file_id ${where} ORDER BY 1`;
    const chunks = (db.prepare(chunkSql).all(...params) as { c: string }[]).map((row) => row.c);
    return { files, chunks };
  } finally {
    db.close();
  }
}

/** A generated TypeScript tree of `files` files, big enough for indexing to take a while. */
export function generatedTree(files: number, functionsPerFile = 12): Record<string, string> {
  const tree: Record<string, string> = {};
  for (let i = 0; i < files; i++) {
    tree[`pkg${i % 40}/module${i}.ts`] = Array.from(
      { length: functionsPerFile },
      (_, j) => `export function operation${i}x${j}(value: number): number {\n  const scaled = value * ${j};\n  return scaled + ${i};\n}\n`,
    ).join('\n');
  }
  return tree;
}
