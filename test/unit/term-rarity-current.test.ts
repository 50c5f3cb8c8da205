import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { TermRarity } from '../../src/engine/search/term-rarity.ts';
import { tempFolder } from '../helpers/paths.ts';
import { oneChunkFile, writableStore } from '../helpers/store-fixture.ts';

const home = tempFolder('term-rarity-current');
after(() => home.remove());

test("a term's current matches are counted again once the codebase changed, so the bm25 bound never uses an old count", () => {
  const { store, codebaseId: id } = writableStore(home.path);
  try {
    store.contents.applyBatch(id, Array.from({ length: 300 }, (_, index) => oneChunkFile(index, index < 60 ? 'sprocket filler' : 'filler')), []);
    const rarity = new TermRarity(0.05, 100);
    const before = store.codebases.byId(id)!;
    assert.deepEqual(rarity.select(store, before, ['sprocket', 'filler']), { terms: ['sprocket'], rare: true });
    assert.equal(rarity.currentMatches(store, before, 'sprocket'), 60);
    // 20 chunks lose the word: the chunk count is the same, so select's cache stays, but the version moved.
    store.contents.applyBatch(id, Array.from({ length: 20 }, (_, index) => oneChunkFile(index, 'filler')), []);
    const after = store.codebases.byId(id)!;
    assert.notEqual(after.updatedAt, before.updatedAt);
    assert.equal(rarity.countedMatches(after, 'sprocket'), 60, 'the cached count select uses');
    assert.equal(rarity.currentMatches(store, after, 'sprocket'), 40);
    assert.equal(rarity.currentMatches(store, after, 'filler'), undefined, 'a common term has no exact count');
  } finally {
    store.close();
  }
});
