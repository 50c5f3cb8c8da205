import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import type { RepoRecipe } from '../../bench/commit-quality/recipe.ts';
import { commitsBeforePin, locateRepos, materialiseTree, pinnedPaths } from '../../bench/commit-quality/repos.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

const folder = tempFolder('quality-repos');
after(() => folder.remove());

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  }).trim();
}

/** A repository with three commits, published as a bare clone "acme+web" in a folder of clones. */
function makeRepository(): { clones: string; recipe: RepoRecipe; shas: string[] } {
  const work = path.join(folder.path, 'work');
  git(folder.path, 'init', '--quiet', '-b', 'main', work);
  const shas: string[] = [];
  const commit = (files: Record<string, string>, subject: string): void => {
    writeTree(work, files);
    git(work, 'add', '--all');
    git(work, 'commit', '--quiet', '-m', subject);
    shas.push(git(work, 'rev-parse', 'HEAD'));
  };
  commit({ 'src/router.ts': 'export const a = 1;\n', 'README.md': '# web\n' }, 'Add the router module');
  commit({ 'src/router.ts': 'export const a = 2;\n', 'src/router.test.ts': 'test\n' }, 'Fix the router wildcard match');
  commit({ 'src/big.ts': 'x'.repeat(5000), '.gitattributes': 'src/router.ts export-ignore\n' }, 'Add a big file');
  const clones = path.join(folder.path, 'clones');
  git(folder.path, 'clone', '--quiet', '--bare', work, path.join(clones, 'acme+web'));
  return { clones, recipe: { repo: 'acme/web', language: 'typescript', license: 'MIT', pin: shas.at(-1)!, pinDate: '' }, shas };
}

test('repositories are found in a folder of clones, their pinned tree written once, their history read newest first', async () => {
  const { clones, recipe, shas } = makeRepository();
  const other: RepoRecipe = { ...recipe, repo: 'acme/absent' };
  const { found, missing } = locateRepos([recipe, other], [path.join(folder.path, 'nowhere'), clones]);
  assert.deepEqual(missing.map((entry) => entry.repo), ['acme/absent']);
  assert.equal(found.length, 1);
  const located = found[0]!;
  assert.equal(path.resolve(located.gitDir), path.join(clones, 'acme+web'));

  // a folder named after the repository alone is found too, and a clone without the pinned commit is not used
  git(folder.path, 'clone', '--quiet', '--bare', path.join(clones, 'acme+web'), path.join(folder.path, 'by-name', 'web'));
  assert.equal(locateRepos([recipe], [path.join(folder.path, 'by-name')]).found.length, 1);
  assert.equal(locateRepos([{ ...recipe, pin: 'e'.repeat(40) }], [clones]).found.length, 0);

  const trees = path.join(folder.path, 'trees');
  const logged: string[] = [];
  const tree = materialiseTree(located, trees, 4096, (line) => logged.push(line));
  // export-ignore does not drop files; files over the size cap are left out
  assert.equal(readFileSync(path.join(tree, 'src/router.ts'), 'utf8'), 'export const a = 2;\n');
  assert.ok(existsSync(path.join(tree, 'README.md')));
  assert.ok(!existsSync(path.join(tree, 'src/big.ts')));
  assert.ok(pinnedPaths(located).has('src/big.ts'));
  assert.equal(logged.length, 1);
  // cached: the same recipe does not write the tree again
  writeFileSync(path.join(tree, 'marker.txt'), 'kept');
  assert.equal(materialiseTree(located, trees, 4096, (line) => logged.push(line)), tree);
  assert.equal(logged.length, 1);
  assert.ok(existsSync(path.join(tree, 'marker.txt')));
  // a different recipe (here the size cap) rebuilds it
  materialiseTree(located, trees, 8192, (line) => logged.push(line));
  assert.equal(logged.length, 2);
  assert.ok(!existsSync(path.join(tree, 'marker.txt')));
  assert.ok(existsSync(path.join(tree, 'src/big.ts')));

  const history = [];
  for await (const commit of commitsBeforePin(located)) history.push(commit);
  assert.deepEqual(history.map((commit) => commit.sha), [...shas].reverse());
  assert.deepEqual(history[1], {
    sha: shas[1],
    subject: 'Fix the router wildcard match',
    changes: [
      { status: 'A', path: 'src/router.test.ts' },
      { status: 'M', path: 'src/router.ts' },
    ],
  });
  // stopping early ends the git process instead of hanging
  for await (const commit of commitsBeforePin(located)) {
    assert.equal(commit.sha, shas[2]);
    break;
  }
});
