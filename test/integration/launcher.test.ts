import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { installLauncher, launcherCommand } from '../../src/extension/launcher-install.ts';
import { mcpConfigurationText, type ServerCommand } from '../../src/extension/mcp-config.ts';
import { packageVsix } from '../helpers/package-vsix.ts';
import { tempFolder } from '../helpers/paths.ts';
import { extractVsix } from '../helpers/vsix.ts';

/**
 * An MCP configuration copied from VS Code outlives the extension's update:
 * real VSIX files installed into an extensions folder laid out as VS Code's,
 * the configuration the "Copy MCP Configuration" command writes, a newer VSIX
 * installed and the old folder removed — and the copied command, a real
 * `baton mcp` behind the launcher, still answers tools/list over stdio.
 */
const work = tempFolder('launcher');
const home = path.join(work.path, 'baton-home');
const fakeUserHome = path.join(work.path, 'user-home');
const extensions = path.join(work.path, 'editor', 'extensions');
const NODE_DIR = path.dirname(process.execPath);
let vsixOld: string;
let vsixNew: string;
let version: string;

before(() => {
  mkdirSync(fakeUserHome, { recursive: true });
  version = (JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  vsixOld = packageVsix(work.path);
  vsixNew = packageVsix(work.path, bumped(version));
});
after(() => work.remove());

function bumped(text: string): string {
  const [major, minor, patch] = text.split('.').map(Number);
  return `${major}.${minor}.${(patch ?? 0) + 1}`;
}

/** Installs a VSIX the way an editor does: its extension/ folder becomes <extensions>/baton-dev.baton-<version>. */
function install(vsix: string, installedVersion: string): string {
  const folder = path.join(extensions, `baton-dev.baton-${installedVersion}`);
  const files = extractVsix(vsix, folder);
  assert.ok(files.includes('dist/launcher.cjs') && files.includes('dist/cli.js'), `the VSIX ships the launcher and the server: ${files.join(', ')}`);
  return folder;
}

/** The Cursor block of the copied configuration, parsed back: what a client will run. */
function copiedCommand(server: ServerCommand): ServerCommand {
  const text = mcpConfigurationText(server);
  const block = text.split('\n\n').find((section) => section.startsWith('## Cursor'));
  assert.ok(block, text);
  const json = JSON.parse(block.split('\n').slice(1).join('\n')) as { mcpServers: { baton: ServerCommand } };
  return json.mcpServers.baton;
}

/** The environment an MCP client gives its server: its own, plus the configuration's env; no real home of this machine. */
function clientEnv(configured: Record<string, string> = {}, path_ = `${NODE_DIR}${path.delimiter}${process.env.PATH ?? ''}`): Record<string, string> {
  return { PATH: path_, HOME: fakeUserHome, XDG_DATA_HOME: path.join(fakeUserHome, '.local', 'share'), BATON_DEBUG: '1', ...configured };
}

async function toolsThrough(command: ServerCommand, env: Record<string, string>): Promise<{ tools: string[]; stderr: string }> {
  const transport = new StdioClientTransport({ command: command.command, args: [...command.args], env, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
  const client = new Client({ name: 'copied-config', version: '0.0.0' });
  try {
    await client.connect(transport);
    const { tools } = await client.listTools();
    return { tools: tools.map((tool) => tool.name).sort(), stderr };
  } finally {
    await client.close();
  }
}

const TOOLS = ['clear_index', 'get_indexing_status', 'index_codebase', 'search_code'];

test('install, copy the configuration, update to a newer VSIX, remove the old folder: the copied command still answers tools/list', async () => {
  const oldFolder = install(vsixOld, version);
  const installed = installLauncher({ home, extensionPath: oldFolder, version, editor: 'Test Editor' });
  assert.equal(installed.launcher, path.join(home, 'launcher', 'baton.cjs'));
  assert.match(readFileSync(installed.launcher, 'utf8'), new RegExp(`^// baton-launcher format=1 version=${version.replaceAll('.', '\\.')}\n`));

  const copied = copiedCommand(launcherCommand(installed.launcher, { execPath: process.execPath, batonHome: home }));
  assert.deepEqual(copied, { command: process.execPath, args: [installed.launcher, 'mcp'], env: { BATON_HOME: home } });
  assert.ok(!copied.args.some((arg) => arg.includes(`baton-dev.baton-${version}`)), 'nothing in the command names a versioned folder');

  const before = await toolsThrough(copied, clientEnv(copied.env));
  assert.deepEqual(before.tools, TOOLS);
  assert.match(before.stderr, new RegExp(`running Baton ${version.replaceAll('.', '\\.')} \\(extension\\)`));

  // The update: VS Code installs the new version beside the old, marks the old obsolete, and deletes it later.
  const newVersion = bumped(version);
  install(vsixNew, newVersion);
  writeFileSync(path.join(extensions, '.obsolete'), JSON.stringify({ [`baton-dev.baton-${version}`]: true }));
  rmSync(oldFolder, { recursive: true, force: true });
  assert.ok(!existsSync(oldFolder));

  const after = await toolsThrough(copied, clientEnv(copied.env));
  assert.deepEqual(after.tools, TOOLS);
  assert.match(after.stderr, new RegExp(`running Baton ${newVersion.replaceAll('.', '\\.')} \\(extension\\) from ${path.join(extensions, `baton-dev.baton-${newVersion}`).replaceAll('.', '\\.')}`));
});

test('an older Baton activating elsewhere does not downgrade the launcher; the same or a newer version refreshes it', () => {
  const olderHome = path.join(work.path, 'home-downgrade');
  const folder = path.join(extensions, `baton-dev.baton-${bumped(version)}`);
  installLauncher({ home: olderHome, extensionPath: folder, version: '9.0.0', editor: 'Newer Editor' });
  const older = installLauncher({ home: olderHome, extensionPath: folder, version: '1.0.0', editor: 'Older Editor' });
  assert.equal(older.replaced, false);
  assert.match(readFileSync(older.launcher, 'utf8'), /^\/\/ baton-launcher format=1 version=9\.0\.0\n/);
  assert.equal(installLauncher({ home: olderHome, extensionPath: folder, version: '9.0.0', editor: 'Newer Editor' }).replaced, false, 'same content: untouched');
  assert.equal(installLauncher({ home: olderHome, extensionPath: folder, version: '9.0.1', editor: 'Newest Editor' }).replaced, true);
});

test('a launcher run by an old Node starts Baton on the node found on PATH, or says what to do and exits 78', async (t) => {
  const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((candidate) => {
    const result = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    return result.status === 0 && Number(result.stdout.split('.')[0]) < 22;
  });
  if (!oldNode) {
    t.skip('no Node older than 22 on this machine');
    return;
  }
  const launcher = path.join(home, 'launcher', 'baton.cjs');
  const emptyBin = path.join(work.path, 'empty-bin');
  mkdirSync(emptyBin, { recursive: true });
  const refused = spawnSync(oldNode, [launcher, 'mcp'], { env: clientEnv({ BATON_HOME: home }, emptyBin), encoding: 'utf8', input: '' });
  assert.equal(refused.status, 78, refused.stderr);
  assert.match(refused.stderr, /no runtime that can run it: it needs Node 22\.13 or newer with its built-in SQLite \(node:sqlite\)\. This is Node \d+\.[\d.]+; no node on PATH\. Install a current Node/);

  // With a current Node on PATH the launcher hands over to it.
  const handedOver = await toolsThrough({ command: oldNode, args: [launcher, 'mcp'], env: {} }, clientEnv({ BATON_HOME: home }));
  assert.deepEqual(handedOver.tools, TOOLS);
});

test('with no Baton installed anywhere the launcher says where it looked and what to do, and exits 78', () => {
  const lonely = path.join(work.path, 'lonely-home');
  installLauncher({ home: lonely, extensionPath: path.join(extensions, `baton-dev.baton-${bumped(version)}`), version, editor: 'Test Editor' });
  rmSync(path.join(lonely, 'launcher', 'sources'), { recursive: true });
  const result = spawnSync(process.execPath, [path.join(lonely, 'launcher', 'baton.cjs'), 'mcp'], { env: clientEnv({ BATON_HOME: lonely }), encoding: 'utf8', input: '' });
  assert.equal(result.status, 78);
  assert.match(result.stderr, /^baton launcher: no installed Baton found \(looked in .*\.vscode\/extensions.*\)\. Install the Baton extension .*npx -y @baton-dev\/baton mcp/);
});
