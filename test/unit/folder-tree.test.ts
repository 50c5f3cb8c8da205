import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { FolderTree, type FileStamp, type TreeRules } from '../../src/engine/watch/folder-tree.ts';
import { watchConfigFromEnv } from '../../src/engine/watch/watch-config.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

const folders: { remove: () => void }[] = [];
after(() => folders.forEach((folder) => folder.remove()));

function project(files: Record<string, string>): string {
  const created = tempFolder('tree');
  folders.push(created);
  writeTree(created.path, files);
  return created.path;
}

function rules(overrides: Partial<TreeRules> = {}): TreeRules {
  return { ignorePatterns: [], customExtensions: new Set(), maxFileBytes: 1024 * 1024, skipFolders: new Set(), ...overrides };
}

/** A tree whose "watches" are recorded: which folders would get one, and which were closed. */
function recordingTree(root: string, treeRules = rules()): { tree: FolderTree; watched: string[]; closed: string[] } {
  const watched: string[] = [];
  const closed: string[] = [];
  const tree = new FolderTree(root, treeRules, (relative) => {
    watched.push(relative);
    return { close: () => closed.push(relative) };
  });
  return { tree, watched, closed };
}

for (const io of ['sliced', 'async'] as const) test(`the tree holds the folders a scan enters, each watched before it is read, and reports every indexable file with its stamp (${io} reads)`, async () => {
  const root = project({
    ...SAMPLE_PROJECT,
    '.git/HEAD': 'ref: refs/heads/main\n',
    'build/out.js': 'function built() {}\n',
    'src/deep/er/leaf.ts': 'export const leaf = 1;\n',
    'src/notes.bin': 'binary-ish',
  });
  const { tree, watched } = recordingTree(root, rules({ io }));
  const files = new Map<string, FileStamp>();
  await tree.add('', (file, stamp) => files.set(file, stamp!));
  assert.deepEqual([...watched].sort(), ['', 'docs', 'lib', 'src', 'src/deep', 'src/deep/er']);
  assert.equal(tree.size, 6);
  assert.deepEqual([...files.keys()].sort(), ['docs/guide.md', 'lib/tokens.py', 'src/config.ts', 'src/deep/er/leaf.ts', 'src/server.ts']);
  const info = statSync(path.join(root, 'src/config.ts'));
  assert.deepEqual(files.get('src/config.ts'), { size: info.size, mtimeMs: info.mtimeMs });
});

test('candidates are judged by their folder’s rules; folders by their parent’s; skipped folders are never entered', async () => {
  const root = project({ ...SAMPLE_PROJECT, 'home/index.db': 'x', 'src/.gitignore': 'local/\n*.gen.ts\n' });
  const { tree } = recordingTree(root, rules({ skipFolders: new Set([path.join(root, 'home')]) }));
  await tree.add('', () => {});
  assert.equal(tree.has('home'), false);
  assert.equal(tree.isCandidateFile('src/new.ts'), true);
  assert.equal(tree.isCandidateFile('src/thing.gen.ts'), false, "src/.gitignore applies in src");
  assert.equal(tree.isCandidateFile('src/image.png'), false, 'not a language');
  assert.equal(tree.isCandidateFile('node_modules/dep/x.ts'), false, 'its folder is not in the tree');
  assert.equal(tree.mayHoldFolder('src/local'), false);
  assert.equal(tree.mayHoldFolder('src/fresh'), true);
  assert.equal(tree.mayHoldFolder('node_modules'), false);
  assert.equal(tree.mayHoldFolder('home'), false);
});

test('removing a folder drops and closes it and everything under it; adding a new one walks it', async () => {
  const root = project({ 'a/b/c/one.ts': 'export const one = 1;\n', 'a/two.ts': 'export const two = 2;\n', 'z/three.ts': 'export const three = 3;\n' });
  const { tree, closed } = recordingTree(root);
  await tree.add('', () => {});
  tree.remove('a/b');
  assert.deepEqual(closed.sort(), ['a/b', 'a/b/c']);
  assert.ok(tree.has('a') && !tree.has('a/b') && !tree.has('a/b/c'));
  mkdirSync(path.join(root, 'a/new/inner'), { recursive: true });
  writeFileSync(path.join(root, 'a/new/inner/four.ts'), 'export const four = 4;\n');
  const found: string[] = [];
  await tree.add('a/new', (file) => found.push(file));
  assert.deepEqual(found, ['a/new/inner/four.ts']);
  assert.ok(tree.has('a/new/inner'));
  tree.clear();
  assert.equal(tree.size, 0);
});

test('the watch settings come from the environment, with clear errors', () => {
  const defaults = watchConfigFromEnv({});
  assert.equal(defaults.mode, 'events');
  assert.equal(defaults.settleMs, 75);
  assert.ok(defaults.maxFolders >= 1);
  assert.equal(watchConfigFromEnv({ BATON_WATCH: '0' }).mode, 'off');
  assert.equal(watchConfigFromEnv({ BATON_WATCH: 'off' }).mode, 'off');
  assert.equal(watchConfigFromEnv({ BATON_WATCH: 'poll', BATON_WATCH_POLL_MS: '250' }).pollMs, 250);
  assert.equal(watchConfigFromEnv({ BATON_WATCH_MAX_FOLDERS: '3' }).maxFolders, 3);
  assert.throws(() => watchConfigFromEnv({ BATON_WATCH: 'sometimes' }), /BATON_WATCH must be "on", "off" or "poll"/);
  assert.throws(() => watchConfigFromEnv({ BATON_WATCH_DEBOUNCE_MS: '-1' }), /BATON_WATCH_DEBOUNCE_MS must be a whole number/);
});

test('ignore rules answer the same after their answer cache starts over', async () => {
  const { IgnoreChain } = await import('../../src/engine/scan/ignore-rules.ts');
  const chain = IgnoreChain.root([{ source: 'built-in', patterns: ['*.log', 'build/'] }]).with('src', '!keep.log\n', '.gitignore');
  for (let round = 0; round < 3; round++) {
    // Far more questions than the cache keeps answers for.
    for (let i = 0; i < 700; i++) assert.equal(chain.ignores(`src/file${i}.ts`), false);
    assert.equal(chain.ignores('src/debug.log'), true);
    assert.equal(chain.ignores('src/keep.log'), false, 'a deeper rule still re-includes');
    assert.equal(chain.ignores('build/'), true);
  }
});
