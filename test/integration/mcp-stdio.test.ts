import assert from 'node:assert/strict';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { callTool, startMcpServer, textOf, type ServerUnderTest } from '../helpers/mcp-client.ts';
import { CLI, tempFolder } from '../helpers/paths.ts';

interface StatusContent {
  status: string;
  percent: number;
  fileCount: number;
  chunkCount: number;
}

async function waitForIndexed(server: ServerUnderTest, folder: string, timeoutMs = 30_000): Promise<StatusContent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await callTool(server.client, 'get_indexing_status', { path: folder });
    const status = result.structuredContent as unknown as StatusContent;
    if (status.status !== 'indexing') return status;
    if (Date.now() > deadline) throw new Error(`${folder} still indexing after ${timeoutMs} ms (${status.percent}%)`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('MCP server over real stdio', () => {
  const home = tempFolder('mcp-home');
  const project = tempFolder('mcp-project');
  let server: ServerUnderTest;

  before(async () => {
    writeTree(project.path, SAMPLE_PROJECT);
    server = await startMcpServer(home.path);
  });

  after(async () => {
    await server.close();
    home.remove();
    project.remove();
  });

  test('lists the seven tools with schemas and annotations', async () => {
    const { tools } = await server.client.listTools();
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    assert.deepEqual(
      [...byName.keys()].sort(),
      ['clear_index', 'find_references', 'find_symbol', 'get_file_outline', 'get_indexing_status', 'index_codebase', 'search_code'],
    );
    for (const readOnly of ['search_code', 'find_symbol', 'find_references', 'get_file_outline']) assert.equal(byName.get(readOnly)?.annotations?.readOnlyHint, true, readOnly);
    assert.equal(byName.get('clear_index')?.annotations?.destructiveHint, true);
    for (const tool of tools) {
      assert.ok(tool.outputSchema, `${tool.name} has an output schema`);
      assert.ok(tool.inputSchema.properties?.['path'], `${tool.name} takes a path`);
    }
    const indexProperties = Object.keys(byName.get('index_codebase')!.inputSchema.properties ?? {});
    for (const name of ['path', 'force', 'splitter', 'customExtensions', 'ignorePatterns']) assert.ok(indexProperties.includes(name), name);
  });

  test('a never-indexed path reports not_found', async () => {
    const result = await callTool(server.client, 'get_indexing_status', { path: project.path });
    assert.equal(result.isError, undefined);
    assert.equal((result.structuredContent as unknown as StatusContent).status, 'not_found');
    assert.match(textOf(result), /index_codebase/);
  });

  test('index returns at once, then status reaches indexed and search finds the function', async () => {
    const started = await callTool(server.client, 'index_codebase', { path: project.path });
    assert.equal(started.isError, undefined, textOf(started));
    const accepted = started.structuredContent as { status: string; fileCount: number; path: string };
    assert.equal(accepted.status, 'indexing');
    assert.equal(accepted.fileCount, 4, 'config.ts, server.ts, tokens.py, guide.md (not node_modules, dist or .gitignored)');

    const status = await waitForIndexed(server, project.path);
    assert.equal(status.status, 'indexed');
    assert.equal(status.percent, 100);
    assert.equal(status.fileCount, 4);
    assert.ok(status.chunkCount >= 4);

    const search = await callTool(server.client, 'search_code', { path: project.path, query: 'parse config', limit: 3 });
    assert.equal(search.isError, undefined, textOf(search));
    const { results } = search.structuredContent as { results: { file: string; startLine: number; endLine: number; language: string; score: number; content: string }[] };
    assert.equal(results[0]?.file, 'src/config.ts');
    assert.equal(results[0]?.language, 'typescript');
    assert.ok(results[0]!.startLine <= 9 && results[0]!.endLine >= 12, 'the chunk holds parseConfig (lines 9-12)');
    assert.match(results[0]!.content, /export function parseConfig/);
    assert.ok(results.every((result) => !/node_modules|dist|generated/.test(result.file)));
    assert.equal((results[0] as { role?: string }).role, 'source');
    assert.match(textOf(search), /src\/config\.ts:\d+-\d+/);
  });

  test('natural-language query and identifier spellings meet', async () => {
    for (const query of ['refresh access token', 'refreshAccessToken', 'RefreshAccessToken', 'refresh_access_token']) {
      const search = await callTool(server.client, 'search_code', { path: project.path, query, limit: 1 });
      const { results } = search.structuredContent as { results: { file: string }[] };
      assert.equal(results[0]?.file, 'lib/tokens.py', query);
    }
  });

  test('roles restrict the search to files of those roles', async () => {
    const docs = await callTool(server.client, 'search_code', { path: project.path, query: 'server configuration', roles: ['docs'] });
    assert.equal(docs.isError, undefined, textOf(docs));
    const found = (docs.structuredContent as { results: { file: string; role: string }[] }).results;
    assert.deepEqual(found.map((result) => [result.file, result.role]), [['docs/guide.md', 'docs']]);
  });

  test('extension filter and sub-folder paths', async () => {
    const filtered = await callTool(server.client, 'search_code', { path: project.path, query: 'server', extensionFilter: ['.py', 'md'] });
    const files = (filtered.structuredContent as { results: { file: string }[] }).results.map((result) => result.file);
    assert.ok(files.length > 0);
    assert.deepEqual(files, ['docs/guide.md'], 'server.ts matches too but is filtered out');

    const inSub = await callTool(server.client, 'search_code', { path: path.join(project.path, 'src'), query: 'parseConfig' });
    const subFiles = (inSub.structuredContent as { path: string; results: { file: string }[] }).results.map((result) => result.file);
    assert.ok(subFiles.length > 0 && subFiles.every((file) => file.startsWith('src/')), subFiles.join());
    const subStatus = await callTool(server.client, 'get_indexing_status', { path: path.join(project.path, 'lib') });
    assert.equal((subStatus.structuredContent as { status: string; root: string }).root, project.path);
  });

  test('waitForCompletion streams progress notifications until done', async () => {
    const notes: { progress: number; total?: number }[] = [];
    const result = await server.client.callTool(
      { name: 'index_codebase', arguments: { path: project.path, force: true, waitForCompletion: true } },
      undefined,
      { onprogress: (progress) => notes.push(progress) },
    );
    assert.equal(result.isError, undefined);
    assert.equal((result.structuredContent as { status: string }).status, 'indexed');
    assert.ok(notes.length >= 1, 'at least one progress notification');
    // The SDK client handles notifications a microtask late, so the very last one may land after the
    // response and be dropped by the client; the ones it did see must be well-formed and in order.
    for (const [index, note] of notes.entries()) {
      assert.equal(note.total, 4);
      assert.ok(note.progress >= (notes[index - 1]?.progress ?? 0));
    }
  });

  test('a background run that ends tells the client with a log message (the request was answered long before)', async () => {
    const folder = tempFolder('mcp-log');
    try {
      writeTree(folder.path, SAMPLE_PROJECT);
      const messages: { level: string; data: unknown }[] = [];
      let heard: () => void = () => {};
      const ended = new Promise<void>((resolve) => (heard = resolve));
      server.client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
        messages.push(notification.params);
        if (String(notification.params.data).includes(folder.path)) heard();
      });
      const started = await callTool(server.client, 'index_codebase', { path: folder.path });
      assert.equal(started.isError, undefined);
      await Promise.race([ended, new Promise((_, reject) => setTimeout(() => reject(new Error('no log message within 20 s')), 20_000).unref())]);
      const message = messages.find((entry) => String(entry.data).includes(folder.path))!;
      assert.equal(message.level, 'info');
      assert.match(String(message.data), /^Indexed .*chunks/);
    } finally {
      folder.remove();
    }
  });

  test('a second index while one runs joins it; force starts over', async () => {
    // The hook holds the first run after its first batch, so the second call always finds it going.
    const big = tempFolder('mcp-big');
    const hookHome = tempFolder('mcp-big-home');
    const held = await startMcpServer(hookHome.path, { BATON_TEST_HOOKS: 'first-batch' });
    try {
      const files: Record<string, string> = {};
      for (let i = 0; i < 400; i++) files[`m${i}/f${i}.ts`] = `export function handler${i}(input: number) {\n  return input * ${i};\n}\n`.repeat(20);
      writeTree(big.path, files);
      const first = await callTool(held.client, 'index_codebase', { path: big.path });
      assert.equal(first.isError, undefined);
      await until(() => held.stderr().includes('"hook":"first-batch"'), 'the first committed batch');
      const second = await callTool(held.client, 'index_codebase', { path: big.path });
      assert.equal(second.isError, undefined, textOf(second));
      assert.equal((second.structuredContent as { attached?: boolean }).attached, true);
      assert.match(textOf(second), /already being indexed.*follows that run/s);
      process.kill(held.transport.pid!, 'SIGUSR2');
      const forced = await callTool(held.client, 'index_codebase', { path: big.path, force: true });
      assert.equal(forced.isError, undefined, textOf(forced));
      assert.equal((forced.structuredContent as { attached?: boolean }).attached, undefined);
      const status = await waitForIndexed(held, big.path);
      assert.equal(status.status, 'indexed');
      assert.equal(status.fileCount, 400);
    } finally {
      await held.close();
      big.remove();
      hookHome.remove();
    }
  });

  test('bad input gets isError with a message that says what to do, and the server stays up', async () => {
    const file = path.join(project.path, 'src/config.ts');
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['index_codebase', { path: 'relative/folder' }, /must be absolute/],
      ['index_codebase', { path: '~nobody/project' }, /only a leading "~" or "~\/" \(this user's home\) is expanded, not "~name"/],
      ['index_codebase', { path: path.join(project.path, 'missing') }, /no folder at/],
      ['index_codebase', { path: file }, /is a file, not a folder/],
      ['index_codebase', {}, /path/],
      ['index_codebase', { path: 42 }, /path must be a string/],
      ['index_codebase', { path: project.path, splitter: 'words' }, /splitter must be/],
      ['index_codebase', { path: project.path, force: 'yes' }, /force must be true or false/],
      ['search_code', { path: project.path, query: '   ' }, /query is empty/],
      ['search_code', { path: project.path, query: 'x', limit: 0 }, /limit must be between 1 and 50/],
      ['search_code', { path: project.path, query: 'x', limit: 51 }, /limit must be between 1 and 50/],
      ['search_code', { path: project.path, query: 'x', limit: 2.5 }, /whole number/],
      ['search_code', { path: project.path, query: 'x', extensionFilter: '.ts' }, /extensionFilter must be a list/],
      ['search_code', { path: project.path, query: 'x', roles: ['tests'] }, /unknown role "tests": roles must be a list of: source, test, docs, changelog, generated, example, config/],
      ['search_code', { path: project.path, query: 'x', roles: 'test' }, /roles must be a list of/],
      ['search_code', { path: '/', query: 'x' }, /is not indexed.*index_codebase/s],
      ['search_code', { path: project.path, query: 'parse config '.repeat(200) }, /query is too long: at most 2000 characters/],
      ['search_code', { path: project.path, query: 'x', extensionFilter: ['ts\u0000'] }, /extensionFilter entry "ts\\u0000" is not a file extension/],
      ['search_code', { path: project.path, query: 'x', extensionFilter: Array.from({ length: 101 }, (_, i) => `.e${i}`) }, /at most 100/],
      ['search_code', { path: file, query: 'parseConfig' }, /is a file, not a folder.*get_file_outline/s],
      ['search_code', { path: path.join(project.path, 'no-such-folder'), query: 'parseConfig' }, /no folder at .*inside the indexed codebase/],
      ['find_symbol', { path: file, name: 'parseConfig' }, /is a file, not a folder/],
      ['clear_index', { path: '/tmp' }, /not indexed/],
      ['get_indexing_status', { path: 'nope' }, /must be absolute/],
    ];
    for (const [name, args, expected] of cases) {
      const result = await callTool(server.client, name, args);
      assert.equal(result.isError, true, `${name} ${JSON.stringify(args)} should fail`);
      assert.match(textOf(result), expected, `${name} ${JSON.stringify(args)}`);
    }
    const still = await callTool(server.client, 'get_indexing_status', { path: project.path });
    assert.equal((still.structuredContent as { status: string }).status, 'indexed');
  });

  test('clear removes the index', async () => {
    const cleared = await callTool(server.client, 'clear_index', { path: project.path });
    assert.equal(cleared.isError, undefined, textOf(cleared));
    assert.equal((cleared.structuredContent as { cleared: boolean }).cleared, true);
    const status = await callTool(server.client, 'get_indexing_status', { path: project.path });
    assert.equal((status.structuredContent as { status: string }).status, 'not_found');
    const search = await callTool(server.client, 'search_code', { path: project.path, query: 'parseConfig' });
    assert.equal(search.isError, true);
  });
});

