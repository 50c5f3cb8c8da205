import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Bm25FileBaseline, bm25QueryTerms, bm25Terms } from '../../bench/commit-quality/bm25.ts';
import { groupBy, metricsOf, shareOf } from '../../bench/commit-quality/metrics.ts';

test('Recall@1, Recall@5 and MRR@10 from the rank of each query', () => {
  const metrics = metricsOf([1, 2, 5, 6, 11, undefined]);
  assert.equal(metrics.queries, 6);
  assert.equal(metrics.recallAt1, 1 / 6);
  assert.equal(metrics.recallAt5, 3 / 6);
  // rank 11 and "not found" count 0
  assert.ok(Math.abs(metrics.mrrAt10 - (1 + 1 / 2 + 1 / 5 + 1 / 6) / 6) < 1e-12);
  assert.ok(Number.isNaN(metricsOf([]).recallAt5));
});

test('groups keep the requested order, empty ones included, then the rest sorted', () => {
  const groups = groupBy(['go:1', 'c:2', 'go:3', 'zig:4', 'ada:5'], (row) => row.split(':')[0]!, ['go', 'rust', 'c']);
  assert.deepEqual([...groups.keys()], ['go', 'rust', 'c', 'ada', 'zig']);
  assert.deepEqual(groups.get('go'), ['go:1', 'go:3']);
  assert.deepEqual(groups.get('rust'), []);
  assert.equal(shareOf([1, 2, 3, 4], (value) => value > 3), 0.25);
  assert.ok(Number.isNaN(shareOf([], () => true)));
});

test('BM25 terms: whole words lower-cased plus their camelCase and snake_case parts', () => {
  assert.deepEqual(bm25Terms('parseHTTPConfig(x_y, max_depth) a'), ['parsehttpconfig', 'parse', 'http', 'config', 'x_y', 'max_depth', 'max', 'depth']);
  assert.deepEqual(bm25Terms('__init__ Foo'), ['init', 'foo']);
  assert.deepEqual(bm25QueryTerms('Fix the maxDepth of the parser when the depth is zero'), ['fix', 'maxdepth', 'max', 'depth', 'parser', 'zero']);
});

test('BM25 ranks the file that matches the rare query words, and prefers the shorter of two equal matches', () => {
  const filler = 'return value result index count '.repeat(20);
  const baseline = new Bm25FileBaseline([
    { file: 'src/depth.ts', text: 'export function checkMaxDepth(depth) { if (depth > maxDepth) throw new DepthError(); }' },
    { file: 'src/other.ts', text: `export function parse(value) { ${filler} }` },
    { file: 'src/long.ts', text: `function checkMaxDepth() {} ${filler} ${filler}` },
    { file: 'src/unrelated.ts', text: 'const banner = "hello";' },
  ]);
  const ranking = baseline.rank('check the max depth');
  assert.deepEqual(ranking, ['src/depth.ts', 'src/long.ts']);
  // a word found in every document still ranks them, none twice
  const common = baseline.rank('return value');
  assert.deepEqual([...new Set(common)], common);
  assert.ok(!common.includes('src/unrelated.ts'));
  assert.deepEqual(baseline.rank('nothing matches zzz'), []);
});
