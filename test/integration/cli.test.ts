import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { runCli, unprivilegedSpawnOptions } from '../helpers/cli.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

const home = tempFolder('cli-home');
const project = tempFolder('cli-project');
before(() => writeTree(project.path, SAMPLE_PROJECT));
after(() => {
  home.remove();
  project.remove();
});

test('index, search, status and clear from the command line', async () => {
  const indexed = await runCli(home.path, ['index', project.path]);
  assert.equal(indexed.code, 0, indexed.stderr);
  assert.match(indexed.stdout, /Indexed .*: 4 files, \d+ chunks/);

  const search = await runCli(home.path, ['search', project.path, 'parse', 'config', '--json', '--limit', '2']);
  assert.equal(search.code, 0, search.stderr);
  const results = JSON.parse(search.stdout) as { file: string; startLine: number; endLine: number; language: string; role: string; score: number; content: string }[];
  assert.ok(results.length >= 1 && results.length <= 2);
  assert.deepEqual(Object.keys(results[0]!).sort(), ['content', 'endLine', 'file', 'language', 'role', 'score', 'startLine', 'symbol']);
  assert.equal(results[0]!.file, 'src/config.ts');
  assert.equal(results[0]!.role, 'source');

  const docsOnly = await runCli(home.path, ['search', project.path, 'server', '--role', 'docs', '--json']);
  assert.equal(docsOnly.code, 0, docsOnly.stderr);
  assert.deepEqual((JSON.parse(docsOnly.stdout) as { file: string; role: string }[]).map((result) => [result.file, result.role]), [['docs/guide.md', 'docs']]);

  const filtered = await runCli(home.path, ['search', project.path, 'token', '--ext', '.py', '--json']);
  const pythonResults = JSON.parse(filtered.stdout) as { file: string; symbol?: { name: string; kind: string } }[];
  assert.ok(pythonResults.length > 0 && pythonResults.every((result) => result.file.endsWith('.py')));
  assert.deepEqual(pythonResults[0]!.symbol, { name: 'refresh_access_token', kind: 'function' }, 'the enclosing symbol of the chunk');

  const status = await runCli(home.path, ['status', '--json']);
  assert.equal(status.code, 0);
  const { codebases } = JSON.parse(status.stdout) as { codebases: { root: string; status: string; fileCount: number }[] };
  assert.equal(codebases.length, 1);
  assert.equal(codebases[0]!.status, 'indexed');
  assert.equal(codebases[0]!.fileCount, 4);

  const human = await runCli(home.path, ['search', project.path, 'HttpServer']);
  assert.match(human.stdout, /src\/server\.ts:\d+-\d+/);

  const cleared = await runCli(home.path, ['clear', project.path]);
  assert.equal(cleared.code, 0);
  const after = await runCli(home.path, ['status', project.path, '--json']);
  assert.equal((JSON.parse(after.stdout) as { status: string }).status, 'not_found');
});

test('usage errors exit 2 and failures exit 1, each with a one-line reason', async () => {
  const usage: string[][] = [['frobnicate'], ['index'], ['search', project.path], ['search', project.path, 'x', '--limit', '0'], ['index', project.path, '--bogus'], ['index', project.path, '--splitter', 'x'], ['search', project.path, 'x', '--role', 'tests']];
  for (const args of usage) {
    const result = await runCli(home.path, args);
    assert.equal(result.code, 2, args.join(' '));
    assert.match(result.stderr, /^baton: .+\n/, args.join(' '));
  }
  const failures: [string[], RegExp][] = [
    [['index', 'relative/path'], /must be absolute/],
    [['index', `${project.path}/nope`], /no folder at/],
    [['search', '/', 'x'], /is not indexed/],
    [['clear', project.path], /not indexed/],
  ];
  for (const [args, reason] of failures) {
    const result = await runCli(home.path, args);
    assert.equal(result.code, 1, args.join(' '));
    assert.match(result.stderr, reason);
    assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
  }
  const bad = await runCli(home.path, ['status'], { env: { BATON_MAX_FILES: 'many' } });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /BATON_MAX_FILES must be a positive whole number/);
});

test('--help and --version', async () => {
  const help = await runCli(home.path, ['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: baton/);
  const version = await runCli(home.path, ['--version']);
  assert.match(version.stdout, /^\d+\.\d+\.\d+/);
});

test('a tree over the file limit is refused with the counts and what to do', async () => {
  const big = tempFolder('cli-big');
  try {
    const files: Record<string, string> = {};
    for (let i = 0; i < 25; i++) files[`data/f${i}.ts`] = 'x';
    files['src/main.ts'] = 'x';
    writeTree(big.path, files);
    const result = await runCli(home.path, ['index', big.path], { env: { BATON_MAX_FILES: '20' } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /26 files to index, over the limit of 20.*data\/ 25.*ignorePatterns.*BATON_MAX_FILES/s);
    const status = await runCli(home.path, ['status', big.path, '--json']);
    assert.equal((JSON.parse(status.stdout) as { status: string }).status, 'not_found', 'nothing was created');
  } finally {
    big.remove();
  }
});

test('a folder this user may not read is refused with what to do, not indexed as 0 files', async () => {
  // Root reads everything: as root, the CLI runs as nobody; otherwise as this user.
  const asNobody = unprivilegedSpawnOptions();
  const outer = tempFolder('cli-locked');
  const lockedHome = tempFolder('cli-locked-home');
  const locked = `${outer.path}/locked`;
  try {
    writeTree(locked, { 'src/a.ts': 'export const a = 1;\n' });
    chmodSync(outer.path, 0o755);
    chmodSync(lockedHome.path, 0o777);
    chmodSync(locked, 0o000);
    for (const args of [['index', locked], ['index', locked, '--dry-run']]) {
      const result = await runCli(lockedHome.path, args, asNobody);
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /cannot read the folder ".*locked": permission denied for this user\. Fix its permissions/);
    }
  } finally {
    chmodSync(locked, 0o755);
    outer.remove();
    lockedHome.remove();
  }
});
