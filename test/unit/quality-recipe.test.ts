import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GENERAL_REPOS, REPOS, reposOfSet } from '../../bench/commit-quality/recipe.ts';

test('--set picks the main set, the held-out repositories, or both (main first)', () => {
  assert.deepEqual(reposOfSet('main').map((entry) => [entry.recipe, entry.set]), REPOS.map((recipe) => [recipe, 'main']));
  assert.deepEqual(reposOfSet('general').map((entry) => [entry.recipe, entry.set]), GENERAL_REPOS.map((recipe) => [recipe, 'general']));
  assert.deepEqual(reposOfSet('all').map((entry) => entry.recipe.repo), [...REPOS, ...GENERAL_REPOS].map((recipe) => recipe.repo));
});

test('the held-out repositories share none with the main set, and neither holds the other team\'s repositories', () => {
  const key = (repo: string) => repo.toLowerCase();
  const main = new Set(REPOS.map((recipe) => key(recipe.repo)));
  assert.deepEqual(GENERAL_REPOS.filter((recipe) => main.has(key(recipe.repo))), []);
  for (const recipe of [...REPOS, ...GENERAL_REPOS]) {
    assert.ok(!['modelcontextprotocol/typescript-sdk', 'google/gson'].includes(key(recipe.repo)), recipe.repo);
    assert.match(recipe.pin, /^[0-9a-f]{40}$/, recipe.repo);
  }
  assert.equal(new Set([...REPOS, ...GENERAL_REPOS].map((recipe) => key(recipe.repo))).size, REPOS.length + GENERAL_REPOS.length);
});
