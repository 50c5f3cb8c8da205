import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { SMALL_REFRESH_BYTES } from '../../src/engine/indexing/index-runs.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { indexSnapshot } from '../helpers/index-snapshot.ts';
import { tempFolder } from '../helpers/paths.ts';

/**
 * An editor's save of a small file is parsed in the server's thread (an idle
 * pool has no worker left, and starting one costs more than the parse); a
 * large change still goes to the pool. BATON_TEST_WORKER_CRASH_ON makes the
 * pool's workers die on both files, which tells where each was parsed.
 */
const project = tempFolder('routing-project');
const SMALL = 'src/small.ts';
const LARGE = 'src/large.ts';
const largeText = Array.from({ length: Math.ceil(SMALL_REFRESH_BYTES / 40) }, (_, i) => `export function generatedLarge${i}() { return ${i}; }\n`).join('');

before(() => {
  writeTree(project.path, { [SMALL]: 'export function savedInTheEditor() { return 1; }\n', [LARGE]: largeText, 'src/other.ts': 'export const other = 2;\n' });
});
after(() => {
  delete process.env.BATON_TEST_WORKER_CRASH_ON;
  project.remove();
});

test('a small refresh is parsed in this thread, a large one by the pool, and the index equals one built from scratch', { timeout: 30_000 }, async () => {
  const home = tempFolder('routing-home');
  process.env.BATON_TEST_WORKER_CRASH_ON = `${SMALL},${LARGE}`;
  const engine = new Engine({ home: home.path, maxFileBytes: 1 << 20, maxFiles: 50_000 }, { soleWriter: true, indexing: { workers: 1 } });
  try {
    const first = await (await engine.startIndex(project.path)).done;
    assert.match(first.message, /2 could not be parsed/, 'the full index parses in the pool');
    appendFileSync(path.join(project.path, SMALL), 'export function addedAfterTheSave() { return 2; }\n');
    appendFileSync(path.join(project.path, LARGE), 'export function addedToTheLargeFile() { return 3; }\n');

    const small = await engine.refreshFiles(project.path, [SMALL]);
    assert.equal(small.failed, 0, 'a worker would have died on it: it was parsed here');
    assert.equal(small.changed, 1);
    assert.equal((await engine.search(project.path, 'addedAfterTheSave', { limit: 3 })).results[0]?.file, SMALL);

    const large = await engine.refreshFiles(project.path, [LARGE]);
    assert.equal(large.failed, 1, `over ${SMALL_REFRESH_BYTES} bytes it went to the pool, whose worker died on it`);
    delete process.env.BATON_TEST_WORKER_CRASH_ON; // the next worker starts without it
    assert.equal((await engine.refreshFiles(project.path, [LARGE])).changed, 1, 'the next refresh takes it again');

    const fresh = tempFolder('routing-fresh-home');
    const rebuilt = new Engine({ home: fresh.path, maxFileBytes: 1 << 20, maxFiles: 50_000 }, { soleWriter: true, indexing: { workers: 0 } });
    try {
      assert.equal((await (await rebuilt.startIndex(project.path)).done).phase, 'done');
      assert.deepEqual(indexSnapshot(home.path, project.path), indexSnapshot(fresh.path, project.path));
    } finally {
      rebuilt.close();
      fresh.remove();
    }
  } finally {
    engine.close();
    home.remove();
  }
});

test('a refresh looks up only the files it names', async () => {
  const home = tempFolder('routing-named-home');
  const engine = new Engine({ home: home.path, maxFileBytes: 1 << 20, maxFiles: 50_000 }, { soleWriter: true, indexing: { workers: 0 } });
  try {
    assert.equal((await (await engine.startIndex(project.path)).done).phase, 'done');
    const codebaseId = engine.listCodebases()[0]!.id;
    const all = engine.store.contents.storedFiles(codebaseId);
    const named = engine.store.contents.storedFilesNamed(codebaseId, [SMALL, 'src/never-indexed.ts']);
    assert.deepEqual([...named.keys()], [SMALL]);
    assert.deepEqual(named.get(SMALL), all.get(SMALL));
  } finally {
    engine.close();
    home.remove();
  }
});
