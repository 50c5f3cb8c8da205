import assert from 'node:assert/strict';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { Engine } from '../../src/engine/engine.ts';
import type { WatchConfig } from '../../src/engine/watch/watch-config.ts';
import { catchUpPass } from '../../src/engine/watch/catch-up.ts';
import { WatchService } from '../../src/engine/watch/watch-service.ts';
import type { CodebaseWatch } from '../../src/protocol/watch-state.ts';
import { eventually } from '../helpers/eventually.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

const folders: { remove: () => void }[] = [];
const engines: Engine[] = [];
const services: WatchService[] = [];
after(() => {
  services.forEach((service) => service.stop());
  engines.forEach((engine) => engine.close());
  folders.forEach((folder) => folder.remove());
});

function folder(prefix: string): string {
  const created = tempFolder(prefix);
  folders.push(created);
  return created.path;
}

const CONFIG: WatchConfig = { mode: 'events', settleMs: 10, maxDelayMs: 100, pollMs: 100, maxFolders: 10_000 };

async function indexed(): Promise<{ engine: Engine; root: string }> {
  const root = folder('svc-project');
  writeTree(root, SAMPLE_PROJECT);
  const engine = new Engine({ home: folder('svc-home'), maxFileBytes: 1024 * 1024, maxFiles: 50_000 }, { soleWriter: true });
  engines.push(engine);
  assert.equal((await (await engine.startIndex(root)).done).phase, 'done');
  return { engine, root };
}

function watch(engine: Engine, config: Partial<WatchConfig> = {}, nativeRecursive = false): { service: WatchService; records: () => CodebaseWatch[]; log: string[] } {
  const log: string[] = [];
  let records: CodebaseWatch[] = [];
  const service = new WatchService({
    engine,
    config: { ...CONFIG, ...config },
    log: { info: (message) => log.push(message), warn: (message) => log.push(`WARN ${message}`) },
    skipFolders: [],
    onChange: (latest) => (records = latest),
    nativeRecursive,
  });
  services.push(service);
  service.start();
  return { service, records: () => records, log };
}

function paths(engine: Engine, root: string): string[] {
  const codebase = engine.store.codebases.byRoot(root)!;
  return [...engine.store.contents.storedFiles(codebase.id).keys()].sort();
}

test('the recursive backend (macOS, Windows) routes events through the same tree: new, changed and deleted files, ignored folders dropped', async () => {
  // On Linux, Node's own recursive watch stands in for FSEvents / ReadDirectoryChangesW.
  const { engine, root } = await indexed();
  const { records } = watch(engine, {}, true);
  await eventually(() => records()[0]?.mode === 'watching', 'watching');
  assert.equal(records()[0]?.folders, undefined, 'one recursive watch, no per-folder count');
  writeFileSync(path.join(root, 'src/routed.ts'), 'export function routedThrough() {}\n');
  writeFileSync(path.join(root, 'node_modules/dep/routed.ts'), 'export function inDependency() {}\n');
  rmSync(path.join(root, 'docs/guide.md'));
  await eventually(() => {
    const now = paths(engine, root);
    return now.includes('src/routed.ts') && !now.includes('docs/guide.md');
  }, 'the events to be applied');
  assert.ok(!paths(engine, root).some((file) => file.startsWith('node_modules/')));
});

test('running out of watches falls back to polling, reported in the record, and the poll still finds changes', async () => {
  const { engine, root } = await indexed();
  const { records, log } = watch(engine, { maxFolders: 2 });
  await eventually(() => records()[0]?.mode === 'polling', 'the fallback');
  assert.match(records()[0]?.reason ?? '', /share of inotify watches is used up \(2 folders\)/);
  assert.equal(records()[0]?.pollMs, 100);
  writeFileSync(path.join(root, 'lib/polled.py'), 'def found_by_polling():\n    return 1\n');
  await eventually(() => paths(engine, root).includes('lib/polled.py'), 'the poll to find the file');
  assert.equal(log.filter((line) => line.startsWith('WARN')).length, 1, 'said once');
});

test('a cleared codebase is let go, and stopping closes everything', async () => {
  const { engine, root } = await indexed();
  const { service, records } = watch(engine);
  await eventually(() => records()[0]?.mode === 'watching', 'watching');
  await engine.clear(root);
  await eventually(() => records().length === 0, 'the cleared codebase to be let go');
  service.stop();
  assert.deepEqual(service.records(), []);
});

test('with watching off every codebase is reported off and nothing is watched', async () => {
  const { engine, root } = await indexed();
  const { records } = watch(engine, { mode: 'off' });
  await eventually(() => records().length === 1, 'the record');
  assert.deepEqual(records().map((record) => [record.root, record.mode]), [[root, 'off']]);
});

test('the catch-up pass finds exactly the new, changed and gone files, whatever order their names sort in', async () => {
  const { engine, root } = await indexed();
  const rules = { ignorePatterns: [], customExtensions: new Set<string>(), maxFileBytes: 1024 * 1024, skipFolders: new Set<string>() };
  const none = await catchUpPass(engine.store.stamps, root, rules, new AbortController().signal);
  assert.deepEqual(none.kind === 'done' ? none.changed : none, []);
  // Names around "/" in byte order: "src.d/…" sorts before "src/…", "src0.ts" after it.
  mkdirSync(path.join(root, 'src.d'));
  writeFileSync(path.join(root, 'src.d/dotted.ts'), 'export const dotted = 1;\n');
  writeFileSync(path.join(root, 'src0.ts'), 'export const zero = 0;\n');
  writeFileSync(path.join(root, 'src/config.ts'), `${SAMPLE_PROJECT['src/config.ts']}// grown\n`);
  utimesSync(path.join(root, 'lib/tokens.py'), new Date(), new Date(Date.now() + 60_000));
  rmSync(path.join(root, 'docs/guide.md'));
  writeFileSync(path.join(root, 'node_modules/dep/ignored.ts'), 'export const ignored = 1;\n');
  const found = await catchUpPass(engine.store.stamps, root, rules, new AbortController().signal);
  assert.equal(found.kind, 'done');
  assert.deepEqual(found.kind === 'done' ? found.changed.sort() : [], ['docs/guide.md', 'lib/tokens.py', 'src.d/dotted.ts', 'src/config.ts', 'src0.ts']);
  rmSync(root, { recursive: true });
  assert.equal((await catchUpPass(engine.store.stamps, root, rules, new AbortController().signal)).kind, 'root-gone');
});
