import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { matchStoredChunks, type StoredChunkRow } from '../../src/engine/store/chunk-reuse.ts';
import type { PreparedChunk } from '../../src/engine/store/records.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { indexSnapshot } from '../helpers/index-snapshot.ts';
import { tempFolder } from '../helpers/paths.ts';

/** A function of about 700 characters: big enough to be a chunk of its own (small neighbours are merged). */
function functionText(name: string, body: string): string {
  const steps = Array.from({ length: 14 }, (_, step) => `  const step${step} = scaled * ${step + 2} + value; // ${body}\n`).join('');
  return `export function ${name}(value: number): number {\n  const scaled = value * 3;\n${steps}  return scaled + step13;\n}\n`;
}

const NAMES = ['alphaMeasure', 'bravoMeasure', 'charlieMeasure', 'deltaMeasure', 'echoMeasure', 'foxtrotMeasure'];
const TERMS = ['alphameasure', 'bravomeasure', 'charliemeasure', 'deltameasure', 'echomeasure', 'foxtrotmeasure', 'hotelmeasure', 'scaled', 'tuned', 'plain'];

function original(): string {
  return NAMES.map((name) => functionText(name, 'plain')).join('\n');
}

/** A function added on top (every line below moves) and one body changed. */
function edited(): string {
  return [functionText('hotelMeasure', 'plain'), ...NAMES.map((name) => functionText(name, name === 'charlieMeasure' ? 'tuned' : 'plain'))].join('\n');
}

function chunkRows(engine: Engine): { id: number; startLine: number; hash: string }[] {
  return engine.store.db.prepare('SELECT id, start_line AS startLine, content_hash AS hash FROM chunks ORDER BY start_line').all() as { id: number; startLine: number; hash: string }[];
}

/** Which chunks (path and first line) each term's search-table rows point at: a row with wrong terms, or a stale one, shows. */
function termMatches(engine: Engine): Record<string, string[]> {
  const fts = `fts_${engine.listCodebases()[0]!.id}`;
  const statement = engine.store.db.prepare(
    `SELECT f.path || ':' || c.start_line AS at FROM ${fts} t JOIN chunks c ON c.id = t.rowid JOIN files f ON f.id = c.file_id WHERE ${fts} MATCH ? ORDER BY 1`,
  );
  return Object.fromEntries(TERMS.map((term) => [term, (statement.all(`"${term}"`) as { at: string }[]).map((row) => row.at)]));
}

function integrityCheck(engine: Engine): void {
  const fts = `fts_${engine.listCodebases()[0]!.id}`;
  engine.store.db.prepare(`INSERT INTO ${fts}(${fts}, rank) VALUES ('integrity-check', 0)`).run();
}

async function withProject(body: (engine: Engine, root: string, home: string) => Promise<void>): Promise<void> {
  const home = tempFolder('reuse-home');
  const project = tempFolder('reuse-project');
  writeTree(project.path, { 'src/measures.ts': original() });
  const engine = new Engine({ home: home.path, maxFileBytes: 1 << 20, maxFiles: 1000 }, { soleWriter: true, indexing: { workers: 0 } });
  try {
    const final = await (await engine.startIndex(project.path)).done;
    assert.equal(final.phase, 'done', final.message);
    await body(engine, project.path, home.path);
  } finally {
    engine.close();
    home.remove();
    project.remove();
  }
}

/** A clean index of the project as it is now, in a home of its own. */
async function cleanIndexOf(root: string): Promise<{ snapshot: ReturnType<typeof indexSnapshot>; terms: Record<string, string[]> }> {
  const home = tempFolder('reuse-clean');
  const engine = new Engine({ home: home.path, maxFileBytes: 1 << 20, maxFiles: 1000 }, { soleWriter: true, indexing: { workers: 0 } });
  try {
    const final = await (await engine.startIndex(root)).done;
    assert.equal(final.phase, 'done', final.message);
    return { snapshot: indexSnapshot(home.path, root), terms: termMatches(engine) };
  } finally {
    engine.close();
    home.remove();
  }
}

