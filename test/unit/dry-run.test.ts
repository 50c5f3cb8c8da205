import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { INDEX_RATE_BYTES_PER_SECOND } from '../../src/engine/scan/dry-run.ts';
import { dryRunText } from '../../src/engine/scan/dry-run-text.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

const home = tempFolder('dry-home');
const project = tempFolder('dry-project');
after(() => {
  home.remove();
  project.remove();
});

const kilobytes = (count: number, line = 'const value = 1;\n'): string => line.repeat(Math.ceil((count * 1024) / line.length));

writeTree(project.path, {
  'src/core/engine.ts': kilobytes(20),
  'src/core/parser.ts': kilobytes(10),
  'src/ui/view.tsx': kilobytes(5),
  'scripts/build.py': kilobytes(3, 'x = 1\n'),
  'README.md': '# Project\n',
  'node_modules/dep/index.js': 'x\n',
  'generated/api.ts': 'x\n',
  '.gitignore': 'generated/\n',
  'assets/logo.png': 'not text',
  'huge.ts': kilobytes(300),
});

/** Every file under a folder with its size and mtime: a dry run must change none of them. */
function snapshotOf(folder: string): string {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .sort()
    .map((name) => {
      const info = statSync(path.join(folder, name));
      return `${name} ${info.size} ${info.mtimeMs}`;
    })
    .join('\n');
}

test('a dry run reports files, bytes, languages, largest folders, exclusions and the estimated time, and writes nothing', async () => {
  const engine = new Engine({ home: home.path, maxFileBytes: 256 * 1024, maxFiles: 50_000 });
  try {
    const before = snapshotOf(home.path);
    const report = await engine.dryRun(project.path);
    assert.equal(snapshotOf(home.path), before, 'nothing in BATON_HOME changed');
    assert.deepEqual(engine.listCodebases(), []);
    assert.equal(engine.status(project.path).status, 'not_found');

    assert.equal(report.files, 5);
    const sizes = ['src/core/engine.ts', 'src/core/parser.ts', 'src/ui/view.tsx', 'scripts/build.py', 'README.md'].map((file) => statSync(path.join(project.path, file)).size);
    assert.equal(report.bytes, sizes.reduce((sum, size) => sum + size, 0));
    assert.deepEqual(report.languages.map((entry) => [entry.language, entry.files]), [['typescript', 2], ['tsx', 1], ['python', 1], ['markdown', 1]], 'most files first, then most bytes');
    assert.deepEqual(report.largestFolders.slice(0, 3).map((entry) => [entry.folder, entry.files]), [['src/', 3], ['src/core/', 2], ['src/ui/', 1]]);
    assert.deepEqual(report.excluded.map((entry) => [entry.source, entry.folders, entry.files, entry.examples]), [
      ['built-in', 1, 0, ['node_modules/']],
      ['.gitignore', 1, 0, ['generated/']],
    ]);
    assert.equal(report.skipped.tooLarge, 1, 'huge.ts is over the 256 kB cap');
    assert.equal(report.skipped.unsupported, 2, 'the png and the .gitignore file');
    assert.equal(report.overLimit, false);
    assert.equal(report.estimatedSeconds, Math.ceil(report.bytes / INDEX_RATE_BYTES_PER_SECOND));
    assert.match(report.rateSource, /benchmarks\.md/);

    const text = dryRunText(report);
    assert.match(text, /Would index 5 files, [\d.]+ kB, in about 1 s at 3\.8 MB\/s/);
    assert.match(text, /Excluded by built-in excludes: 1 folder \(e\.g\. node_modules\/\)/);
    assert.match(text, /Excluded by \.gitignore: 1 folder \(e\.g\. generated\/\)/);
    assert.match(text, /Largest folders: src\/ 3 files/);
    assert.match(text, /Skipped: 1 over 0\.3 MB/);
  } finally {
    engine.close();
  }
});

test('a folder over the file limit is still described in full, and the report says an index would be refused', async () => {
  const engine = new Engine({ home: home.path, maxFileBytes: 1024 * 1024, maxFiles: 2 });
  try {
    const report = await engine.dryRun(project.path, { ignorePatterns: ['scripts/'] });
    assert.equal(report.overLimit, true);
    assert.equal(report.files, 5, 'counted and measured past the limit (huge.ts is under this 1 MB cap)');
    assert.equal(report.capped, false);
    assert.ok(report.excluded.some((entry) => entry.source === 'ignorePatterns' && entry.examples[0] === 'scripts/'));
    assert.match(dryRunText(report), /Over the limit of 2 files: an index would be refused/);
    // The real index refuses, naming the same largest folder.
    await assert.rejects(engine.startIndex(project.path, { ignorePatterns: ['scripts/'] }), /over the limit of 2\. Largest folders: src\//);
  } finally {
    engine.close();
  }
});

test('a dry run uses the settings the codebase was indexed with, unless the request gives others', async () => {
  const engine = new Engine({ home: home.path, maxFileBytes: 1024 * 1024, maxFiles: 50_000 }, { soleWriter: true });
  try {
    const started = await engine.startIndex(project.path, { ignorePatterns: ['src/ui/'] });
    await started.done;
    const previous = await engine.dryRun(project.path);
    assert.ok(previous.excluded.some((entry) => entry.source === 'ignorePatterns' && entry.examples[0] === 'src/ui/'));
    const other = await engine.dryRun(project.path, { ignorePatterns: [] });
    assert.ok(!other.excluded.some((entry) => entry.source === 'ignorePatterns'));
  } finally {
    engine.close();
  }
});
