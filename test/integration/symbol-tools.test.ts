import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { runCli } from '../helpers/cli.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { callTool, startMcpServer, textOf, type ServerUnderTest } from '../helpers/mcp-client.ts';
import { tempFolder } from '../helpers/paths.ts';
import { ServerProcess } from '../helpers/server-process.ts';

interface SymbolAnswer {
  path: string;
  symbolTable: string;
  results: { name: string; kind: string; file: string; line: number; container?: string; signature: string; match: string }[];
}

interface ReferenceAnswer {
  fileCount: number;
  results: { file: string; line: number; text: string; definition: boolean; enclosing?: { name: string } }[];
}

interface OutlineAnswer {
  file: string;
  symbols: { name: string; kind: string; children: { name: string }[] }[];
}

async function indexAndWait(client: Client, folder: string): Promise<void> {
  const result = (await client.callTool({ name: 'index_codebase', arguments: { path: folder, waitForCompletion: true } })) as CallToolResult;
  assert.equal(result.isError, undefined, textOf(result));
}

describe('symbol tools over real stdio', () => {
  const home = tempFolder('symbol-tools-home');
  const project = tempFolder('symbol-tools-project');
  let server: ServerUnderTest;

  before(async () => {
    writeTree(project.path, SAMPLE_PROJECT);
    server = await startMcpServer(home.path);
    await indexAndWait(server.client, project.path);
  });

  after(async () => {
    await server.close();
    home.remove();
    project.remove();
  });

  test('find_symbol, find_references and get_file_outline answer with text and structured content', async () => {
    const found = await callTool(server.client, 'find_symbol', { path: project.path, name: 'parseConfig' });
    assert.equal(found.isError, undefined, textOf(found));
    const symbols = found.structuredContent as unknown as SymbolAnswer;
    assert.equal(symbols.symbolTable, 'complete');
    assert.deepEqual(
      symbols.results.map((result) => [result.kind, result.name, result.file, result.line, result.match]),
      [['function', 'parseConfig', 'src/config.ts', 9, 'exact']],
    );
    assert.match(textOf(found), /src\/config\.ts:9 {2}function parseConfig/);

    const humps = (await callTool(server.client, 'find_symbol', { path: project.path, name: 'HtSe' })).structuredContent as unknown as SymbolAnswer;
    assert.deepEqual([humps.results[0]?.name, humps.results[0]?.match], ['HttpServer', 'camel-hump']);

    const references = await callTool(server.client, 'find_references', { path: project.path, name: 'parseConfig', includeDefinitions: true });
    const uses = references.structuredContent as unknown as ReferenceAnswer;
    assert.deepEqual(
      uses.results.map((result) => `${result.file}:${result.line}${result.definition ? ' definition' : ''}${result.enclosing ? ` in ${result.enclosing.name}` : ''}`),
      ['src/config.ts:9 definition', 'src/server.ts:1', 'src/server.ts:5 in start'],
    );
    assert.equal(uses.fileCount, 1);
    assert.match(textOf(references), /by name, no type resolution/);

    const outline = await callTool(server.client, 'get_file_outline', { path: project.path, file: 'src/server.ts' });
    const tree = outline.structuredContent as unknown as OutlineAnswer;
    assert.deepEqual(tree.symbols.map((symbol) => [symbol.kind, symbol.name, symbol.children.map((child) => child.name)]), [['class', 'HttpServer', ['start']]]);

    const search = await callTool(server.client, 'search_code', { path: project.path, query: 'refresh access token', limit: 1 });
    const [first] = (search.structuredContent as { results: { symbol?: { name: string; kind: string } }[] }).results;
    assert.deepEqual(first?.symbol, { name: 'refresh_access_token', kind: 'function' });
  });

  test('bad input gets isError with a message that says what to do, and the server stays up', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['find_symbol', { path: project.path }, /name/],
      ['find_symbol', { path: project.path, name: '' }, /name is empty/],
      ['find_symbol', { path: project.path, name: 'two words' }, /one identifier without spaces.*search_code/],
      ['find_symbol', { path: project.path, name: 'x', kind: 'widget' }, /kind must be one of: function, method/],
      ['find_symbol', { path: project.path, name: 'x', limit: 0 }, /limit must be between 1 and 100/],
      ['find_symbol', { path: project.path, name: 'x', limit: 101 }, /limit must be between 1 and 100/],
      ['find_symbol', { path: project.path, name: 'x', exact: 'yes' }, /exact must be true or false/],
      ['find_symbol', { path: 'relative/dir', name: 'x' }, /must be absolute/],
      ['find_symbol', { path: '/', name: 'x' }, /is not indexed.*index_codebase/s],
      ['find_references', { path: project.path, name: 'x', limit: 501 }, /limit must be between 1 and 500/],
      ['find_references', { path: project.path, name: 42 }, /name must be a string/],
      ['find_references', { path: project.path, name: 'x', includeDefinitions: 1 }, /includeDefinitions must be true or false/],
      ['get_file_outline', { path: project.path }, /file/],
      ['get_file_outline', { path: project.path, file: '' }, /file is required/],
      ['get_file_outline', { path: project.path, file: '../../etc/passwd' }, /not a file inside/],
      ['get_file_outline', { path: project.path, file: 'src/missing.ts' }, /not in the index/],
      ['get_file_outline', { path: project.path, file: 'docs/guide.md' }, /has no symbols: Baton reads them from TypeScript/],
    ];
    for (const [name, args, expected] of cases) {
      const result = await callTool(server.client, name, args);
      assert.equal(result.isError, true, `${name} ${JSON.stringify(args)} should fail`);
      assert.match(textOf(result), expected, `${name} ${JSON.stringify(args)}`);
    }
    const still = await callTool(server.client, 'find_symbol', { path: project.path, name: 'HttpServer' });
    assert.equal((still.structuredContent as unknown as SymbolAnswer).results[0]?.file, 'src/server.ts');
  });

  test('the CLI prints the same objects as the tools', async () => {
    const cli = await runCli(home.path, ['symbols', project.path, 'parseConfig', '--json']);
    assert.equal(cli.code, 0, cli.stderr);
    const tool = await callTool(server.client, 'find_symbol', { path: project.path, name: 'parseConfig' });
    assert.deepEqual(JSON.parse(cli.stdout), tool.structuredContent);

    const refs = await runCli(home.path, ['refs', project.path, 'parseConfig', '--json', '--definitions']);
    const refsTool = await callTool(server.client, 'find_references', { path: project.path, name: 'parseConfig', includeDefinitions: true });
    assert.deepEqual(JSON.parse(refs.stdout), refsTool.structuredContent);

    const outline = await runCli(home.path, ['outline', path.join(project.path, 'lib/tokens.py')]);
    assert.equal(outline.code, 0, outline.stderr);
    assert.match(outline.stdout, /function refresh_access_token {2}4-8/);

    for (const args of [['symbols', project.path], ['symbols', project.path, 'x', '--kind', 'widget'], ['refs', project.path, 'x', '--limit', '0'], ['outline']]) {
      const result = await runCli(home.path, args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, /^baton: .+\n/);
    }
    const missing = await runCli(home.path, ['outline', path.join(project.path, 'nope.ts')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not in the index/);
  });
});

