import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { FencedError } from '../../src/engine/errors.ts';
import { rebuildSearchTable } from '../../src/engine/indexing/rebuild-search-table.ts';
import { openDatabase } from '../../src/engine/store/database.ts';
import { IndexStore } from '../../src/engine/store/index-store.ts';
import { freshFtsTableName, ftsTableName } from '../../src/engine/store/schema.ts';
import { termsExpression } from '../../src/engine/search/fts-query.ts';
import { tempFolder } from '../helpers/paths.ts';

const WEIGHTS = { symbols: 8, path: 3, body: 1 };
const QUERIES = [['handler'], ['value', 'compute'], ['handler17', 'widget', 'value']];
const FILES = 240;

/** A codebase of FILES small TypeScript files whose words overlap. */
function writeCodebase(root: string): void {
  mkdirSync(path.join(root, 'src'));
  for (let index = 0; index < FILES; index++) {
    const extra = index % 3 === 0 ? `\nexport function widget${index}() {\n  return compute(${index});\n}\n` : '';
    writeFileSync(path.join(root, 'src', `file${index}.ts`), `export function handler${index}(value: number) {\n  return value * ${index};\n}\n${extra}`);
  }
}

/** Each query's ranking as (path, lines, bm25): what a search starts from, free of chunk ids. */
function rankings(store: IndexStore, codebaseId: number): string[] {
  return QUERIES.map((terms) =>
    JSON.stringify(store.search.candidates(codebaseId, termsExpression(terms)!, 500, WEIGHTS).map((candidate) => [candidate.path, candidate.startLine, candidate.endLine, candidate.bm25])),
  );
}

function tableExists(store: IndexStore, name: string): boolean {
  return store.db.prepare("SELECT 1 AS present FROM sqlite_master WHERE name = ?").get(name) !== undefined;
}

async function indexedFixture(): Promise<{ root: { path: string; remove: () => void }; home: { path: string; remove: () => void }; engine: Engine }> {
  const root = tempFolder('rebuild-root');
  const home = tempFolder('rebuild-home');
  writeCodebase(root.path);
  const engine = new Engine({ home: home.path, maxFileBytes: 1_000_000, maxFiles: 10_000 }, { soleWriter: true, indexing: { workers: 0 } });
  assert.equal((await (await engine.startIndex(root.path)).done).phase, 'done');
  return { root, home, engine };
}

test('a forced re-index ends with the search table of a fresh index: the same row count, the same rankings', async () => {
  const { root, home, engine } = await indexedFixture();
  const store = new IndexStore(openDatabase(home.path));
  try {
    const codebaseId = store.codebases.byRoot(root.path)!.id;
    const chunks = store.codebases.byId(codebaseId)!.chunkCount;
    assert.equal(store.search.ftsRowCount(codebaseId), chunks, 'a first index counts its rows exactly');
    const fresh = rankings(store, codebaseId);
    assert.equal((await (await engine.startIndex(root.path, { force: true })).done).phase, 'done');
    assert.equal(store.search.ftsRowCount(codebaseId), chunks, 'without the rebuild FTS5 would count every row twice');
    assert.deepEqual(rankings(store, codebaseId), fresh);
    assert.equal(tableExists(store, freshFtsTableName(codebaseId)), false);
    store.db.prepare(`INSERT INTO ${ftsTableName(codebaseId)}(${ftsTableName(codebaseId)}, rank) VALUES ('integrity-check', 0)`).run();
    // The swapped-in table is the one that edits and searches use from now on.
    writeFileSync(path.join(root.path, 'src', 'file5.ts'), 'export function renamedAfterRebuild() {}\n');
    await engine.refreshFiles(root.path, ['src/file5.ts']);
    assert.equal((await engine.search(root.path, 'renamedAfterRebuild', { limit: 1 })).results[0]?.file, 'src/file5.ts');
    assert.equal((await engine.search(root.path, 'handler7', { limit: 1 })).results[0]?.file, 'src/file7.ts');
  } finally {
    store.close();
    engine.close();
    root.remove();
    home.remove();
  }
});

test('a rebuild stopped midway leaves the live table as it was and no fresh table', async () => {
  const { root, home, engine } = await indexedFixture();
  engine.close();
  const store = new IndexStore(openDatabase(home.path));
  store.setWriteFence(() => {});
  try {
    const codebaseId = store.codebases.byRoot(root.path)!.id;
    const before = rankings(store, codebaseId);
    const count = store.search.ftsRowCount(codebaseId);
    const controller = new AbortController();
    const rebuilding = rebuildSearchTable(store, codebaseId, controller.signal);
    // The first slice is written before the first yield; stop it there.
    controller.abort(new DOMException('stopped', 'AbortError'));
    await assert.rejects(rebuilding, { name: 'AbortError' });
    assert.equal(tableExists(store, freshFtsTableName(codebaseId)), false);
    assert.equal(store.search.ftsRowCount(codebaseId), count);
    assert.deepEqual(rankings(store, codebaseId), before);
  } finally {
    store.close();
    root.remove();
    home.remove();
  }
});

test('a deposed writer cannot rebuild, and the live table stays', async () => {
  const { root, home, engine } = await indexedFixture();
  engine.close();
  const store = new IndexStore(openDatabase(home.path));
  const usurper = new IndexStore(openDatabase(home.path));
  try {
    const epoch = store.epochs.claimNext();
    const { epochFence } = await import('../../src/engine/store/epochs.ts');
    store.setWriteFence(epochFence(epoch), epoch);
    const codebaseId = store.codebases.byRoot(root.path)!.id;
    const before = rankings(store, codebaseId);
    usurper.epochs.claimNext();
    await assert.rejects(rebuildSearchTable(store, codebaseId, new AbortController().signal), FencedError);
    assert.equal(tableExists(store, freshFtsTableName(codebaseId)), false);
    assert.deepEqual(rankings(store, codebaseId), before);
  } finally {
    usurper.close();
    store.close();
    root.remove();
    home.remove();
  }
});

test('clearing a codebase drops a fresh table a rebuild left behind', async () => {
  const { root, home, engine } = await indexedFixture();
  const store = new IndexStore(openDatabase(home.path));
  try {
    const codebaseId = store.codebases.byRoot(root.path)!.id;
    store.setWriteFence(() => {});
    store.rebuild.begin(codebaseId);
    assert.equal(tableExists(store, freshFtsTableName(codebaseId)), true);
    await engine.clear(root.path);
    assert.equal(tableExists(store, freshFtsTableName(codebaseId)), false);
  } finally {
    store.close();
    engine.close();
    root.remove();
    home.remove();
  }
});
