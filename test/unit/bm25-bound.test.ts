import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mergeLeftOut, pageVerdict, phraseScoreBound, prunePlan, type PrunePlan } from '../../src/engine/search/bm25-bound.ts';
import { combinedTermsExpression, singleTermExpression, termsExpression, type TermColumns } from '../../src/engine/search/fts-query.ts';
import { rankingConfig } from '../../src/engine/search/ranking-config.ts';
import { Searcher } from '../../src/engine/search/searcher.ts';
import { leadingVarint } from '../../src/engine/store/chunk-search.ts';
import type { ChunkCandidate, FileUpdate, IndexStore } from '../../src/engine/store/index-store.ts';
import { tempFolder } from '../helpers/paths.ts';
import { oneChunkFile, writableStore } from '../helpers/store-fixture.ts';

// A real FTS5 table of 4,000 chunks whose words have chosen frequencies: a few
// common ones, rarer ones, and lengths from a few words to a few hundred.
const CHUNKS = 4000;
const VOCABULARY: readonly [word: string, share: number][] = [
  ['widget', 0.45],
  ['handler', 0.35],
  ['gizmo', 0.08],
  ['sprocket', 0.06],
  ['flange', 0.03],
  ['ratchet', 0.012],
];
const WEIGHTS = [
  { symbols: 8, path: 3, body: 1 },
  { symbols: 1, path: 1, body: 1 },
  { symbols: 50, path: 0, body: 0.1 },
];

const home = tempFolder('bm25-bound');
let store: IndexStore;
let codebaseId: number;

/** mulberry32: the same chunks every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function words(next: () => number): { symbols: string; body: string } {
  const symbols: string[] = [];
  const body: string[] = [];
  const length = 3 + Math.floor(next() ** 3 * 300);
  for (let i = 0; i < length; i++) body.push(`filler${Math.floor(next() * 500)}`);
  for (const [word, share] of VOCABULARY) {
    if (next() >= share) continue;
    const repeats = 1 + Math.floor(next() ** 2 * 6);
    for (let i = 0; i < repeats; i++) body.push(word);
    if (next() < 0.3) symbols.push(word);
  }
  return { symbols: symbols.join(' '), body: body.join(' ') };
}

before(() => {
  ({ store, codebaseId } = writableStore(home.path));
  const next = random(7);
  const updates: FileUpdate[] = [];
  for (let i = 0; i < CHUNKS; i++) {
    const { symbols, body } = words(next);
    updates.push(oneChunkFile(i, body, symbols));
  }
  for (let start = 0; start < updates.length; start += 500) store.contents.applyBatch(codebaseId, updates.slice(start, start + 500), []);
});
after(() => {
  store.close();
  home.remove();
});

function matchesOf(term: string): number {
  return store.search.countMatches(codebaseId, singleTermExpression(term), CHUNKS + 1);
}

test("a chunk that matches one term scores below that term's bound, whatever the weights", () => {
  for (const weights of WEIGHTS) {
    for (const [word] of VOCABULARY) {
      const count = matchesOf(word);
      assert.ok(count > 0, word);
      const all = store.search.candidates(codebaseId, singleTermExpression(word), CHUNKS, weights);
      assert.equal(all.length, count);
      const best = Math.max(...all.map((candidate) => -candidate.bm25));
      assert.ok(best < phraseScoreBound(count, CHUNKS), `${word} ${JSON.stringify(weights)}: ${best} vs ${phraseScoreBound(count, CHUNKS)}`);
    }
  }
});

/**
 * The page a plan gives when it holds (the whole ranking's), or undefined;
 * `joined` when chunks holding both left-out terms were added to it.
 */
