import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { UserError } from '../../src/engine/errors.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { generatedTree } from '../helpers/index-snapshot.ts';
import { tempFolder } from '../helpers/paths.ts';
import { Gate } from '../helpers/gate.ts';

const home = tempFolder('clear-home');
const project = tempFolder('clear-project');
const scanGate = new Gate();
let engine: Engine;

before(() => {
  writeTree(project.path, SAMPLE_PROJECT);
  engine = new Engine({ home: home.path, maxFileBytes: 1024 * 1024, maxFiles: 50_000 }, { soleWriter: true, hooks: { afterScan: () => scanGate.pass() } });
});
after(() => {
  engine.close();
  home.remove();
  project.remove();
});

async function indexed(): Promise<void> {
  const final = await (await engine.startIndex(project.path)).done;
  assert.equal(final.phase, 'done', final.message);
}

test('clearing a sub-folder is refused, names the codebase, and keeps the whole index', async () => {
  await indexed();
  const before = engine.status(project.path);
  await assert.rejects(engine.clear(path.join(project.path, 'src')), (error: Error) => {
    assert.ok(error instanceof UserError);
    assert.match(error.message, new RegExp(`inside the indexed codebase ${project.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(error.message, /ignorePatterns/);
    return true;
  });
  const afterwards = engine.status(project.path);
  assert.equal(afterwards.status, 'indexed');
  assert.equal(afterwards.fileCount, before.fileCount);
  assert.equal(afterwards.chunkCount, before.chunkCount);
});

test('a clear that lands during the scan cancels the run and the codebase stays cleared', async () => {
  scanGate.close();
  const starting = engine.startIndex(project.path, { force: true });
  await scanGate.reached();
  const cleared = await engine.clear(project.path);
  assert.equal(cleared.root, project.path);
  scanGate.open();
  await assert.rejects(starting, (error: Error) => error instanceof UserError && /cancelled before it began/.test(error.message));
  assert.equal(engine.status(project.path).status, 'not_found');
  assert.deepEqual(engine.listCodebases(), [], 'no row brought back, nothing left "indexing" for the next leader to resume');
  assert.equal(engine.isIndexing(project.path), false);
});

test('a clear during the very first scan (no codebase row yet) cancels it and says cleared', async () => {
  const fresh = tempFolder('clear-fresh');
  try {
    writeTree(fresh.path, { 'a.ts': 'export const answer = 42;\n' });
    scanGate.close();
    const starting = engine.startIndex(fresh.path);
    await scanGate.reached();
    const cleared = await engine.clear(fresh.path);
    assert.deepEqual(cleared, { root: fresh.path, fileCount: 0, chunkCount: 0 });
    scanGate.open();
    await assert.rejects(starting, /cancelled before it began/);
    assert.equal(engine.status(fresh.path).status, 'not_found');
  } finally {
    scanGate.open();
    fresh.remove();
  }
});

test('a second index request while one runs joins it instead of refusing', async () => {
  scanGate.close();
  const first = engine.startIndex(project.path);
  await scanGate.reached();
  const second = engine.startIndex(project.path);
  scanGate.open();
  const [one, two] = await Promise.all([first, second]);
  assert.equal(one.attached, undefined);
  assert.equal(two.attached, true);
  assert.equal((await one.done).phase, 'done');
  assert.deepEqual(await two.done, await one.done, 'both follow the same run');
});

test('a folder whose name starts with two dots is inside the codebase', async () => {
  writeTree(project.path, { '..dotdot/inner.ts': 'export function insideDottedFolder() { return 1; }\n' });
  const counts = await engine.refreshFiles(project.path, [path.join(project.path, '..dotdot/inner.ts')]);
  assert.equal(counts.changed, 1, 'the save is not dropped as "outside the codebase"');
  const found = await engine.search(project.path, 'insideDottedFolder', { limit: 5 });
  assert.equal(found.results[0]?.file, '..dotdot/inner.ts');
  const scoped = await engine.search(path.join(project.path, '..dotdot'), 'insideDottedFolder', { limit: 5 });
  assert.equal(scoped.subfolder, '..dotdot');
  assert.equal(scoped.results.length, 1);
});

test('a sub-folder whose name has characters outside the BMP searches just that folder', async () => {
  const folder = 'tools 🚀 rocket';
  mkdirSync(path.join(project.path, folder), { recursive: true });
  writeTree(project.path, {
    [`${folder}/launch.ts`]: 'export function launchSequence() { return "go"; }\n',
    [`${folder}-other/launch.ts`]: 'export function launchSequence() { return "sibling"; }\n',
  });
  await indexed();
  const scoped = await engine.search(path.join(project.path, folder), 'launchSequence', { limit: 10 });
  assert.equal(scoped.subfolder, folder);
  assert.deepEqual(
    scoped.results.map((result) => result.file),
    [`${folder}/launch.ts`],
    'the folder itself, not a sibling that shares its name as a prefix',
  );
});

test('a clear deletes in batches behind a tombstone, and a clear interrupted half-way is finished by the next writer', async () => {
  const big = tempFolder('clear-big');
  const otherHome = tempFolder('clear-big-home');
  try {
    writeTree(big.path, generatedTree(200, 6));
    const writer = new Engine({ home: otherHome.path, maxFileBytes: 1 << 20, maxFiles: 50_000 }, { soleWriter: true });
    assert.equal((await (await writer.startIndex(big.path)).done).phase, 'done');
    const id = writer.listCodebases()[0]!.id;
    // What a leader SIGKILLed in the middle of a clear leaves: the tombstone, some rows.
    writer.store.codebases.beginDelete(id);
    assert.ok(writer.store.contents.deleteSome(id, 50) === 50);
    assert.deepEqual(writer.listCodebases(), [], 'a codebase being deleted is not listed');
    assert.equal(writer.status(big.path).status, 'not_found');
    await assert.rejects(writer.search(big.path, 'operation1x1', { limit: 5 }), /not indexed/);
    writer.close();

    const next = new Engine({ home: otherHome.path, maxFileBytes: 1 << 20, maxFiles: 50_000 }, { soleWriter: true });
    assert.deepEqual(next.store.codebases.pendingDeletions(), [id]);
    assert.equal(await next.finishDeletions(), 1);
    const left = (table: string): number => (next.store.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    assert.deepEqual([left('codebases'), left('files'), left('chunks')], [0, 0, 0]);
    // Indexing the folder again starts afresh.
    assert.equal((await (await next.startIndex(big.path)).done).phase, 'done');
    assert.equal(next.status(big.path).fileCount, 200);
    next.close();
  } finally {
    big.remove();
    otherHome.remove();
  }
});

test('of two clears at once, only the first reports what it removed; the second finds nothing left', async () => {
  await indexed();
  const { fileCount, chunkCount } = engine.status(project.path);
  assert.ok(fileCount > 0 && chunkCount > 0);
  const [first, second] = await Promise.all([engine.clear(project.path), engine.clear(project.path)]);
  assert.deepEqual(first, { root: project.path, fileCount, chunkCount });
  assert.deepEqual(second, { root: project.path, fileCount: 0, chunkCount: 0 });
  assert.equal(engine.status(project.path).status, 'not_found');
});
