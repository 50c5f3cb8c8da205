import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, beforeEach, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import { defaultGlobalExcludes, findWorkTree, forgetGitConfig } from '../../src/engine/scan/git-excludes.ts';
import { isIndexablePath, scanCodebase, type ScanOptions } from '../../src/engine/scan/scanner.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

/**
 * "What git ignores, Baton ignores": .git/info/exclude and the global
 * excludes file (core.excludesFile, or git's default), with real git. The
 * user's own git configuration must not leak in: this process gets a home,
 * an XDG config folder and a global git config of its own.
 */
const sandbox = tempFolder('git-excludes');
const fakeHome = path.join(sandbox.path, 'home');
const xdgConfig = path.join(sandbox.path, 'xdg');
const globalConfig = path.join(sandbox.path, 'gitconfig');
mkdirSync(fakeHome, { recursive: true });
mkdirSync(xdgConfig, { recursive: true });
writeFileSync(globalConfig, '');
Object.assign(process.env, { HOME: fakeHome, XDG_CONFIG_HOME: xdgConfig, GIT_CONFIG_GLOBAL: globalConfig, GIT_CONFIG_NOSYSTEM: '1' });
after(() => sandbox.remove());
beforeEach(() => {
  writeFileSync(globalConfig, '');
  forgetGitConfig();
});

const options: ScanOptions = { ignorePatterns: [], customExtensions: new Set(), maxFileBytes: 1024 * 1024, maxFiles: 50_000 };
let counter = 0;

function repository(files: Record<string, string>, init = true): string {
  const root = path.join(sandbox.path, `repo-${counter++}`);
  writeTree(root, files);
  if (init) execFileSync('git', ['init', '-q'], { cwd: root });
  return root;
}

async function paths(root: string): Promise<string[]> {
  return (await scanCodebase(root, options)).files.map((file) => file.path);
}

test('.git/info/exclude leaves files out, and the scan says so', async () => {
  const root = repository({ 'src/app.ts': 'export {}\n', 'secret/keys.ts': 'x\n', 'src/local.draft.ts': 'y\n' });
  writeFileSync(path.join(root, '.git', 'info', 'exclude'), '# mine\nsecret/\n*.draft.ts\n');
  const scan = await scanCodebase(root, options);
  assert.deepEqual(scan.files.map((file) => file.path), ['src/app.ts']);
  const counted = scan.exclusions['.git/info/exclude'];
  assert.deepEqual({ ...counted, examples: [...(counted?.examples ?? [])].sort() }, { folders: 1, files: 1, examples: ['secret/', 'src/local.draft.ts'] });
  assert.equal(scan.exclusions['built-in'], undefined, 'the .git folder itself is not news');
  assert.equal(await isIndexablePath(root, 'secret/keys.ts', options), undefined);
  assert.equal(await isIndexablePath(root, 'src/local.draft.ts', options), undefined);
  assert.equal((await isIndexablePath(root, 'src/app.ts', options))?.id, 'typescript');
});

test('core.excludesFile from git config is read (with ~ expanded), for the scan and for single files', async () => {
  writeFileSync(path.join(fakeHome, 'global-ignore'), 'scratch/\n');
  execFileSync('git', ['config', '--global', 'core.excludesFile', '~/global-ignore']);
  const root = repository({ 'src/app.ts': 'export {}\n', 'scratch/try.ts': 'x\n' });
  const scan = await scanCodebase(root, options);
  assert.deepEqual(scan.files.map((file) => file.path), ['src/app.ts']);
  assert.deepEqual(scan.exclusions['core.excludesFile'], { folders: 1, files: 0, examples: ['scratch/'] });
  assert.equal(await isIndexablePath(root, 'scratch/try.ts', options), undefined);
});

test('without core.excludesFile, git\'s default $XDG_CONFIG_HOME/git/ignore applies', async () => {
  assert.equal(defaultGlobalExcludes(), path.join(xdgConfig, 'git', 'ignore'));
  writeTree(xdgConfig, { 'git/ignore': '*.scratch.ts\n' });
  try {
    const root = repository({ 'a.ts': 'a\n', 'b.scratch.ts': 'b\n' });
    assert.deepEqual(await paths(root), ['a.ts']);
    // Outside any repository too: what a user never wants tracked is not worth indexing.
    const plain = repository({ 'a.ts': 'a\n', 'b.scratch.ts': 'b\n' }, false);
    assert.deepEqual(await paths(plain), ['a.ts']);
  } finally {
    writeFileSync(path.join(xdgConfig, 'git', 'ignore'), '');
  }
});

test('with no XDG_CONFIG_HOME the default is ~/.config/git/ignore', () => {
  assert.equal(defaultGlobalExcludes({ HOME: fakeHome }), path.join(fakeHome, '.config', 'git', 'ignore'));
});

