import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { FreshnessCheck, type FreshnessOptions } from '../../src/engine/search/freshness.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { eventually } from '../helpers/eventually.ts';
import { Gate } from '../helpers/gate.ts';
import { tempFolder } from '../helpers/paths.ts';

const home = tempFolder('fresh-home');
const project = tempFolder('fresh-project');
let engine: Engine;

const CONFIG = SAMPLE_PROJECT['src/config.ts']!;

before(async () => {
  writeTree(project.path, SAMPLE_PROJECT);
  engine = new Engine({ home: home.path, maxFileBytes: 1024 * 1024, maxFiles: 50_000 }, { soleWriter: true });
  const final = await (await engine.startIndex(project.path)).done;
  assert.equal(final.phase, 'done');
});
after(() => {
  engine.close();
  home.remove();
  project.remove();
});

function check(options: Partial<FreshnessOptions> = {}): FreshnessCheck {
  return new FreshnessCheck(engine.store.stamps, { budgetMs: 500, maxFileBytes: 1024 * 1024, ...options });
}

function searchFor(query: string) {
  return () => engine.search(project.path, query, { limit: 10 });
}

/** Puts the sample project back and re-indexes what changed. */
async function restore(): Promise<void> {
  writeTree(project.path, SAMPLE_PROJECT);
  await engine.refreshFiles(project.path, Object.keys(SAMPLE_PROJECT));
}

test('results of unchanged files pass as they are', async () => {
  const plain = await searchFor('parseConfig')();
  const checked = await check().search(searchFor('parseConfig'));
  assert.deepEqual(checked.results, plain.results);
  assert.equal(checked.leftOut, 0);
});

test('a changed file is re-indexed within the budget and the search run again', async () => {
  const refreshed: string[][] = [];
  writeFileSync(path.join(project.path, 'src/config.ts'), CONFIG.replace('parseConfig(file', 'parseSettings(file'));
  const checked = await check({
    refresh: async (root, files) => {
      refreshed.push(files);
      await engine.refreshFiles(root, files);
    },
  }).search(searchFor('parseConfig parseSettings'));
  assert.deepEqual(refreshed, [['src/config.ts']]);
  const config = checked.results.find((hit) => hit.file === 'src/config.ts');
  assert.ok(config?.content.includes('parseSettings(file'), JSON.stringify(checked.results));
  assert.equal(config?.stale, undefined);
  await restore();
});

test('past the budget, or with nobody to re-index, a changed file’s results are vouched for line by line and the refresh carries on', async () => {
  // A comment line at the end: every chunk keeps its lines, the file's size changes.
  writeFileSync(path.join(project.path, 'src/config.ts'), `${CONFIG}// appended\n`);
  // The refresh is held at a gate until the search has answered: past the budget, deterministically.
  const held = new Gate();
  held.close();
  let finished = false;
  const slow = check({
    budgetMs: 20,
    refresh: async (root, files) => {
      await held.pass();
      await engine.refreshFiles(root, files);
      finished = true;
    },
  });
  const checked = await slow.search(searchFor('parseConfig'));
  const config = checked.results.filter((hit) => hit.file === 'src/config.ts');
  assert.ok(config.length > 0 && config.every((hit) => hit.stale === true), JSON.stringify(checked.results));
  assert.equal(finished, false, 'answered before the refresh ended');
  held.open();
  await eventually(() => finished, 'the refresh to go on in the background');
  const after = await check().search(searchFor('parseConfig'));
  assert.ok(after.results.every((hit) => hit.stale === undefined));

  // Lines that moved are not vouched for.
  writeFileSync(path.join(project.path, 'src/config.ts'), `// header\n${CONFIG}`);
  const moved = await check().search(searchFor('parseConfig'));
  assert.ok(!moved.results.some((hit) => hit.file === 'src/config.ts'), JSON.stringify(moved.results));
  assert.ok(moved.leftOut >= 1);
  await restore();
});

test('a deleted file never appears, whether or not it can be re-indexed', async () => {
  rmSync(path.join(project.path, 'lib/tokens.py'));
  const unrefreshed = await check().search(searchFor('refresh access token'));
  assert.ok(!unrefreshed.results.some((hit) => hit.file === 'lib/tokens.py'));
  assert.ok(unrefreshed.leftOut >= 1);
  const refreshed = await check({ refresh: (root, files) => engine.refreshFiles(root, files) }).search(searchFor('refresh access token'));
  assert.ok(!refreshed.results.some((hit) => hit.file === 'lib/tokens.py'));
  assert.equal(refreshed.leftOut, 0, 'the index no longer holds it');
  await restore();
});

test('a refresh that fails (no leader reachable) leaves the check to the disk', async () => {
  writeFileSync(path.join(project.path, 'src/config.ts'), `// header\n${CONFIG}`);
  const checked = await check({ refresh: () => Promise.reject(new Error('no leader')) }).search(searchFor('parseConfig'));
  assert.ok(!checked.results.some((hit) => hit.file === 'src/config.ts'));
  await restore();
});
