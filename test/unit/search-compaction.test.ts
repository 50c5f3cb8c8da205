import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { FencedError } from '../../src/engine/errors.ts';
import { compactSearchIndex, worthCompacting } from '../../src/engine/indexing/compact-after-run.ts';
import type { RunCounts } from '../../src/engine/indexing/index-pass.ts';
import { openDatabase } from '../../src/engine/store/database.ts';
import { IndexStore } from '../../src/engine/store/index-store.ts';
import { ftsTableName } from '../../src/engine/store/schema.ts';
import { tempFolder } from '../helpers/paths.ts';
import { oneChunkFile, writableStore } from '../helpers/store-fixture.ts';

const WEIGHTS = { symbols: 8, path: 3, body: 1 };
const QUERIES = [['alpha'], ['beta', 'gamma'], ['alpha', 'delta', 'omega']];
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'filler', 'other', 'thing'];

/** How many b-trees (segments) the codebase's FTS index has. */
function segments(store: IndexStore, codebaseId: number): number {
  const row = store.db.prepare(`SELECT count(DISTINCT segid) AS n FROM ${ftsTableName(codebaseId)}_idx`).get() as { n: number };
  return row.n;
}

/** FTS5's own check of the index against itself; throws when it is corrupt. */
function integrityCheck(store: IndexStore, codebaseId: number): void {
  const fts = ftsTableName(codebaseId);
  store.db.prepare(`INSERT INTO ${fts}(${fts}, rank) VALUES ('integrity-check', 0)`).run();
}

function rankings(store: IndexStore, codebaseId: number): string[] {
  return QUERIES.map((terms) => {
    const match = `{symbols path body} : (${terms.map((term) => `"${term}"`).join(' OR ')})`;
    return JSON.stringify(store.search.candidates(codebaseId, match, 1000, WEIGHTS).map((candidate) => [candidate.chunkId, candidate.bm25]));
  });
}

/**
 * A codebase written in many transactions (many b-trees), with one file of
 * each deleted again (tombstones: few enough that FTS5 does not merge the
 * b-trees itself, as it does once a tenth of a b-tree's rows are deleted).
 */
function fragmentedStore(home: string): { store: IndexStore; codebaseId: number } {
  const { store, codebaseId } = writableStore(home);
  for (let batch = 0; batch < 12; batch++) {
    const updates = Array.from({ length: 50 }, (_, offset) => {
      const index = batch * 50 + offset;
      const body = Array.from({ length: 5 + (index % 40) }, (_, word) => WORDS[(index * 7 + word * 3) % WORDS.length]).join(' ');
      return oneChunkFile(index, body, index % 5 === 0 ? 'alpha' : '');
    });
    store.contents.applyBatch(codebaseId, updates, []);
  }
  const deleted = Array.from({ length: 12 }, (_, batch) => `src/file${batch * 50}.ts`);
  store.contents.applyBatch(codebaseId, [], deleted);
  return { store, codebaseId };
}

test('merging leaves one b-tree and the same rankings, ids and scores alike', async () => {
  const home = tempFolder('compaction');
  const { store, codebaseId } = fragmentedStore(home.path);
  try {
    const before = rankings(store, codebaseId);
    assert.ok(segments(store, codebaseId) > 2, 'the fixture is written as several b-trees');
    await compactSearchIndex(store, codebaseId, new AbortController().signal);
    assert.equal(segments(store, codebaseId), 1);
    integrityCheck(store, codebaseId);
    assert.deepEqual(rankings(store, codebaseId), before);
    // Nothing left to merge: the next slice does no work.
    assert.equal(store.compaction.mergeSlice(codebaseId, 200, true), false);
  } finally {
    store.close();
    home.remove();
  }
});

test('a merge stopped between slices leaves a whole index that a later merge finishes', async () => {
  const home = tempFolder('compaction-abort');
  const { store, codebaseId } = fragmentedStore(home.path);
  try {
    const before = rankings(store, codebaseId);
    assert.equal(store.compaction.mergeSlice(codebaseId, 1, true), true, 'a slice of one page leaves work to do');
    integrityCheck(store, codebaseId);
    assert.deepEqual(rankings(store, codebaseId), before);
    const controller = new AbortController();
    controller.abort(new DOMException('stopped', 'AbortError'));
    await assert.rejects(compactSearchIndex(store, codebaseId, controller.signal), { name: 'AbortError' });
    await compactSearchIndex(store, codebaseId, new AbortController().signal);
    assert.equal(segments(store, codebaseId), 1);
    assert.deepEqual(rankings(store, codebaseId), before);
  } finally {
    store.close();
    home.remove();
  }
});

test('a deposed writer cannot merge', async () => {
  const home = tempFolder('compaction-fenced');
  const { store, codebaseId } = fragmentedStore(home.path);
  const usurper = new IndexStore(openDatabase(home.path));
  try {
    const trees = segments(store, codebaseId);
    usurper.epochs.claimNext();
    await assert.rejects(compactSearchIndex(store, codebaseId, new AbortController().signal), FencedError);
    assert.equal(segments(store, codebaseId), trees);
  } finally {
    usurper.close();
    store.close();
    home.remove();
  }
});

test('only a run that rewrote a quarter of the files merges', () => {
  const counts = (changed: number, deleted = 0): RunCounts => ({ changed, unchanged: 0, deleted, skipped: 0, unreadable: 0, vanished: 0, failed: 0 });
  assert.equal(worthCompacting(counts(250), 1000), true);
  assert.equal(worthCompacting(counts(100, 150), 1000), true);
  assert.equal(worthCompacting(counts(249), 1000), false);
  assert.equal(worthCompacting(counts(0), 0), false);
  assert.equal(worthCompacting(counts(0, 3), 0), false, 'a codebase whose files are all gone has nothing to search');
});

test('a full index ends merged; a run of one changed file does not merge', async () => {
  const home = tempFolder('compaction-engine');
  const root = tempFolder('compaction-root');
  // More files than one batch holds (index-pass.ts): the run writes several transactions.
  mkdirSync(path.join(root.path, 'src'));
  for (let index = 0; index < 450; index++) writeFileSync(path.join(root.path, 'src', `file${index}.ts`), `export function handler${index}(value: number) {\n  return value * ${index};\n}\n`);
  const engine = new Engine({ home: home.path, maxFileBytes: 1_000_000, maxFiles: 10_000 }, { soleWriter: true, indexing: { workers: 0 } });
  try {
    const final = await (await engine.startIndex(root.path)).done;
    assert.equal(final.phase, 'done');
    const store = new IndexStore(openDatabase(home.path));
    try {
      const codebaseId = store.codebases.byRoot(root.path)!.id;
      assert.equal(segments(store, codebaseId), 1);
      integrityCheck(store, codebaseId);
      const results = await engine.search(root.path, 'handler17', { limit: 3 });
      assert.equal(results.results[0]?.file, 'src/file17.ts');
      // One changed file: a run of one file's batch, not worth a merge; its b-tree stays on its own.
      writeFileSync(path.join(root.path, 'src', 'file3.ts'), 'export function renamedHandler() {}\n');
      const again = await (await engine.startIndex(root.path)).done;
      assert.equal(again.phase, 'done');
      assert.equal(segments(store, codebaseId), 2);
      assert.equal((await engine.search(root.path, 'renamedHandler', { limit: 1 })).results[0]?.file, 'src/file3.ts');
    } finally {
      store.close();
    }
  } finally {
    engine.close();
    root.remove();
    home.remove();
  }
});
