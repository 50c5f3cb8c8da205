import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { SearchToolOutput } from '../../src/protocol/tools.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { PROJECT_ROOT, tempFolder } from '../helpers/paths.ts';

/**
 * The publishable CLI package (packages/cli): `npm pack` it, install the
 * tarball into a temporary prefix with no registry at all (it has no
 * dependencies: the bundle and the grammars are its files), and drive the
 * installed `baton mcp` with the SDK client, as `npx -y @baton-dev/baton mcp`
 * would run it.
 */
const PACKAGE = path.join(PROJECT_ROOT, 'packages', 'cli');
const work = tempFolder('cli-package');
const prefix = path.join(work.path, 'prefix');
const home = path.join(work.path, 'baton-home');
const project = path.join(work.path, 'project');
const NODE_DIR = path.dirname(process.execPath);
let tarball: string;

/** This environment without what the enclosing `npm test` added (npm_config_prefix and friends would redirect the install). */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^npm_/i.test(key)) env[key] = value;
  return { ...env, PATH: `${NODE_DIR}${path.delimiter}${process.env.PATH ?? ''}`, ...extra };
}

/**
 * A Python file of five functions, each too big to share a chunk (about 1,300 characters):
 * syntax-aware chunks start at a `def`, line-based ones elsewhere (checked: one line earlier, with their overlap).
 */
function pythonModule(): { text: string; targetLine: number } {
  const lines: string[] = ['import hashlib', ''];
  let targetLine = 0;
  for (const name of ['load_settings', 'open_session', 'rotate_signing_keys', 'audit_events', 'close_session']) {
    if (name === 'rotate_signing_keys') targetLine = lines.length + 1;
    lines.push(`def ${name}(context):`, `    # ${name.replaceAll('_', ' ')} for the service`);
    for (let step = 0; step < 24; step++) lines.push(`    context.values['${name}_${step}'] = hashlib.sha256(b'${step}').hexdigest()`);
    lines.push('    return context'); // no blank line between functions: a line-based split has nothing to go by
  }
  return { text: lines.join('\n'), targetLine };
}
const MODULE = pythonModule();

before(() => {
  writeTree(project, { ...SAMPLE_PROJECT, 'lib/keys.py': MODULE.text });
  mkdirSync(prefix, { recursive: true });
  const packed = execFileSync('npm', ['pack', '--pack-destination', work.path, '--json'], { cwd: PACKAGE, env: cleanEnv(), encoding: 'utf8' });
  const [info] = JSON.parse(packed) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work.path, info!.filename);
  const files = info!.files.map((file) => file.path).sort();
  assert.ok(files.includes('bin/baton.cjs') && files.includes('dist/cli.js') && files.includes('dist/wasm/tree-sitter-typescript.wasm'), files.join(', '));
  assert.ok(!files.some((file) => file.startsWith('src/') || file.endsWith('.map')), 'only what runs is shipped');
  execFileSync('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', tarball], { env: cleanEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
});
after(() => work.remove());

const installedBin = (): string => path.join(prefix, 'bin', 'baton');
const installedPackage = (): string => path.join(prefix, 'lib', 'node_modules', '@baton-dev', 'baton');

test('the packed package has the extension\'s version, no dependencies, and a `baton` bin that runs', () => {
  const manifest = JSON.parse(readFileSync(path.join(installedPackage(), 'package.json'), 'utf8')) as { version: string; dependencies?: unknown; engines: { node: string } };
  const extension = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(manifest.version, extension.version);
  assert.equal(manifest.dependencies, undefined);
  assert.equal(manifest.engines.node, '>=22.13');
  assert.ok(!existsSync(path.join(installedPackage(), 'node_modules')), 'nothing else was installed');
  const version = spawnSync(installedBin(), ['--version'], { env: cleanEnv(), encoding: 'utf8' });
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), extension.version);
});

test('`baton mcp` from the installed package: tools/list, a real index_codebase and search_code', async () => {
  const transport = new StdioClientTransport({ command: installedBin(), args: ['mcp'], env: cleanEnv({ BATON_HOME: home }), stderr: 'pipe' });
  const client = new Client({ name: 'npx-like-client', version: '0.0.0' });
  await client.connect(transport);
  try {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), ['clear_index', 'get_indexing_status', 'index_codebase', 'search_code']);
    const indexed = (await client.callTool({ name: 'index_codebase', arguments: { path: project, waitForCompletion: true } }, undefined, { timeout: 60_000 })) as CallToolResult;
    assert.equal(indexed.isError, undefined, JSON.stringify(indexed.content));
    assert.equal((indexed.structuredContent as { status: string }).status, 'indexed');
    const found = (await client.callTool({ name: 'search_code', arguments: { path: project, query: 'rotate signing keys' } })) as CallToolResult;
    const output = found.structuredContent as SearchToolOutput;
    assert.equal(output.results[0]?.file, 'lib/keys.py');
    assert.equal(output.results[0]?.language, 'python');
    // The function's own chunk, cut by the tree-sitter grammar the package ships.
    assert.equal(output.results[0]?.startLine, MODULE.targetLine);
  } finally {
    await client.close();
  }
});

test('on an old Node the bin says what is needed and exits 78 before loading anything', (t) => {
  const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((candidate) => {
    const result = spawnSync(candidate, ['-p', 'process.versions.node'], { encoding: 'utf8' });
    return result.status === 0 && Number(result.stdout.split('.')[0]) < 22;
  });
  if (!oldNode) {
    t.skip('no Node older than 22 on this machine');
    return;
  }
  const result = spawnSync(oldNode, [path.join(installedPackage(), 'bin', 'baton.cjs'), 'mcp'], { env: cleanEnv(), encoding: 'utf8', input: '' });
  assert.equal(result.status, 78);
  assert.match(result.stderr, /^baton: needs Node 22\.13 or newer with its built-in SQLite \(node:sqlite\); this is Node \d+\.[\d.]+\. Install a current Node/);
});

test('the launcher finds the npm package when no editor has Baton', async () => {
  const fakeUserHome = path.join(work.path, 'user-home');
  mkdirSync(fakeUserHome, { recursive: true });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path.join(PROJECT_ROOT, 'dist', 'launcher.cjs'), 'mcp'],
    env: cleanEnv({ BATON_HOME: path.join(work.path, 'launcher-home'), HOME: fakeUserHome, npm_config_prefix: prefix, BATON_DEBUG: '1' }),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
  const client = new Client({ name: 'launcher-npm', version: '0.0.0' });
  await client.connect(transport);
  try {
    assert.equal((await client.listTools()).tools.length, 4);
    assert.match(stderr, new RegExp(`running Baton [\\d.]+ \\(npm\\) from ${installedPackage().replaceAll('.', '\\.')}`));
  } finally {
    await client.close();
  }
  assert.ok(readdirSync(prefix).includes('bin'));
});
