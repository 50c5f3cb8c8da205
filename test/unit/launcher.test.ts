import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { launcherCommand, stableExecPath } from '../../src/extension/launcher-install.ts';
import { findInstallations, searchPlaces } from '../../src/launcher/installations.ts';
import { parseLauncherHeader, readSourceRecords, writeSourceRecord } from '../../src/launcher/records.ts';
import { suitableNode } from '../../src/launcher/runtime.ts';
import { compareVersions, parseVersion } from '../../src/launcher/versions.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

const work = tempFolder('launcher-unit');
after(() => work.remove());

function version(text: string) {
  const parsed = parseVersion(text);
  assert.ok(parsed, text);
  return parsed;
}

test('versions compare numerically, and a prerelease is older than its release', () => {
  const ordered = ['0.1.0', '0.1.1', '0.2.0-beta.2', '0.2.0-beta.10', '0.2.0', '0.10.0', '1.0.0'];
  for (let index = 1; index < ordered.length; index++) {
    assert.ok(compareVersions(version(ordered[index - 1]!), version(ordered[index]!)) < 0, `${ordered[index - 1]} < ${ordered[index]}`);
  }
  assert.equal(compareVersions(version('1.2.3+build.5'), version('1.2.3')), 0);
  assert.equal(parseVersion('1.2'), undefined);
  assert.equal(parseVersion('latest'), undefined);
});

function extension(dir: string, folder: string, manifest: Record<string, unknown>, withCli = true): void {
  writeTree(path.join(dir, folder), { 'package.json': JSON.stringify(manifest), ...(withCli ? { 'dist/cli.js': '// cli\n' } : {}) });
}

test('the newest Baton wins among editors and the npm package; obsolete, foreign and broken folders are skipped', () => {
  const vscodeDir = path.join(work.path, 'vscode-extensions');
  const cursorDir = path.join(work.path, 'cursor-extensions');
  const npmRoot = path.join(work.path, 'npm', 'lib', 'node_modules');
  extension(vscodeDir, 'baton-dev.baton-0.2.0', { publisher: 'baton-dev', name: 'baton', version: '0.2.0' });
  extension(vscodeDir, 'baton-dev.baton-0.3.0', { publisher: 'baton-dev', name: 'baton', version: '0.3.0' }); // replaced, awaiting deletion
  writeTree(vscodeDir, { '.obsolete': JSON.stringify({ 'baton-dev.baton-0.3.0': true }) });
  extension(vscodeDir, 'baton-dev.baton-0.9.0', { publisher: 'someone-else', name: 'baton', version: '0.9.0' });
  extension(vscodeDir, 'baton-dev.baton-0.8.0', { publisher: 'baton-dev', name: 'baton', version: '0.8.0' }, false);
  extension(cursorDir, 'baton-dev.baton-0.2.1-linux-x64', { publisher: 'baton-dev', name: 'baton', version: '0.2.1' });
  extension(path.join(npmRoot, '@baton-dev'), 'baton', { name: '@baton-dev/baton', version: '0.2.0-beta.1' });
  const found = findInstallations({ extensionsDirs: [{ dir: vscodeDir }, { dir: cursorDir, nodePath: '/opt/node24/bin/node' }, { dir: path.join(work.path, 'missing') }], npmRoots: [npmRoot] });
  assert.deepEqual(found.map((entry) => [entry.versionText, entry.kind]), [['0.2.1', 'extension'], ['0.2.0', 'extension'], ['0.2.0-beta.1', 'npm']]);
  assert.equal(found[0]!.cli, path.join(cursorDir, 'baton-dev.baton-0.2.1-linux-x64', 'dist', 'cli.js'));
  assert.equal(found[0]!.nodePath, '/opt/node24/bin/node', "the runtime the editor's user chose comes along");
});

test('recorded extensions folders come first, then the usual ones; each once', () => {
  const home = path.join(work.path, 'home');
  const custom = path.join(work.path, 'code-server', 'extensions');
  writeSourceRecord(home, { extensionsDir: custom, editor: 'code-server' });
  writeSourceRecord(home, { extensionsDir: custom, editor: 'code-server', nodePath: '/usr/local/bin/node' });
  assert.equal(readSourceRecords(home).length, 1, 'one record per extensions folder, rewritten in place');
  const places = searchPlaces(home, { HOME: '/home/me', XDG_DATA_HOME: '/data', PATH: '' }, '/usr/share/code/code');
  assert.deepEqual(places.extensionsDirs[0], { dir: custom, nodePath: '/usr/local/bin/node' });
  assert.ok(places.extensionsDirs.some((entry) => entry.dir === path.join('/data', 'code-server', 'extensions')));
  assert.equal(new Set(places.extensionsDirs.map((entry) => entry.dir)).size, places.extensionsDirs.length);
  assert.deepEqual(places.npmRoots, [], "an editor's own binary is no npm prefix, and no node is on PATH");
  assert.deepEqual(searchPlaces(home, { PATH: '' }, '/opt/node/bin/node').npmRoots, [path.join('/opt/node', 'lib', 'node_modules')]);
});

test('records of an unknown (newer) format, or unreadable ones, are skipped', () => {
  const home = path.join(work.path, 'home-formats');
  writeTree(path.join(home, 'launcher', 'sources'), { 'a.json': JSON.stringify({ format: 2, extensionsDir: '/x', editor: 'Future' }), 'b.json': '{ not json', 'c.json': JSON.stringify({ format: 1, extensionsDir: '/y', editor: 'Now', writtenAt: 5 }) });
  assert.deepEqual(readSourceRecords(home), [{ format: 1, extensionsDir: '/y', editor: 'Now', writtenAt: 5 }]);
});

test('the launcher header names its format and version, after an optional shebang', () => {
  assert.deepEqual(parseLauncherHeader('// baton-launcher format=1 version=0.4.2\n"use strict";'), { format: 1, version: '0.4.2' });
  assert.deepEqual(parseLauncherHeader('#!/usr/bin/env node\n// baton-launcher format=3 version=1.0.0-rc.1\n'), { format: 3, version: '1.0.0-rc.1' });
  assert.equal(parseLauncherHeader('console.log(1)'), undefined);
});

test('the copied command: the chosen Node, else the editor runtime (as Node under Electron), and BATON_HOME when set', () => {
  const launcher = '/home/me/.baton/launcher/baton.cjs';
  assert.deepEqual(launcherCommand(launcher, { execPath: '/usr/share/code/code', electronVersion: '37.2.0' }), {
    command: '/usr/share/code/code',
    args: [launcher, 'mcp'],
    env: { ELECTRON_RUN_AS_NODE: '1' },
  });
  assert.deepEqual(launcherCommand(launcher, { execPath: '/usr/share/code/code', electronVersion: '37.2.0', nodePath: ' /opt/node24/bin/node ', batonHome: '/data/baton' }), {
    command: '/opt/node24/bin/node',
    args: [launcher, 'mcp'],
    env: { BATON_HOME: '/data/baton' },
  });
  assert.deepEqual(launcherCommand(launcher, { execPath: '/usr/lib/code-server/lib/node' }).env, {});
  assert.equal(stableExecPath('/snap/code/187/usr/share/code/code'), '/snap/code/current/usr/share/code/code');
  assert.equal(stableExecPath('/usr/share/code/code'), '/usr/share/code/code');
});

test('a runtime suits from Node 22.13 on, and only with node:sqlite', () => {
  assert.equal(suitableNode('22.12.0', true), false);
  assert.equal(suitableNode('22.13.0', true), true);
  assert.equal(suitableNode('24.1.0', false), false);
  assert.equal(suitableNode('23.0.0', true), true);
});
