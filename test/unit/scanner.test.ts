import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { isIndexablePath, scanCodebase, type ScanOptions } from '../../src/engine/scan/scanner.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

const folders: { remove: () => void }[] = [];
after(() => folders.forEach((folder) => folder.remove()));

function project(files: Record<string, string>): string {
  const folder = tempFolder('scan');
  folders.push(folder);
  writeTree(folder.path, files);
  return folder.path;
}

const defaults: ScanOptions = { ignorePatterns: [], customExtensions: new Set(), maxFileBytes: 1024 * 1024, maxFiles: 50_000 };

async function scannedPaths(root: string, options: Partial<ScanOptions> = {}): Promise<string[]> {
  return (await scanCodebase(root, { ...defaults, ...options })).files.map((file) => file.path);
}

test('built-in excludes: dependencies, build output, caches, minified files, maps and lock files', async () => {
  const root = project({
    'src/app.ts': 'x',
    'node_modules/a/index.js': 'x',
    'packages/p/node_modules/b/index.js': 'x',
    '.git/config.ts': 'x',
    'dist/app.js': 'x',
    'build/app.js': 'x',
    'out/app.js': 'x',
    '.venv/lib/site.py': 'x',
    'venv/lib/site.py': 'x',
    'pkg/__pycache__/m.py': 'x',
    'target/debug/main.rs': 'x',
    'vendor/lib/x.go': 'x',
    'coverage/lcov.js': 'x',
    '.cache/x.js': 'x',
    'web/app.min.js': 'x',
    'web/app.js.map': 'x',
    'package-lock.json': '{}',
    'yarn.lock': 'x',
    'Cargo.lock': 'x',
    'web/app.js': 'x',
  });
  assert.deepEqual(await scannedPaths(root), ['src/app.ts', 'web/app.js']);
});

test('.gitignore at every level, negation, and request patterns', async () => {
  const root = project({
    '.gitignore': 'secret/\n*.gen.ts\n',
    'a.ts': 'x',
    'b.gen.ts': 'x',
    'secret/key.ts': 'x',
    'sub/.gitignore': 'local.ts\n!keep.gen.ts\n',
    'sub/local.ts': 'x',
    'sub/keep.gen.ts': 'x',
    'sub/other.ts': 'x',
    'sub/deeper/local.ts': 'x',
    'fixtures/data.ts': 'x',
    '.batonignore': 'big/\n',
    'big/huge.ts': 'x',
  });
  assert.deepEqual(await scannedPaths(root, { ignorePatterns: ['fixtures/'] }), ['a.ts', 'sub/keep.gen.ts', 'sub/other.ts']);
  assert.equal(await isIndexablePath(root, 'sub/deeper/local.ts', defaults), undefined);
  assert.equal(await isIndexablePath(root, 'secret/key.ts', defaults), undefined);
  assert.equal((await isIndexablePath(root, 'sub/keep.gen.ts', defaults))?.id, 'typescript');
  assert.equal(await isIndexablePath(root, 'fixtures/data.ts', { ...defaults, ignorePatterns: ['fixtures/'] }), undefined);
});

test('only known source extensions, plus custom ones', async () => {
  const root = project({ 'a.ts': 'x', 'b.vue': 'x', 'c.xyz': 'x', 'd.png': 'x', Makefile: 'all:' });
  assert.deepEqual(await scannedPaths(root), ['Makefile', 'a.ts', 'b.vue']);
  assert.deepEqual(await scannedPaths(root, { customExtensions: new Set(['.xyz']) }), ['Makefile', 'a.ts', 'b.vue', 'c.xyz']);
});

test('files over the size cap are left out and counted', async () => {
  const root = project({ 'small.ts': 'x', 'large.ts': 'y'.repeat(2000) });
  const result = await scanCodebase(root, { ...defaults, maxFileBytes: 1000 });
  assert.deepEqual(result.files.map((file) => file.path), ['small.ts']);
  assert.equal(result.skips.tooLarge, 1);
});

test('symlinks are not followed: a loop does not hang and a link out of the root does not escape', async () => {
  const outside = project({ 'secret.ts': 'outside' });
  const root = project({ 'src/a.ts': 'x' });
  symlinkSync(root, path.join(root, 'src', 'loop'));
  symlinkSync(outside, path.join(root, 'escape'));
  symlinkSync(path.join(outside, 'secret.ts'), path.join(root, 'linked.ts'));
  const result = await scanCodebase(root, defaults);
  assert.deepEqual(result.files.map((file) => file.path), ['src/a.ts']);
  assert.equal(result.skips.symlinks, 3);
});

test('past the file limit the scan reports the count and the largest folders', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 30; i++) files[`big/f${i}.ts`] = 'x';
  for (let i = 0; i < 5; i++) files[`small/f${i}.ts`] = 'x';
  const root = project(files);
  const result = await scanCodebase(root, { ...defaults, maxFiles: 10 });
  assert.equal(result.overLimit, true);
  assert.equal(result.indexableCount, 35);
  assert.equal(result.countsByTopFolder.get('big'), 30);
});

test('an empty folder and a folder with only unreadable entries scan cleanly', async () => {
  const root = project({});
  mkdirSync(path.join(root, 'empty'));
  assert.deepEqual(await scannedPaths(root), []);
});

test('a wide tree: the files are the same, in path order, however many folders are read at once; the count cap stops the reading', async () => {
  const files: Record<string, string> = {};
  for (let folder = 0; folder < 200; folder++) for (let file = 0; file < 10; file++) files[`f${folder}/deep/g${file}.ts`] = 'x';
  const root = project(files);
  const all = await scannedPaths(root);
  assert.equal(all.length, 2000);
  assert.deepEqual(all, [...all].sort());
  assert.deepEqual(await scannedPaths(root), all);
  // Folders already being read when the cap is passed still count (at most one per call in flight), the others are not read.
  const capped = await scanCodebase(root, { ...defaults, maxFiles: 5, countCap: 50 });
  assert.ok(capped.overLimit);
  assert.ok(capped.indexableCount > 50 && capped.indexableCount <= 50 + 32 * 10, `counted ${capped.indexableCount}`);
});

test('a stopped scan rejects with the reason, and examples of what was excluded come in path order', async () => {
  const root = project({ 'a.ts': 'x', 'z/b.ts': 'x', 'k/node_modules/x.js': 'x', 'c/node_modules/y.js': 'x', 'm/node_modules/x.js': 'x', 'b/node_modules/x.js': 'x' });
  const controller = new AbortController();
  controller.abort(new Error('stopped by the test'));
  await assert.rejects(scanCodebase(root, { ...defaults, signal: controller.signal }), /stopped by the test/);
  const scan = await scanCodebase(root, defaults);
  assert.deepEqual(scan.exclusions['built-in']?.examples, ['b/node_modules/', 'c/node_modules/', 'k/node_modules/']);
  assert.equal(scan.exclusions['built-in']?.folders, 4);
});
