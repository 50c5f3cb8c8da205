import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { generatedTree, indexSnapshot as snapshot } from '../helpers/index-snapshot.ts';
import { CLI, tempFolder } from '../helpers/paths.ts';

const project = tempFolder('crash-project');
const crashedHome = tempFolder('crash-home');
const cleanHome = tempFolder('clean-home');
const forcedHome = tempFolder('crash-forced-home');

before(() => {
  writeTree(project.path, generatedTree(1500));
});

after(() => {
  project.remove();
  crashedHome.remove();
  cleanHome.remove();
  forcedHome.remove();
});

/** The clean index of the project, built once for the tests that compare with it. */
let cleanIndex: Promise<void> | undefined;
function cleanIndexed(): Promise<void> {
  cleanIndex ??= runCli(cleanHome.path, ['index', project.path]).then((result) => assert.equal(result.code, 0, result.stderr));
  return cleanIndex;
}

/** Runs `baton index` with the first-batch hook and SIGKILLs it once that batch is committed. */
async function killedAfterFirstBatch(home: string, extraArgs: string[] = []): Promise<void> {
  // The hook holds the run right after its first committed batch: the kill lands mid-index every time.
  const child = spawn(process.execPath, [CLI, 'index', project.path, ...extraArgs], {
    env: { ...process.env, BATON_HOME: home, BATON_TEST_HOOKS: 'first-batch' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await untilLine(child.stderr, '"hook":"first-batch"', 30_000);
  child.kill('SIGKILL');
  await once(child, 'exit');
}

/** The top results of a few searches, as the CLI prints them (files, lines, scores). */
async function searchAnswers(home: string): Promise<string[]> {
  const answers: string[] = [];
  for (const query of ['operation17x3', 'scaled value', 'operation1200x11 return']) {
    const result = await runCli(home, ['search', project.path, query, '--json', '--limit', '5']);
    assert.equal(result.code, 0, result.stderr);
    assert.ok((JSON.parse(result.stdout) as unknown[]).length > 0, `"${query}" finds something`);
    answers.push(result.stdout);
  }
  return answers;
}

/** Resolves when the stream has printed `text` (fails after `timeoutMs`, or if the stream ends first). */
function untilLine(stream: NodeJS.ReadableStream, text: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no "${text}" within ${timeoutMs} ms: ${seen.slice(-500)}`)), timeoutMs);
    stream.on('data', (data: Buffer) => {
      seen += data.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    stream.on('end', () => reject(new Error(`the stream ended before "${text}": ${seen.slice(-500)}`)));
  });
}

function openIndex(home: string): DatabaseSync {
  return new DatabaseSync(path.join(home, 'index.db'));
}

test('SIGKILL in the middle of indexing leaves a consistent index, and the next run completes it exactly', async () => {
  await killedAfterFirstBatch(crashedHome.path);

  const db = openIndex(crashedHome.path);
  try {
    assert.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
    const codebase = db.prepare('SELECT id, status FROM codebases').get() as { id: number; status: string };
    assert.equal(codebase.status, 'indexing', 'the run was interrupted');
    const files = (db.prepare('SELECT count(*) AS n FROM files').get() as { n: number }).n;
    assert.ok(files > 0 && files < 1500, `partially indexed: ${files} files`);
    const chunkRows = (db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n;
    const declared = (db.prepare('SELECT coalesce(sum(chunk_count), 0) AS n FROM files').get() as { n: number }).n;
    const ftsRows = (db.prepare(`SELECT count(*) AS n FROM fts_${codebase.id}`).get() as { n: number }).n;
    assert.equal(chunkRows, declared, 'every committed file has all its chunks');
    assert.equal(ftsRows, chunkRows, 'search terms match chunks');
  } finally {
    db.close();
  }
  // No server is left to go on with the run: status says it is interrupted, not "indexing".
  const status = await runCli(crashedHome.path, ['status', project.path]);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /: interrupted at \d+% \(no Baton server is running; indexing resumes when one starts/);

  const resumed = await runCli(crashedHome.path, ['index', project.path]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /1500 files/);
  await cleanIndexed();
  assert.deepEqual(snapshot(crashedHome.path), snapshot(cleanHome.path));
});

test('SIGKILL in the middle of a forced re-index leaves the live search table whole; the next run drops the half-built one and ends equal to a clean index', async () => {
  const indexed = await runCli(forcedHome.path, ['index', project.path]);
  assert.equal(indexed.code, 0, indexed.stderr);
  await cleanIndexed();
  const before = await searchAnswers(forcedHome.path);
  assert.deepEqual(before, await searchAnswers(cleanHome.path), 'the first index answers as the clean one does');

  await killedAfterFirstBatch(forcedHome.path, ['--force']);

  const db = openIndex(forcedHome.path);
  try {
    assert.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
    const { id } = db.prepare('SELECT id FROM codebases').get() as { id: number };
    const chunkRows = (db.prepare('SELECT count(*) AS n FROM chunks').get() as { n: number }).n;
    const liveRows = (db.prepare(`SELECT count(*) AS n FROM fts_${id}`).get() as { n: number }).n;
    const freshRows = (db.prepare(`SELECT count(*) AS n FROM fts_${id}_fresh`).get() as { n: number }).n;
    assert.equal(liveRows, chunkRows, 'the live table still has one row per chunk');
    assert.ok(freshRows > 0 && freshRows < chunkRows, `the fresh table was half built: ${freshRows} of ${chunkRows} rows`);
  } finally {
    db.close();
  }
  assert.deepEqual(await searchAnswers(forcedHome.path), before, 'searches after the kill answer as before it');

  const resumed = await runCli(forcedHome.path, ['index', project.path]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(snapshot(forcedHome.path), snapshot(cleanHome.path));
  assert.deepEqual(await searchAnswers(forcedHome.path), before);
  const after = openIndex(forcedHome.path);
  try {
    const leftover = after.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'fts\\_%\\_fresh%' ESCAPE '\\'").all();
    assert.deepEqual(leftover, [], 'no fresh table is left');
  } finally {
    after.close();
  }
});
