import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstFileTable, groupTable, headlineTable, summarise, type QueryRow } from '../../bench/commit-quality/report.ts';

function row(repo: string, language: string, split: 'tuning' | 'heldout', ranks: { baton?: number; bm25?: number; grep?: number }, firstRole = 'source'): QueryRow {
  const answer = (rank: number | undefined) => ({ rank, top: [{ file: 'src/a.ts', role: firstRole }] });
  return {
    id: `${repo}@${'0'.repeat(10)}`,
    repo,
    language,
    sha: '0'.repeat(40),
    subject: 'Handle the wildcard route',
    query: 'Handle the wildcard route',
    kind: 'prose',
    split,
    expected: ['src/a.ts'],
    set: split === 'tuning' ? 'main' : 'general',
    asks: [],
    baton: { ...answer(ranks.baton), chunks: 10, distinctFilesTop10: 5, ms: 1 },
    bm25: answer(ranks.bm25),
    grep: answer(ranks.grep),
  };
}

test('the tables take any number of columns: tuning beside held out, or the held-out repositories alone', () => {
  const tuning = summarise([row('acme/web', 'typescript', 'tuning', { baton: 1, bm25: 2 }), row('acme/web', 'typescript', 'tuning', { baton: 3 })], ['typescript']);
  const general = summarise(
    [row('acme/lib', 'java', 'heldout', { baton: 1, bm25: 1, grep: 7 }), row('acme/cli', 'go', 'heldout', { baton: 2, bm25: 1 }, 'test')],
    ['java', 'go'],
    ['acme/lib', 'acme/cli'],
  );

  const two = headlineTable([
    { label: 'tuning', summary: tuning, heldOut: false },
    { label: 'held out', summary: general, heldOut: true },
  ]);
  assert.equal(two[0], `  ${''.padEnd(13)} ${'tuning (n=2)'.padEnd(21)} │ held out (n=2) — never tune on these`);
  assert.match(two[2]!, /^ {2}Baton +50% +100% +0\.667 │ +50% +100% +0\.750$/);
  assert.match(two.at(-2)!, /Baton vs BM25 \(file\).*: tuning 2 better, 0 worse, 0 same; held out 0 better, 1 worse, 1 same$/);

  const one = headlineTable([{ label: 'held-out repositories', summary: general, heldOut: true }]);
  assert.equal(one[0], `  ${''.padEnd(13)} held-out repositories (n=2) — never tune on these`);
  assert.ok(one.every((line) => !line.includes('│')));

  const byRepository = groupTable('repository', [{ label: 'held-out repositories', summary: general, heldOut: true }], (summary) => summary.byRepository);
  assert.deepEqual(byRepository.slice(2).map((line) => line.trim().split(/\s+/).slice(0, 4)), [
    ['acme/lib', '1', '100%', '1.000'],
    ['acme/cli', '1', '100%', '0.500'],
  ]);

  const first = firstFileTable([{ label: 'held-out repositories', summary: general, heldOut: true }]);
  assert.match(first.find((line) => line.includes('a test (query names none)'))!, /a test \(query names none\) +50% +50% +50%$/);
  assert.equal(first.at(-1), '  (held-out repositories: 2 of 2 queries name none of them)');
});
