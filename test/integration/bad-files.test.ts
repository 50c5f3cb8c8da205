import assert from 'node:assert/strict';
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runCli, unprivilegedSpawnOptions } from '../helpers/cli.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

const home = tempFolder('bad-home');
const project = tempFolder('bad-project');

before(() => {
  writeTree(project.path, {
    'src/good.ts': 'export function stillIndexedAfterBadFiles() {\n  return 1;\n}\n',
    'src/unreadable.ts': 'export function hiddenSecretFunction() {}\n',
  });
  // A binary file with a source extension.
  writeFileSync(path.join(project.path, 'src/blob.ts'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3, 0, 0xff]));
  // A 5 MB minified one-liner.
  writeFileSync(path.join(project.path, 'src/bundle.js'), `var a=${'[1,2,3],'.repeat(700_000)}0;function minifiedOnlyName(){}`);
  // Latin-1 bytes (invalid UTF-8) in an otherwise normal source file.
  writeFileSync(
    path.join(project.path, 'src/latin.py'),
    Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from(' cr'), Buffer.from([0xe8, 0x6d, 0x65]), Buffer.from('\ndef latin_encoded_helper():\n    return 1\n')]),
  );
  // A symbolic-link loop and a link leaving the root.
  symlinkSync(project.path, path.join(project.path, 'src/loop'));
  symlinkSync('/etc', path.join(project.path, 'etc-link'));
  chmodSync(path.join(project.path, 'src/unreadable.ts'), 0o000);
  for (const folder of [home.path, project.path, path.join(project.path, 'src')]) chmodSync(folder, 0o777);
});

after(() => {
  home.remove();
  project.remove();
});

// Root reads any file, so as root the CLI runs as "nobody" (from a copy it can reach if need be).
const asUnprivileged = unprivilegedSpawnOptions();

test('binary, minified, huge, invalid UTF-8, unreadable files and symlink loops: indexing completes and loses nothing else', async () => {
  const indexed = await runCli(home.path, ['index', project.path, '--json'], asUnprivileged);
  assert.equal(indexed.code, 0, indexed.stderr);
  const status = JSON.parse(indexed.stdout) as { status: string; fileCount: number; message: string };
  assert.equal(status.status, 'indexed');
  assert.match(status.message, /2 files indexed/, 'good.ts and latin.py');
  // blob.ts is in the file count with nothing to search; the 5 MB bundle is not in it at all.
  assert.match(status.message, /1 skipped \(binary, minified or too large\), 1 left out as too large \(over the file size limit\)/);

  const search = async (query: string): Promise<string[]> => {
    const result = await runCli(home.path, ['search', project.path, query, '--json'], asUnprivileged);
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout) as { file: string }[]).map((hit) => hit.file);
  };
  assert.deepEqual(await search('stillIndexedAfterBadFiles'), ['src/good.ts']);
  assert.deepEqual(await search('latin encoded helper'), ['src/latin.py']);
  assert.ok(!(await search('minifiedOnlyName')).includes('src/bundle.js'), 'the 5 MB file is over the size cap');
  assert.ok(!(await search('hiddenSecretFunction')).includes('src/unreadable.ts'), 'unreadable');
  assert.ok(!(await search('blob')).includes('src/blob.ts'), 'binary');
});

test('a minified file under a raised size cap is still recognised and skipped', async () => {
  const indexed = await runCli(home.path, ['index', project.path, '--force', '--json'], { ...asUnprivileged, env: { BATON_MAX_FILE_BYTES: String(10 * 1024 * 1024) } });
  assert.equal(indexed.code, 0, indexed.stderr);
  const result = await runCli(home.path, ['search', project.path, 'minifiedOnlyName', '--json'], asUnprivileged);
  assert.ok(!(JSON.parse(result.stdout) as { file: string }[]).some((hit) => hit.file === 'src/bundle.js'));
  assert.match((JSON.parse(indexed.stdout) as { message: string }).message, /skipped/);
});

test('a file that was unreadable during a run is indexed by the next one once it can be read, without being touched', async () => {
  const first = await runCli(home.path, ['index', project.path, '--json'], asUnprivileged);
  assert.equal(first.code, 0, first.stderr);
  assert.match((JSON.parse(first.stdout) as { message: string }).message, /1 unreadable \(tried again on the next index\)/);
  assert.doesNotMatch((JSON.parse(first.stdout) as { message: string }).message, /skipped \(binary, minified or too large\).*unreadable.ts/);
  // chmod changes the ctime, not the size or mtime the index compares.
  chmodSync(path.join(project.path, 'src/unreadable.ts'), 0o644);
  const second = await runCli(home.path, ['index', project.path, '--json'], asUnprivileged);
  assert.equal(second.code, 0, second.stderr);
  assert.match((JSON.parse(second.stdout) as { message: string }).message, /1 files indexed/);
  const result = await runCli(home.path, ['search', project.path, 'hiddenSecretFunction', '--json'], asUnprivileged);
  assert.equal((JSON.parse(result.stdout) as { file: string }[])[0]?.file, 'src/unreadable.ts');
});