test('a saved file keeps the rows of its unchanged chunks, at their new lines, and rewrites only the changed ones', async () => {
  await withProject(async (engine, root, home) => {
    const before = chunkRows(engine);
    assert.ok(before.length >= NAMES.length, 'one chunk per function at least');
    const ftsRowsBefore = engine.store.search.ftsRowCount(engine.listCodebases()[0]!.id)!;
    writeFileSync(path.join(root, 'src/measures.ts'), edited());
    await engine.refreshFiles(root, ['src/measures.ts']);

    const after = chunkRows(engine);
    const beforeIds = new Map(before.map((row) => [row.hash, row.id]));
    const keptIds = after.filter((row) => beforeIds.get(row.hash) === row.id);
    const newRows = after.filter((row) => !beforeIds.has(row.hash));
    assert.ok(keptIds.length >= NAMES.length - 1, `the unchanged functions keep their rows (${keptIds.length} of ${after.length})`);
    assert.ok(newRows.length >= 2 && newRows.length < after.length, `the added and the changed function are new rows (${newRows.length})`);
    assert.ok(keptIds.some((row) => row.startLine !== before.find((old) => old.id === row.id)!.startLine), 'kept rows moved down with the code');
    // FTS5 counts a row for each insert: only the new chunks were written.
    assert.equal(engine.store.search.ftsRowCount(engine.listCodebases()[0]!.id), ftsRowsBefore + newRows.length);

    integrityCheck(engine);
    const clean = await cleanIndexOf(root);
    assert.deepEqual(indexSnapshot(home, root), clean.snapshot, 'the same chunks, lines and hashes as a clean index');
    assert.deepEqual(termMatches(engine), clean.terms, 'every term finds the same chunks as in a clean index');
    // A kept chunk answers at its new lines.
    const line = edited().split('\n').findIndex((text) => text.includes('function deltaMeasure')) + 1;
    const found = (await engine.search(root, 'deltaMeasure', { limit: 1 })).results[0];
    assert.ok(found && found.startLine <= line && found.endLine >= line && found.content.includes('function deltaMeasure'), `deltaMeasure at line ${line}: ${JSON.stringify(found)}`);
  });
});

test('a forced re-index re-chunks every file, keeps the rows it would write again, and ends equal to a clean index', async () => {
  await withProject(async (engine, root, home) => {
    const before = chunkRows(engine);
    writeFileSync(path.join(root, 'src/measures.ts'), edited());
    const final = await (await engine.startIndex(root, { force: true })).done;
    assert.equal(final.phase, 'done', final.message);
    const after = chunkRows(engine);
    const beforeIds = new Map(before.map((row) => [row.hash, row.id]));
    assert.ok(after.filter((row) => beforeIds.get(row.hash) === row.id).length >= NAMES.length - 1, 'the unchanged functions keep their rows');
    // The search table was built anew: FTS5 counts exactly one row per chunk (a rewrite in place counts every deleted one too).
    assert.equal(engine.store.search.ftsRowCount(engine.listCodebases()[0]!.id), after.length);
    integrityCheck(engine);
    const clean = await cleanIndexOf(root);
    assert.deepEqual(indexSnapshot(home, root), clean.snapshot);
    assert.deepEqual(termMatches(engine), clean.terms);
  });
});

test('chunks written under an older index format are not kept: their terms may differ', async () => {
  await withProject(async (engine, root) => {
    const before = new Set(chunkRows(engine).map((row) => row.id));
    engine.store.db.prepare('UPDATE files SET format_version = format_version - 1').run();
    writeFileSync(path.join(root, 'src/measures.ts'), edited());
    await engine.refreshFiles(root, ['src/measures.ts']);
    const after = chunkRows(engine);
    assert.ok(after.length > 0 && after.every((row) => !before.has(row.id)));
    integrityCheck(engine);
  });
});

function stored(id: number, hash: string, startLine: number, symbols = ''): StoredChunkRow {
  return { id, contentHash: hash, symbols, startLine, endLine: startLine + 4, role: null };
}

function fresh(hash: string, startLine: number, symbols = ''): PreparedChunk {
  return { contentHash: hash, symbols, startLine, endLine: startLine + 4, content: hash, symbolTerms: '', bodyTerms: '' };
}

test('equal chunks pair in line order; names count as much as text', () => {
  const reuse = matchStoredChunks(
    [stored(3, 'b', 20), stored(1, 'a', 1), stored(2, 'a', 10), stored(4, 'c', 30, 'oldName')],
    [fresh('a', 5), fresh('x', 9), fresh('a', 15), fresh('a', 25), fresh('c', 35, 'newName')],
  );
  assert.deepEqual(reuse.kept.map(({ row, chunk }) => [row.id, chunk.startLine]), [[1, 5], [2, 15]]);
  assert.deepEqual(reuse.added.map((chunk) => chunk.startLine), [9, 25, 35]);
  assert.deepEqual([...reuse.goneIds].sort(), [3, 4]);
});