function plannedPage(
  search: IndexStore['search'],
  id: number,
  terms: readonly string[],
  plan: PrunePlan,
  leftOutMatches: readonly number[],
  rows: number,
  depth: number,
  weights: (typeof WEIGHTS)[number],
  columns: TermColumns = 'searched',
): { verdict: ReturnType<typeof pageVerdict>; page: ChunkCandidate[] | undefined; joined: boolean } {
  const page = search.candidatesWithin(id, termsExpression(terms, [], columns)!, termsExpression(plan.rest, [], columns)!, depth, weights);
  const verdict = pageVerdict(leftOutMatches, rows, page, depth);
  if (verdict === 'whole' || verdict === 'useless') return { verdict, page: verdict === 'whole' ? page : undefined, joined: false };
  const leftOut = combinedTermsExpression(plan.leftOut, verdict === 'withAll' ? 'AND' : 'OR', columns)!;
  const merged = mergeLeftOut(page, search.candidates(id, leftOut, depth, weights), depth);
  const onPage = new Set(page.map((candidate) => candidate.chunkId));
  return { verdict, page: merged, joined: merged?.some((candidate) => !onPage.has(candidate.chunkId)) === true };
}

test('a plan gives the whole ranking, scores and order: its page alone, or merged with the left-out terms\' best chunks (holding all, or any, of them)', () => {
  const outcomes = { whole: 0, withAll: 0, withAny: 0, joinedAll: 0, joinedAny: 0, refused: 0, twoLeftOut: 0 };
  // The least a left-out term matches: the default, and one low enough for this small index's rarer terms.
  const settings = WEIGHTS.flatMap((weights) => [20, 200].flatMap((depth) => [undefined, 100].map((minLeftOut) => ({ weights, depth, minLeftOut }))));
  // With and without the column names (the searcher leaves them out when no word can match the extension column).
  for (const { weights, depth, minLeftOut, columns } of settings.flatMap((setting) => (['searched', 'any'] as const).map((columns) => ({ ...setting, columns })))) {
    for (let mask = 3; mask < 1 << VOCABULARY.length; mask++) {
      const terms = VOCABULARY.filter((_, index) => mask & (1 << index)).map(([word]) => word);
      const plan = prunePlan(terms, matchesOf, CHUNKS, depth, minLeftOut);
      if (!plan) continue;
      if (plan.leftOut.length === 2) outcomes.twoLeftOut++;
      const { verdict, page, joined } = plannedPage(store.search, codebaseId, terms, plan, plan.leftOut.map(matchesOf), CHUNKS, depth, weights, columns);
      if (!page) {
        outcomes.refused++;
        continue;
      }
      if (verdict === 'whole' || verdict === 'withAll' || verdict === 'withAny') outcomes[verdict]++;
      if (joined) outcomes[verdict === 'withAll' ? 'joinedAll' : 'joinedAny']++;
      const whole = store.search.candidates(codebaseId, termsExpression(terms, [], columns)!, depth, weights);
      assert.deepEqual(page, whole, `${terms.join(' ')} ${JSON.stringify(weights)} depth ${depth} ${columns} (${verdict})`);
    }
  }
  // The fixture must exercise every outcome, and merges that add chunks to the page.
  const seen = JSON.stringify(outcomes);
  assert.ok(outcomes.whole >= 20 && outcomes.twoLeftOut >= 20, seen);
  assert.ok(outcomes.joinedAll >= 5 && outcomes.joinedAny >= 5, seen);
});

test("the searcher's pruned ranking, read in one snapshot, gives the answers the whole ranking gives", async () => {
  // Counting words makes plans (every word here is rare against 90 % of 4,000 chunks); not counting them makes none.
  const overrides = { commonShare: 0.9, commonMinimum: 100, coverageMaxMatches: 1_000_000 };
  const pruning = new Searcher(store, undefined, rankingConfig(overrides));
  const whole = new Searcher(store, undefined, rankingConfig({ ...overrides, commonMinimum: 1_000_000 }));
  const bounded = store.search.candidatesWithin.bind(store.search);
  let boundedRankings = 0;
  store.search.candidatesWithin = (...args) => {
    boundedRankings++;
    return bounded(...args);
  };
  try {
    for (let mask = 3; mask < 1 << VOCABULARY.length; mask++) {
      const query = VOCABULARY.filter((_, index) => mask & (1 << index))
        .map(([word]) => word)
        .join(' ');
      const before = boundedRankings;
      const answer = await whole.search('/project', query, { limit: 20 });
      assert.equal(boundedRankings, before, 'the whole ranking never plans');
      assert.deepEqual(await pruning.search('/project', query, { limit: 20 }), answer, query);
    }
  } finally {
    store.search.candidatesWithin = bounded;
    pruning.close();
    whole.close();
  }
  assert.ok(boundedRankings >= 10, `bounded rankings: ${boundedRankings}`);
});