describe('symbol tools in a follower', () => {
  const home = tempFolder('symbol-follower-home');
  const project = tempFolder('symbol-follower-project');
  const servers: ServerProcess[] = [];

  after(async () => {
    for (const server of servers) {
      if (!server.exited) {
        server.kill('SIGCONT');
        server.kill('SIGKILL');
      }
    }
    await Promise.all(servers.map((server) => server.waitForExit()));
    home.remove();
    project.remove();
  });

  test('a follower answers find_symbol, find_references and get_file_outline from the shared index, even with the leader stopped', async () => {
    writeTree(project.path, SAMPLE_PROJECT);
    const leader = new ServerProcess(home.path);
    servers.push(leader);
    await leader.waitForRole('leader');
    const follower = new ServerProcess(home.path);
    servers.push(follower);
    await follower.waitForRole('follower');
    const leaderClient = await leader.connectClient();
    const followerClient = await follower.connectClient();
    await indexAndWait(followerClient, project.path);

    const ask = async (client: Client): Promise<unknown[]> =>
      Promise.all([
        callTool(client, 'find_symbol', { path: project.path, name: 'HttpServer' }),
        callTool(client, 'find_references', { path: project.path, name: 'parseConfig' }),
        callTool(client, 'get_file_outline', { path: project.path, file: 'src/config.ts' }),
      ]).then((results) => results.map((result) => {
        assert.equal(result.isError, undefined, textOf(result));
        return result.structuredContent;
      }));
    const fromLeader = await ask(leaderClient);
    const fromFollower = await ask(followerClient);
    assert.deepEqual(fromFollower, fromLeader);
    assert.equal((fromFollower[0] as SymbolAnswer).results[0]?.file, 'src/server.ts');

    // Reads never go through the leader: with it frozen, the follower still answers at once.
    leader.kill('SIGSTOP');
    try {
      assert.deepEqual(await ask(followerClient), fromLeader);
    } finally {
      leader.kill('SIGCONT');
    }
    await followerClient.close();
    await leaderClient.close();
  });
});
