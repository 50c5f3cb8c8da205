import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { Gate } from '../helpers/gate.ts';
import { tempFolder } from '../helpers/paths.ts';

/**
 * Files that change type or size between the scan and the read: a FIFO in
 * a file's place must never block (a read of a FIFO without a writer waits
 * forever, and four of them fill libuv's thread pool), and a file that grew
 * past the cap must not be read whole.
 */
const home = tempFolder('replaced-home');
const project = tempFolder('replaced-project');
const MAX_BYTES = 64 * 1024;
let afterScan: (() => void) | undefined;
let engine: Engine;

function mkfifo(file: string): void {
  rmSync(file, { force: true });
  execFileSync('mkfifo', [file]);
}

before(() => {
  const files: Record<string, string> = { 'src/keep.ts': 'export function survivesNeighbourFifos() { return 1; }\n' };
  for (let i = 0; i < 6; i++) files[`src/fifo${i}.ts`] = `export function becomesFifo${i}() {}\n`;
  files['src/grows.ts'] = 'export function growsPastTheCap() {}\n';
  writeTree(project.path, files);
  engine = new Engine({ home: home.path, maxFileBytes: MAX_BYTES, maxFiles: 50_000 }, { soleWriter: true, hooks: { afterScan: async () => afterScan?.() } });
});
after(() => {
  engine.close();
  home.remove();
  project.remove();
});

test('files replaced by FIFOs after the scan are reported, not waited on, and the run finishes', { timeout: 20_000 }, async () => {
  const first = await (await engine.startIndex(project.path)).done;
  assert.equal(first.phase, 'done', first.message);
  afterScan = () => {
    for (let i = 0; i < 6; i++) mkfifo(path.join(project.path, `src/fifo${i}.ts`));
    appendFileSync(path.join(project.path, 'src/grows.ts'), `// ${'x'.repeat(MAX_BYTES)}\n`);
  };
  const second = await (await engine.startIndex(project.path, { force: true })).done;
  afterScan = undefined;
  assert.equal(second.phase, 'done', second.message);
  assert.match(second.message, /6 vanished or stopped being regular files/);
  assert.match(second.message, /1 skipped \(binary, minified or too large\)/, 'the file that grew past the cap');
  const kept = await engine.search(project.path, 'survivesNeighbourFifos', { limit: 5 });
  assert.equal(kept.results[0]?.file, 'src/keep.ts');
  const gone = await engine.search(project.path, 'becomesFifo3', { limit: 5 });
  assert.ok(gone.results.every((result) => !result.file.startsWith('src/fifo')), 'a FIFO has no content to search');
  // Nothing is stuck in libuv's pool: an unrelated index still runs.
  const other = tempFolder('replaced-other');
  try {
    writeTree(other.path, { 'a.ts': 'export const unrelated = 1;\n' });
    assert.equal((await (await engine.startIndex(other.path)).done).phase, 'done');
  } finally {
    other.remove();
  }
});

test('a FIFO named .gitignore does not hang a refresh or a scan', { timeout: 20_000 }, async () => {
  mkdirSync(path.join(project.path, 'sub'), { recursive: true });
  mkfifo(path.join(project.path, 'sub/.gitignore'));
  writeTree(project.path, { 'sub/a.ts': 'export function besideFifoIgnoreFile() {}\n' });
  const counts = await engine.refreshFiles(project.path, ['sub/a.ts']);
  assert.equal(counts.changed, 1);
  const run = await (await engine.startIndex(project.path)).done;
  assert.equal(run.phase, 'done', run.message);
});

test('the gate helper holds code until opened', async () => {
  const gate = new Gate();
  gate.close();
  let passed = false;
  const passing = gate.pass().then(() => (passed = true));
  await gate.reached();
  assert.equal(passed, false);
  gate.open();
  await passing;
  assert.equal(passed, true);
});