test('merging the left-out terms\' best chunks: only those above the page join; a tie with its last, or a full list that may have cut some off, refuses', () => {
  const page = [
    { chunkId: 1, bm25: -20 },
    { chunkId: 2, bm25: -15 },
    { chunkId: 3, bm25: -10 },
  ];
  // 2 is on the page already (its score there counts every term); 7 is below the page.
  assert.deepEqual(
    mergeLeftOut(page, [{ chunkId: 9, bm25: -17 }, { chunkId: 2, bm25: -12 }, { chunkId: 7, bm25: -9 }], 3),
    [
      { chunkId: 1, bm25: -20 },
      { chunkId: 9, bm25: -17 },
      { chunkId: 2, bm25: -15 },
    ],
  );
  assert.deepEqual(mergeLeftOut(page, [{ chunkId: 7, bm25: -9 }], 3), page);
  assert.equal(mergeLeftOut(page, [{ chunkId: 8, bm25: -10 }], 3), undefined, 'a tie with the last');
  assert.equal(
    mergeLeftOut(page, [{ chunkId: 8, bm25: -25 }, { chunkId: 9, bm25: -22 }, { chunkId: 10, bm25: -21 }], 3),
    undefined,
    'a full list whose last made the page: the next one might have too',
  );
  assert.deepEqual(
    mergeLeftOut(page, [{ chunkId: 8, bm25: -25 }, { chunkId: 9, bm25: -16 }, { chunkId: 10, bm25: -12 }], 3),
    [
      { chunkId: 8, bm25: -25 },
      { chunkId: 1, bm25: -20 },
      { chunkId: 9, bm25: -16 },
    ],
    'a full list whose last is below the merged page: what it left out cannot reach it',
  );
  assert.equal(mergeLeftOut([], [{ chunkId: 8, bm25: -25 }], 3), undefined);
});

test('the plans: none for one term, repeated terms, unknown counts, a rare or not dominant most-common term, or rest too small to fill the page; two left out when both are common', () => {
  const counts: Record<string, number> = { big: 5000, mid: 400, small: 50, tiny: 3, even1: 3000, even2: 3000, even3: 3000 };
  const of = (term: string): number | undefined => counts[term];
  assert.equal(prunePlan(['big'], of, 100_000, 200), undefined);
  assert.equal(prunePlan(['big', 'big', 'mid'], of, 100_000, 200), undefined);
  assert.equal(prunePlan(['big', 'unknown'], of, 100_000, 200), undefined);
  assert.equal(prunePlan(['mid', 'small'], of, 100_000, 200), undefined);
  assert.equal(prunePlan(['big', 'small', 'tiny'], of, 100_000, 200), undefined);
  assert.equal(prunePlan(['even1', 'even2'], of, 100_000, 200)?.leftOut.length, 1);
  assert.deepEqual(prunePlan(['mid', 'big', 'small'], of, 100_000, 200), { leftOut: ['big'], rest: ['mid', 'small'] });
  // Two left out when both are common enough and the rest still fills the page.
  assert.deepEqual(prunePlan(['even3', 'mid', 'big'], of, 100_000, 200), { leftOut: ['big', 'even3'], rest: ['mid'] });
  assert.deepEqual(prunePlan(['even1', 'even2', 'even3'], of, 100_000, 200), { leftOut: ['even1', 'even2'], rest: ['even3'] });
  assert.deepEqual(prunePlan(['big', 'mid', 'small', 'even1'], of, 100_000, 200), { leftOut: ['big', 'even1'], rest: ['mid', 'small'] });
  // Not when the second is rare: one is.
  assert.deepEqual(prunePlan(['big', 'mid', 'small'], of, 100_000, 200), { leftOut: ['big'], rest: ['mid', 'small'] });
});

