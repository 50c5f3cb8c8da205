import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deriveQueries, judgeCommit, LogParser, splitOf, COMMIT_MARK, type DerivationContext, type LoggedCommit } from '../../bench/commit-quality/queries.ts';

const PIN = 'f'.repeat(40);
const TREE = new Set(['src/router.ts', 'src/context.ts', 'src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts', 'src/router.test.ts', 'README.md', 'src/big.ts']);
const context: DerivationContext = {
  repo: 'acme/web',
  language: 'typescript',
  pin: PIN,
  existsAtPin: (file) => TREE.has(file),
  indexed: (file) => TREE.has(file) && file !== 'src/big.ts',
  maxSourceFiles: 3,
};

function commit(sha: string, subject: string, changes: string[]): LoggedCommit {
  return { sha: sha.padEnd(40, '0'), subject, changes: changes.map((change) => ({ status: change[0]!, path: change.slice(2) })) };
}

test('a commit becomes a query with its source files as the answer; tests and docs it changed are not answers', () => {
  const verdict = judgeCommit(commit('a1', 'fix(router): match suffix wildcard routes (#5236)', ['M src/router.ts', 'M src/router.test.ts', 'M README.md']), context);
  assert.ok('query' in verdict);
  assert.equal(verdict.query.query, 'match suffix wildcard routes');
  assert.equal(verdict.query.subject, 'fix(router): match suffix wildcard routes (#5236)');
  assert.deepEqual(verdict.query.expected, ['src/router.ts']);
  assert.equal(verdict.query.kind, 'prose');
  assert.equal(verdict.query.id, 'acme/web@a100000000');
});

test('commits without 1–3 surviving, indexed source files are rejected, each for its reason', () => {
  const reasons: [LoggedCommit, string][] = [
    [commit('b1', 'Add tests for the wildcard router', ['M src/router.test.ts']), 'no-source-file'],
    [commit('b2', 'Refactor the four core modules', ['M src/a.ts', 'M src/b.ts', 'M src/c.ts', 'M src/d.ts']), 'too-many-source-files'],
    [commit('b3', 'Move the router into its own module', ['D src/old-router.ts', 'M src/router.ts']), 'deletes-source-file'],
    [commit('b4', 'Add the legacy adapter for old clients', ['A src/legacy.ts']), 'missing-at-pin'],
    [commit('b5', 'Speed up the big generated table', ['M src/big.ts']), 'not-indexed'],
    [commit('b6', 'Bump typescript from 5.8 to 5.9', ['M src/router.ts']), 'version'],
    [commit(PIN, 'Keep the pinned commit itself out', ['M src/router.ts']), 'pin'],
  ];
  for (const [entry, reason] of reasons) {
    const verdict = judgeCommit(entry, context);
    assert.ok('rejection' in verdict, entry.subject);
    assert.equal(verdict.rejection, reason, entry.subject);
  }
});

test('derivation takes the newest qualifying commits up to the cap, once per subject', async () => {
  const history = [
    commit('c1', 'Fix the context header merge', ['M src/context.ts']),
    commit('c2', 'Release 4.13.3', ['M src/context.ts']),
    commit('c3', 'Fix the context header merge', ['M src/router.ts']),
    commit('c4', 'Handle params on unmatched requests', ['M src/router.ts']),
    commit('c5', 'Support the QUERY method in routers', ['M src/router.ts']),
  ];
  const { queries, stats } = await deriveQueries(history, context, 2);
  assert.deepEqual(queries.map((query) => query.sha.slice(0, 2)), ['c1', 'c4']);
  assert.equal(stats.commitsRead, 4);
  assert.deepEqual(stats.rejected, { version: 1, 'duplicate-subject': 1 });
});

test('the held-out split is a deterministic third of the commits', () => {
  const shas = Array.from({ length: 3000 }, (_, index) => index.toString(16).padStart(40, '0'));
  const held = shas.filter((sha) => splitOf(sha) === 'heldout').length;
  assert.ok(held > 900 && held < 1100, `held out ${held} of 3000`);
  assert.equal(splitOf(shas[7]!), splitOf(shas[7]!));
  assert.equal(splitOf(shas[7]!.toUpperCase()), splitOf(shas[7]!));
});

test('the log parser reads commits with their name-status lines', () => {
  const parser = new LogParser();
  const lines = [
    `${COMMIT_MARK}${'1'.repeat(40)}\x1fFix a: b (#1)`,
    '',
    'M\tsrc/a.ts',
    'A\tsrc/new file.ts',
    `${COMMIT_MARK}${'2'.repeat(40)}\x1fSecond commit subject here`,
    '',
    'D\t"src/tab\\there.ts"',
  ];
  const commits = lines.map((line) => parser.push(line)).filter((entry) => entry !== undefined);
  const last = parser.end();
  assert.equal(commits.length, 1);
  assert.deepEqual(commits[0], {
    sha: '1'.repeat(40),
    subject: 'Fix a: b (#1)',
    changes: [
      { status: 'M', path: 'src/a.ts' },
      { status: 'A', path: 'src/new file.ts' },
    ],
  });
  assert.deepEqual(last?.changes, [{ status: 'D', path: 'src/tab\there.ts' }]);
  assert.equal(parser.end(), undefined);
});
