import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { FencedError } from '../../src/engine/errors.ts';
import { INDEX_FORMAT_VERSION } from '../../src/engine/indexing/index-format.ts';
import { openDatabase } from '../../src/engine/store/database.ts';
import { epochFence } from '../../src/engine/store/epochs.ts';
import { IndexStore, type FileUpdate } from '../../src/engine/store/index-store.ts';
import { tempFolder } from '../helpers/paths.ts';

const home = tempFolder('fence-home');
const stores: IndexStore[] = [];
after(() => {
  for (const store of stores) store.close();
  home.remove();
});

function open(): IndexStore {
  const store = new IndexStore(openDatabase(home.path));
  stores.push(store);
  return store;
}

const settings = { splitter: 'ast' as const, customExtensions: [], ignorePatterns: [] };

function update(path: string): FileUpdate {
  return {
    path,
    size: 1,
    mtimeMs: 1,
    hash: path,
    language: 'typescript',
    role: 'source',
    pathTerms: path,
    extension: 'ts',
    formatVersion: INDEX_FORMAT_VERSION,
    formatOptions: 'splitter=ast',
    chunks: [{ startLine: 1, endLine: 1, content: `// ${path}`, contentHash: path, symbols: '', symbolTerms: '', bodyTerms: path }],
  };
}

function rowCounts(store: IndexStore): { codebases: number; files: number; chunks: number } {
  const count = (table: string): number => (store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { codebases: count('codebases'), files: count('files'), chunks: count('chunks') };
}

test('a store nobody chose as the writer refuses every write (fail closed) and writes nothing', () => {
  const store = open();
  assert.throws(() => store.codebases.beginIndexing('/project', settings), (error: Error) => error instanceof FencedError && /not the index writer/.test(error.message));
  assert.deepEqual(rowCounts(store), { codebases: 0, files: 0, chunks: 0 });
});

test('after a second handle claims the next epoch, the first handle\'s batch throws and writes nothing', () => {
  const first = open();
  const second = open();
  const epochOne = first.epochs.claimNext();
  first.setWriteFence(epochFence(epochOne), epochOne);
  const codebase = first.codebases.beginIndexing('/project', settings);
  first.contents.applyBatch(codebase.id, [update('a.ts')], []);
  const before = rowCounts(first);

  const epochTwo = second.epochs.claimNext();
  assert.equal(epochTwo, epochOne + 1);
  second.setWriteFence(epochFence(epochTwo), epochTwo);

  assert.throws(() => first.contents.applyBatch(codebase.id, [update('b.ts'), update('c.ts')], ['a.ts']), (error: Error) => {
    assert.ok(error instanceof FencedError);
    assert.equal(error.ownEpoch, epochOne);
    assert.equal(error.storedEpoch, epochTwo);
    return true;
  });
  assert.deepEqual(rowCounts(second), before, 'the refused batch left no trace, not even its deletion');
  assert.throws(() => first.codebases.finishIndexing(codebase.id, 'indexed', 'done'), FencedError);

  second.contents.applyBatch(codebase.id, [update('b.ts')], []);
  assert.equal(rowCounts(second).files, 2);
  const writers = second.db.prepare('SELECT path, writer_epoch AS epoch FROM files ORDER BY path').all() as { path: string; epoch: number }[];
  assert.deepEqual(writers.map((row) => [row.path, row.epoch]), [['a.ts', epochOne], ['b.ts', epochTwo]]);
});
