import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { rankingConfig } from '../../src/engine/search/ranking-config.ts';
import { ChunkSearch } from '../../src/engine/store/chunk-search.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

/**
 * 120 one-chunk files: "framing" in 20 of them, "alpha" in 2 and "beta" in 2.
 * With a coverage limit of 5 matches, "framing" never counts toward a file's
 * coverage; the question is only whether its list is read to find that out.
 */
function files(): Record<string, string> {
  const tree: Record<string, string> = {};
  for (let index = 0; index < 120; index++) {
    const words = [index < 20 ? 'framing' : '', index === 3 || index === 40 ? 'alpha' : '', index === 3 || index === 41 ? 'beta' : ''].filter(Boolean);
    tree[`src/file${index}.ts`] = `// ${words.join(' ')}\nexport const value${index} = ${index};\n`;
  }
  return tree;
}

const home = tempFolder('coverage-home');
const project = tempFolder('coverage-project');
// Every term is counted (the codebase has at least `commonMinimum` chunks) and none is common.
const ranking = rankingConfig({ commonMinimum: 100, commonShare: 0.9, coverageMaxMatches: 5 });
let engine: Engine;

before(async () => {
  writeTree(project.path, files());
  engine = new Engine({ home: home.path, maxFileBytes: 1024 * 1024, maxFiles: 50_000 }, { soleWriter: true, ranking });
  const final = await (await engine.startIndex(project.path, {})).done;
  assert.equal(final.phase, 'done', final.message);
  assert.ok(final.chunkCount >= 100, `the fixture must have at least 100 chunks, has ${final.chunkCount}`);
});
after(() => {
  engine.close();
  home.remove();
  project.remove();
});

test('coverage does not read the list of a word already counted past its limit, and still ranks by the others', async () => {
  const read: string[] = [];
  const original = ChunkSearch.prototype.matchingIds;
  ChunkSearch.prototype.matchingIds = function (this: ChunkSearch, codebaseId: number, match: string, limit: number) {
    read.push(match);
    return original.call(this, codebaseId, match, limit);
  };
  try {
    const { results } = await engine.search(project.path, 'framing alpha beta', { limit: 10 });
    assert.deepEqual(read.map((match) => /"(\w+)"/.exec(match)?.[1]).sort(), ['alpha', 'beta']);
    // file3 has both counted words: full coverage puts it first.
    assert.equal(results[0]?.file, 'src/file3.ts');
  } finally {
    ChunkSearch.prototype.matchingIds = original;
  }
});

test('a word that matches no chunk is left out of the ranking, and found again once a file holds it', async () => {
  const ranked: string[] = [];
  const original = ChunkSearch.prototype.candidates;
  ChunkSearch.prototype.candidates = function (this: ChunkSearch, ...args: Parameters<typeof original>) {
    ranked.push(args[1]);
    return original.apply(this, args);
  };
  try {
    const before = await engine.search(project.path, 'alpha zebra', { limit: 10 });
    assert.ok(ranked.length > 0 && ranked.every((match) => !match.includes('"zebra"')), ranked.join(' | '));
    assert.deepEqual(before.results.map((result) => result.file).sort(), ['src/file3.ts', 'src/file40.ts']);
    // The cached count of "zebra" (0) is from before this write: it must be counted again.
    writeTree(project.path, { 'src/zoo.ts': '// zebra\nexport const zoo = 1;\n' });
    await engine.refreshFiles(project.path, ['src/zoo.ts']);
    ranked.length = 0;
    const after = await engine.search(project.path, 'alpha zebra', { limit: 10 });
    assert.ok(ranked.some((match) => match.includes('"zebra"')), ranked.join(' | '));
    assert.ok(after.results.some((result) => result.file === 'src/zoo.ts'), JSON.stringify(after.results.map((result) => result.file)));
  } finally {
    ChunkSearch.prototype.candidates = original;
  }
});