test('a missing git is not an error: the default global file still applies', async () => {
  writeTree(xdgConfig, { 'git/ignore': 'notes/\n' });
  const savedPath = process.env.PATH;
  try {
    const root = repository({ 'a.ts': 'a\n', 'notes/n.ts': 'n\n' });
    writeFileSync(path.join(root, '.git', 'info', 'exclude'), 'private.ts\n');
    writeFileSync(path.join(root, 'private.ts'), 'p\n');
    process.env.PATH = path.join(sandbox.path, 'no-git-here');
    forgetGitConfig();
    const scan = await scanCodebase(root, options);
    assert.deepEqual(scan.files.map((file) => file.path), ['a.ts']);
    assert.equal(scan.exclusions['core.excludesFile']?.folders, 1);
    assert.equal(scan.exclusions['.git/info/exclude']?.files, 1, 'the repository is found without git');
  } finally {
    process.env.PATH = savedPath;
    writeFileSync(path.join(xdgConfig, 'git', 'ignore'), '');
  }
});

test('a codebase inside a repository gets the repository\'s excludes, anchored at the top of the work tree', async () => {
  const root = repository({ 'pkg/src/a.ts': 'a\n', 'pkg/generated/g.ts': 'g\n', 'generated/top.ts': 't\n' });
  writeFileSync(path.join(root, '.git', 'info', 'exclude'), '/pkg/generated/\n');
  assert.deepEqual(await paths(path.join(root, 'pkg')), ['src/a.ts']);
  assert.equal(findWorkTree(path.join(root, 'pkg', 'src'))?.top, root);
  // Anchored at the work tree, so a codebase at the top keeps its own generated/ folder.
  assert.deepEqual(await paths(root), ['generated/top.ts', 'pkg/src/a.ts']);
});

test('a worktree (.git is a file) reads info/exclude from the common git dir', async () => {
  const main = repository({ 'a.ts': 'a\n' });
  const worktree = path.join(sandbox.path, `worktree-${counter++}`);
  const worktreeGitDir = path.join(main, '.git', 'worktrees', 'wt');
  mkdirSync(worktreeGitDir, { recursive: true });
  writeFileSync(path.join(worktreeGitDir, 'commondir'), '../..\n');
  writeTree(worktree, { '.git': `gitdir: ${worktreeGitDir}\n`, 'a.ts': 'a\n', 'tmp/t.ts': 't\n' });
  writeFileSync(path.join(main, '.git', 'info', 'exclude'), 'tmp/\n');
  assert.deepEqual(findWorkTree(worktree), { top: worktree, commonDir: path.join(main, '.git') });
  assert.deepEqual(await paths(worktree), ['a.ts']);
});

test('a .gitignore re-includes what info/exclude excluded (deeper rules win, as in git)', async () => {
  const root = repository({ 'a.ts': 'a\n', 'keep.gen.ts': 'k\n', 'drop.gen.ts': 'd\n', '.gitignore': '!keep.gen.ts\n' });
  writeFileSync(path.join(root, '.git', 'info', 'exclude'), '*.gen.ts\n');
  assert.deepEqual(await paths(root), ['a.ts', 'keep.gen.ts']);
});

test('each exclusion is counted once, by the source of the rule that decided it; the run\'s status says so', async () => {
  const root = repository({
    'src/a.ts': 'a\n',
    'node_modules/dep/index.js': 'x\n',
    'dist/out.js': 'x\n',
    'generated/g.ts': 'g\n',
    'fixtures/f.ts': 'f\n',
    'big/b.ts': 'b\n',
    '.gitignore': 'generated/\n',
    'src/.batonignore': 'skip.ts\n',
    'src/skip.ts': 's\n',
  });
  writeFileSync(path.join(root, '.git', 'info', 'exclude'), 'big/\n');
  const scan = await scanCodebase(root, { ...options, ignorePatterns: ['fixtures/'] });
  assert.deepEqual(scan.files.map((file) => file.path), ['src/a.ts']);
  assert.deepEqual(
    Object.fromEntries(Object.entries(scan.exclusions).map(([source, count]) => [source, [count.folders, count.files]])),
    { 'built-in': [2, 0], '.git/info/exclude': [1, 0], ignorePatterns: [1, 0], '.gitignore': [1, 0], '.batonignore': [0, 1] },
  );
  const home = tempFolder('git-excludes-home');
  const engine = new Engine({ home: home.path, maxFileBytes: 1024 * 1024, maxFiles: 50_000 }, { soleWriter: true });
  try {
    const started = await engine.startIndex(root, { ignorePatterns: ['fixtures/'] });
    assert.equal((await started.done).phase, 'done');
    const message = engine.status(root).message;
    assert.match(message, /excluded: built-in excludes 2 folders; \.git\/info\/exclude 1 folder; ignorePatterns 1 folder; \.gitignore 1 folder; \.batonignore 1 file/);
  } finally {
    engine.close();
    home.remove();
  }
});
