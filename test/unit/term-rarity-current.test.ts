import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { INDEX_FORMAT_VERSION } from '../../src/engine/indexing/index-format.ts';
import { TermRarity } from '../../src/engine/search/term-rarity.ts';
import { openDatabase } from '../../src/engine/store/database.ts';
import { epochFence } from '../../src/engine/store/epochs.ts';
import { IndexStore, type FileUpdate } from '../../src/engine/store/index-store.ts';
import { tempFolder } from '../helpers/paths.ts';

const home = tempFolder('term-rarity-current');
after(() => home.remove());

function file(index: number, body: string): FileUpdate {
  return {
    path: `src/f${index}.ts`,
    size: body.length,
    mtimeMs: 1,
    hash: `h${index}`,
    language: 'typescript',
    role: 'source',
    pathTerms: `src f${index}`,
    extension: 'ts',
    formatVersion: INDEX_FORMAT_VERSION,
    formatOptions: 'splitter=ast',
    chunks: [{ startLine: 1, endLine: 1, content: body, contentHash: `c${index}`, symbols: '', symbolTerms: '', bodyTerms: body }],
  };
}

test("a term's current matches are counted again once the codebase changed, so the bm25 bound never uses an old count", () => {
  const store = new IndexStore(openDatabase(home.path));
  try {
    const epoch = store.epochs.claimNext();
    store.setWriteFence(epochFence(epoch), epoch);
    const id = store.codebases.beginIndexing('/project', { splitter: 'ast', customExtensions: [], ignorePatterns: [] }).id;
    store.contents.applyBatch(id, Array.from({ length: 300 }, (_, index) => file(index, index < 60 ? 'sprocket filler' : 'filler')), []);
    const rarity = new TermRarity(0.05, 100);
    const before = store.codebases.byId(id)!;
    assert.deepEqual(rarity.select(store, before, ['sprocket', 'filler']), { terms: ['sprocket'], rare: true });
    assert.equal(rarity.currentMatches(store, before, 'sprocket'), 60);
    // 20 chunks lose the word: the chunk count is the same, so select's cache stays, but the version moved.
    store.contents.applyBatch(id, Array.from({ length: 20 }, (_, index) => file(index, 'filler')), []);
    const after = store.codebases.byId(id)!;
    assert.notEqual(after.updatedAt, before.updatedAt);
    assert.equal(rarity.countedMatches(after, 'sprocket'), 60, 'the cached count select uses');
    assert.equal(rarity.currentMatches(store, after, 'sprocket'), 40);
    assert.equal(rarity.currentMatches(store, after, 'filler'), undefined, 'a common term has no exact count');
  } finally {
    store.close();
  }
});
