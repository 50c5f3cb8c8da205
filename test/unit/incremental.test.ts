import assert from 'node:assert/strict';
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

const home = tempFolder('incr-home');
const project = tempFolder('incr-project');
let engine: Engine;

before(() => {
  writeTree(project.path, SAMPLE_PROJECT);
  engine = new Engine({ home: home.path, maxFileBytes: 1024 * 1024, maxFiles: 50_000 }, { soleWriter: true });
});
after(() => {
  engine.close();
  home.remove();
  project.remove();
});

/** Chunk ids per file: unchanged ids prove that no chunk row was rewritten. */
function chunkIdsByFile(): Map<string, number[]> {
  const rows = engine.store.db
    .prepare('SELECT f.path AS path, c.id AS id FROM chunks c JOIN files f ON f.id = c.file_id ORDER BY c.id')
    .all() as { path: string; id: number }[];
  const byFile = new Map<string, number[]>();
  for (const row of rows) byFile.set(row.path, [...(byFile.get(row.path) ?? []), row.id]);
  return byFile;
}

function maxChunkId(): number {
  return Number((engine.store.db.prepare('SELECT coalesce(max(id), 0) AS id FROM chunks').get() as { id: number }).id);
}

async function index(force = false): Promise<string> {
  const started = await engine.startIndex(project.path, { force });
  const final = await started.done;
  assert.equal(final.phase, 'done', final.message);
  return final.message;
}

async function topFile(query: string): Promise<string | undefined> {
  return (await engine.search(project.path, query, { limit: 1 })).results[0]?.file;
}

test('a first index stores every file', async () => {
  await index();
  assert.deepEqual([...chunkIdsByFile().keys()].sort(), ['docs/guide.md', 'lib/tokens.py', 'src/config.ts', 'src/server.ts']);
});

test('re-indexing an unchanged tree writes no chunk rows', async () => {
  const before = chunkIdsByFile();
  const highWater = maxChunkId();
  const message = await index();
  assert.match(message, /0 files indexed, 4 unchanged/);
  assert.deepEqual(chunkIdsByFile(), before);
  assert.equal(maxChunkId(), highWater);
});

test('a touched file with the same content is recognised by its hash and not re-chunked', async () => {
  const before = chunkIdsByFile();
  const future = new Date(Date.now() + 60_000);
  utimesSync(path.join(project.path, 'src/server.ts'), future, future);
  const message = await index();
  assert.match(message, /0 files indexed, 4 unchanged/);
  assert.deepEqual(chunkIdsByFile(), before);
});

test('a changed file is re-chunked alone', async () => {
  const before = chunkIdsByFile();
  writeFileSync(path.join(project.path, 'src/server.ts'), `${SAMPLE_PROJECT['src/server.ts']}\nexport function gracefulShutdown() {}\n`);
  const message = await index();
  assert.match(message, /1 files indexed, 3 unchanged/);
  const after = chunkIdsByFile();
  for (const file of ['docs/guide.md', 'lib/tokens.py', 'src/config.ts']) assert.deepEqual(after.get(file), before.get(file), file);
  assert.notDeepEqual(after.get('src/server.ts'), before.get('src/server.ts'));
  assert.equal(await topFile('gracefulShutdown'), 'src/server.ts');
});

test('a deleted file disappears from results', async () => {
  rmSync(path.join(project.path, 'lib/tokens.py'));
  const message = await index();
  assert.match(message, /1 removed/);
  const results = (await engine.search(project.path, 'refresh access token', { limit: 10 })).results;
  assert.ok(results.every((result) => result.file !== 'lib/tokens.py'));
  assert.equal(engine.status(project.path).fileCount, 3);
});

test('refreshFiles updates one saved file, and removes a deleted one, without a scan', async () => {
  const file = path.join(project.path, 'src/config.ts');
  writeFileSync(file, `${SAMPLE_PROJECT['src/config.ts']}\nexport const retryBudgetMillis = 250;\n`);
  const counts = await engine.refreshFiles(project.path, [file]);
  assert.equal(counts.changed, 1);
  assert.equal(await topFile('retryBudgetMillis'), 'src/config.ts');

  rmSync(path.join(project.path, 'docs/guide.md'));
  const removed = await engine.refreshFiles(project.path, ['docs/guide.md']);
  assert.equal(removed.deleted, 1);
  assert.equal(engine.status(project.path).fileCount, 2);

  // ignored and outside-the-root paths are not indexed
  writeTree(project.path, { 'generated/new.ts': 'export function ignoredByGitignore() {}\n' });
  const ignored = await engine.refreshFiles(project.path, ['generated/new.ts', '/etc/hostname']);
  assert.equal(ignored.changed, 0);
});

test('every refresh moves the codebase version that other processes\' caches key on', async () => {
  const before = engine.listCodebases()[0]!.updatedAt;
  const file = path.join(project.path, 'src/config.ts');
  writeFileSync(file, `${SAMPLE_PROJECT['src/config.ts']}\nexport const versionBumpProbe = 1;\n`);
  await engine.refreshFiles(project.path, [file]);
  const changed = engine.listCodebases()[0]!.updatedAt;
  assert.ok(changed > before, `updated_at ${before} -> ${changed}`);
  rmSync(file);
  await engine.refreshFiles(project.path, [file]);
  assert.ok(engine.listCodebases()[0]!.updatedAt > changed, 'a deletion too');
  writeFileSync(file, SAMPLE_PROJECT['src/config.ts']!);
  await engine.refreshFiles(project.path, [file]);
});

test('force rebuilds from empty with the same result as a clean index', async () => {
  const counts = (): [string, number][] => [...chunkIdsByFile().entries()].map(([file, ids]): [string, number] => [file, ids.length]).sort();
  const before = counts();
  await index(true);
  const after = counts();
  assert.deepEqual(after, before);
});

test('the FTS table and the chunk table always agree', () => {
  const chunks = (engine.store.db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n;
  const codebase = engine.listCodebases()[0]!;
  const terms = (engine.store.db.prepare(`SELECT count(*) AS n FROM fts_${codebase.id}`).get() as { n: number }).n;
  assert.equal(terms, chunks);
});