describe('stdio server lifetime', () => {
  test('exits when its stdin closes', async () => {
    const home = tempFolder('life');
    try {
      const child = spawn(process.execPath, [CLI, 'mcp'], { env: { ...process.env, BATON_HOME: home.path }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      // Wait for the readiness line before closing stdin.
      await until(() => stderr.includes('ready'), 'the readiness line');
      child.stdin.end();
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
      assert.match(stderr, /stdin closed/);
    } finally {
      home.remove();
    }
  });

  test('exits when its parent process dies', async () => {
    const home = tempFolder('orphan');
    try {
      // A parent that starts the server (with stdin kept open by a pipe we hold) and then is killed.
      const parentScript = `
        const { spawn } = require('node:child_process');
        const child = spawn(process.execPath, [${JSON.stringify(CLI)}, 'mcp'], { stdio: ['pipe', 'ignore', 'inherit'] });
        process.stdout.write(String(child.pid) + '\\n');
        setInterval(() => {}, 1000);`;
      const parent = spawn(process.execPath, ['-e', parentScript], { env: { ...process.env, BATON_HOME: home.path }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      parent.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
      const [pidLine] = (await once(parent.stdout, 'data')) as [Buffer];
      const serverPid = Number(pidLine.toString().trim());
      await until(() => stderr.includes('ready'), 'the readiness line');
      parent.kill('SIGKILL');
      await once(parent, 'exit');
      const deadline = Date.now() + 10_000;
      while (isAlive(serverPid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(isAlive(serverPid), false, 'the orphaned server exited');
    } finally {
      home.remove();
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