test('a term no chunk holds changes no score and no order: leaving it out of the ranking is exact', () => {
  for (const weights of WEIGHTS) {
    for (const terms of [['widget', 'gizmo'], ['gizmo', 'sprocket', 'flange'], ['ratchet', 'handler']]) {
      const dead = ['nosuchword', 'gizmosprocket', 'zzz'];
      assert.equal(matchesOf('nosuchword') + matchesOf('gizmosprocket') + matchesOf('zzz'), 0);
      const withDead = store.search.candidates(codebaseId, termsExpression([...terms, ...dead])!, 200, weights);
      assert.deepEqual(withDead, store.search.candidates(codebaseId, termsExpression(terms)!, 200, weights), `${terms.join(' ')} ${JSON.stringify(weights)}`);
    }
  }
});

test("after every chunk is written again (a forced re-index), the bound uses FTS5's row count, which kept the old rows", () => {
  const rewritten = tempFolder('bm25-bound-rewritten');
  const { store: again, codebaseId: id } = writableStore(rewritten.path);
  try {
    const next = random(7);
    const updates: FileUpdate[] = [];
    for (let i = 0; i < CHUNKS; i++) {
      const { symbols, body } = words(next);
      updates.push(oneChunkFile(i, body, symbols));
    }
    for (let round = 0; round < 2; round++) {
      for (let start = 0; start < updates.length; start += 500) again.contents.applyBatch(id, updates.slice(start, start + 500), []);
    }
    assert.equal(again.codebases.byId(id)!.chunkCount, CHUNKS);
    assert.equal(again.search.ftsRowCount(id), 2 * CHUNKS, 'FTS5 counts the deleted rows of a contentless_delete table');
    const count = (term: string): number => again.search.countMatches(id, singleTermExpression(term), CHUNKS + 1);
    let held = 0;
    let wrongWithChunkCount = 0;
    for (const weights of WEIGHTS) {
      for (const depth of [20, 200]) {
        for (let mask = 3; mask < 1 << VOCABULARY.length; mask++) {
          const terms = VOCABULARY.filter((_, index) => mask & (1 << index)).map(([word]) => word);
          const plan = prunePlan(terms, count, CHUNKS, depth);
          if (!plan) continue;
          const counts = plan.leftOut.map(count);
          const whole = again.search.candidates(id, termsExpression(terms)!, depth, weights);
          const withChunkCount = plannedPage(again.search, id, terms, plan, counts, CHUNKS, depth, weights).page;
          if (withChunkCount && JSON.stringify(withChunkCount) !== JSON.stringify(whole)) wrongWithChunkCount++;
          const page = plannedPage(again.search, id, terms, plan, counts, again.search.ftsRowCount(id)!, depth, weights).page;
          if (!page) continue;
          held++;
          assert.deepEqual(page, whole, `${terms.join(' ')} ${JSON.stringify(weights)} depth ${depth}`);
        }
      }
    }
    assert.ok(held >= 20, `held ${held}`);
    // What the test guards against: a bound from the chunk count accepts pages the whole ranking does not give.
    assert.ok(wrongWithChunkCount >= 1, `wrong pages with the chunk count: ${wrongWithChunkCount}`);
  } finally {
    again.close();
    rewritten.remove();
  }
});

test('leadingVarint reads SQLite varints', () => {
  assert.equal(leadingVarint(Uint8Array.of(0x05)), 5);
  assert.equal(leadingVarint(Uint8Array.of(0x81, 0x00)), 128);
  assert.equal(leadingVarint(Uint8Array.of(0x88, 0xc6, 0x46, 0xb0)), 140_102);
  // Nine bytes: the last one gives all its 8 bits.
  assert.equal(leadingVarint(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81, 0xff)), 511);
  assert.equal(leadingVarint(Uint8Array.of(0x81)), undefined);
  assert.equal(leadingVarint(new Uint8Array()), undefined);
});
