import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';
import { ServerProcess } from '../helpers/server-process.ts';

/**
 * `baton mcp` with BATON_HTTP_SECRET also serves MCP over Streamable HTTP on
 * 127.0.0.1 (what the VS Code extension registers for chat). A real server
 * process, the SDK's real HTTP client, and raw requests for the refusals.
 */

const HTTP_LINE = /^\{"event":"http","port":(\d+),"pid":(\d+)\}$/m;

const INITIALIZE_BODY = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-http-test', version: '0.0.0' } },
});

interface RawResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/**
 * One HTTP request through node:http, so the test controls every header,
 * Host included. An SSE answer (a successful initialize) is not read to the
 * end: the status and headers are enough, and the stream is dropped.
 */
function rawRequest(port: number, method: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path: '/mcp', headers, agent: false }, (response) => {
      if (response.headers['content-type']?.startsWith('text/event-stream')) {
        response.destroy();
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: '' });
        return;
      }
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** A POST of an initialize request with the headers a Streamable HTTP client sends, plus `extra`. */
function rawInitialize(port: number, extra: Record<string, string>): Promise<RawResponse> {
  return rawRequest(port, 'POST', { accept: 'application/json, text/event-stream', 'content-type': 'application/json', ...extra }, INITIALIZE_BODY);
}

function errorMessageOf(response: RawResponse): string {
  return (JSON.parse(response.body) as { error: { message: string } }).error.message;
}

/** Resolves with the error code when a TCP connection to host:port fails, or rejects if it connects. */
function connectionError(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(5000, () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('connect', () => {
      socket.destroy();
      reject(new Error(`connected to ${host}:${port}: the endpoint is reachable from outside loopback`));
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function nonLoopbackIPv4(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return undefined;
}

/**
 * Linux only: the TCP sockets a process listens on, as "address:port", from
 * its socket inodes matched against /proc/net/tcp{,6}. Undefined elsewhere.
 */
function listeningTcpSockets(pid: number): string[] | undefined {
  if (process.platform !== 'linux') return undefined;
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // the descriptor closed while we looked
    }
  }
  const listening: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl local_address rem_address st … inode (field 9); st 0A is LISTEN.
      if (fields.length < 10 || fields[3] !== '0A' || !inodes.has(fields[9]!)) continue;
      const [hexAddress = '', hexPort = ''] = fields[1]!.split(':');
      listening.push(`${decodeAddress(hexAddress)}:${parseInt(hexPort, 16)}`);
    }
  }
  return listening;
}

/** /proc/net/tcp's little-endian hex IPv4 (IPv6 is left in hex: only its shape matters here). */
function decodeAddress(hex: string): string {
  if (hex.length !== 8) return hex;
  return [3, 2, 1, 0].map((index) => parseInt(hex.slice(index * 2, index * 2 + 2), 16)).join('.');
}

async function connectHttp(port: number, secret: string, name: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
    requestInit: { headers: { Authorization: `Bearer ${secret}` } },
  });
  const client = new Client({ name, version: '0.0.0' });
  await client.connect(transport);
  return { client, transport };
}

async function stop(server: ServerProcess | undefined): Promise<void> {
  if (!server || server.exited) return;
  const exited = server.waitForExit();
  server.child.stdin.end();
  const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

describe('MCP over Streamable HTTP (BATON_HTTP_SECRET)', () => {
  const home = tempFolder('http-home');
  const project = tempFolder('http-project');
  const secret = randomBytes(32).toString('hex');
  const clients: Client[] = [];
  let server: ServerProcess;
  let port: number;
  let first: Client;

  before(async () => {
    writeTree(project.path, SAMPLE_PROJECT);
    server = new ServerProcess(home.path, { BATON_HTTP_SECRET: secret });
    await server.waitFor(() => HTTP_LINE.test(server.stderr), 'the http event line');
    const [, portText, pidText] = HTTP_LINE.exec(server.stderr)!;
    port = Number(portText);
    assert.equal(Number(pidText), server.pid, 'the http line names the server process');
    assert.ok(port > 0 && port < 65536, `port ${port}`);
  });

  after(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await stop(server);
    home.remove();
    project.remove();
  });

  test('prints exactly one http line, and the listener is 127.0.0.1 on that port', async () => {
    await server.waitFor(() => /baton MCP server ready/.test(server.stderr), 'ready');
    assert.equal(server.stderr.match(/"event":"http"/g)?.length, 1);
    const listening = listeningTcpSockets(server.pid);
    if (listening) assert.deepEqual(listening, [`127.0.0.1:${port}`], 'its only TCP listener');
  });

  test('with the right secret: initialize, the four tools, a tool call and the status resource', async () => {
    const { client, transport } = await connectHttp(port, secret, 'http-test-one');
    clients.push(client);
    first = client;
    assert.ok(transport.sessionId, 'the server assigned a session id');
    assert.ok(client.getServerCapabilities()?.tools, 'the server offers tools');

    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), ['clear_index', 'get_indexing_status', 'index_codebase', 'search_code']);

    const result = (await client.callTool({ name: 'get_indexing_status', arguments: { path: project.path } })) as CallToolResult;
    assert.equal(result.isError, undefined);
    assert.equal((result.structuredContent as { status: string }).status, 'not_found');

    const resource = await client.readResource({ uri: 'baton://status' });
    const content = resource.contents[0];
    assert.ok(content && 'text' in content, 'a text resource');
    assert.equal(content.mimeType, 'application/json');
    const status = JSON.parse(content.text) as { role?: string; pid?: number; httpPort?: number };
    assert.ok(status.role === 'leader' || status.role === 'follower', `role ${status.role}`);
    assert.equal(status.pid, server.pid);
    assert.equal(status.httpPort, port, 'the status names the HTTP port');
  });

  test('two HTTP sessions at once both work, and a terminated one is gone', async () => {
    const a = await connectHttp(port, secret, 'http-test-a');
    const b = await connectHttp(port, secret, 'http-test-b');
    clients.push(a.client, b.client);
    assert.ok(a.transport.sessionId && b.transport.sessionId);
    assert.notEqual(a.transport.sessionId, b.transport.sessionId);

    const [toolsA, toolsB, statusA, statusB] = await Promise.all([
      a.client.listTools(),
      b.client.listTools(),
      a.client.callTool({ name: 'get_indexing_status', arguments: { path: project.path } }),
      b.client.readResource({ uri: 'baton://status' }),
    ]);
    assert.equal(toolsA.tools.length, 4);
    assert.equal(toolsB.tools.length, 4);
    assert.equal(((statusA as CallToolResult).structuredContent as { status: string }).status, 'not_found');
    assert.ok(statusB.contents.length === 1);

    // DELETE ends session A on the server; its id is then unknown (404), while B goes on.
    const ended = a.transport.sessionId;
    await a.transport.terminateSession();
    const stale = await rawRequest(
      port,
      'POST',
      { authorization: `Bearer ${secret}`, accept: 'application/json, text/event-stream', 'content-type': 'application/json', 'mcp-session-id': ended, 'mcp-protocol-version': '2025-06-18' },
      JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} }),
    );
    assert.equal(stale.status, 404, stale.body);
    assert.equal((await b.client.listTools()).tools.length, 4);
  });

  test('a raw initialize with the right secret is accepted (the refusals below are about the secret or origin, not the request)', async () => {
    const accepted = await rawInitialize(port, { authorization: `Bearer ${secret}` });
    assert.equal(accepted.status, 200, accepted.body);
    const sessionId = accepted.headers['mcp-session-id'];
    assert.ok(typeof sessionId === 'string' && sessionId.length > 0, 'a session id header');
    const closed = await rawRequest(port, 'DELETE', { authorization: `Bearer ${secret}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' });
    assert.equal(closed.status, 200, closed.body);

    const viaLocalhost = await rawInitialize(port, { authorization: `Bearer ${secret}`, host: `localhost:${port}`, origin: `http://localhost:${port}` });
    assert.equal(viaLocalhost.status, 200, `Host and Origin localhost:${port} are loopback too: ${viaLocalhost.body}`);
  });

  test('no Authorization header, or a wrong secret: 401', async () => {
    const missing = await rawInitialize(port, {});
    assert.equal(missing.status, 401);
    assert.match(errorMessageOf(missing), /Unauthorized/);

    const wrong = await rawInitialize(port, { authorization: `Bearer ${randomBytes(32).toString('hex')}` });
    assert.equal(wrong.status, 401);
    assert.match(errorMessageOf(wrong), /Unauthorized/);

    for (const authorization of [secret, `Bearer ${secret}x`, `Bearer ${secret.slice(0, -1)}`, `bearer ${secret}`, `Basic ${secret}`]) {
      const response = await rawInitialize(port, { authorization });
      assert.equal(response.status, 401, `Authorization: ${authorization.replace(secret, '<secret>')}`);
    }

    const wrongSdk = new Client({ name: 'http-test-wrong', version: '0.0.0' });
    const wrongTransport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), { requestInit: { headers: { Authorization: 'Bearer nope' } } });
    await assert.rejects(wrongSdk.connect(wrongTransport), 'the SDK client cannot initialize with a wrong secret');
    await wrongSdk.close().catch(() => undefined);
  });

  test('a foreign Host or Origin: 403, even with the right secret', async () => {
    const authorization = `Bearer ${secret}`;
    const foreignHost = await rawInitialize(port, { authorization, host: `evil.example:${port}` });
    assert.equal(foreignHost.status, 403);
    assert.match(errorMessageOf(foreignHost), /Forbidden/);

    const foreignOrigin = await rawInitialize(port, { authorization, origin: 'http://evil.example' });
    assert.equal(foreignOrigin.status, 403);
    assert.match(errorMessageOf(foreignOrigin), /Forbidden/);

    const foreign: Record<string, string>[] = [
      { host: '127.0.0.1' }, // no port: not this endpoint's authority
      { host: `127.0.0.1:${port + 1 === 65536 ? port - 1 : port + 1}` },
      { origin: `http://127.0.0.1:${port}.evil.example` },
      { origin: 'null' },
      { origin: `http://evil.example:${port}` },
    ];
    for (const headers of foreign) {
      const response = await rawInitialize(port, { authorization, ...headers });
      assert.equal(response.status, 403, JSON.stringify(headers));
    }

    const noAuthForeignHost = await rawInitialize(port, { host: `evil.example:${port}` });
    assert.equal(noAuthForeignHost.status, 403, 'the origin check comes first');
  });

  test('the port is bound to 127.0.0.1 only', async (t) => {
    const outside = nonLoopbackIPv4();
    if (!outside) {
      t.skip('this machine has no non-loopback IPv4 address to try the port on');
      return;
    }
    const code = await connectionError(outside, port);
    assert.equal(code, 'ECONNREFUSED', `connecting to ${outside}:${port}`);
  });

  test("the status lists each HTTP client by the name it gave and counts its tool calls; a subscriber hears of a new session", async () => {
    const stdio = await server.connectClient('stdio-status-reader');
    try {
      let updates = 0;
      stdio.setNotificationHandler(ResourceUpdatedNotificationSchema, () => void updates++);
      await stdio.subscribeResource({ uri: 'baton://status' });
      const readStatus = async () => {
        const content = (await stdio.readResource({ uri: 'baton://status' })).contents[0];
        return JSON.parse(content && 'text' in content ? content.text : '{}') as { pid: number; httpClients?: { name: string; version: string; toolCalls: number; since: number }[] };
      };
      const before = Date.now();
      const { client } = await connectHttp(port, secret, 'vscode-like-client');
      clients.push(client);
      await server.waitFor(() => updates > 0, 'a status update after the session opened', 5000).catch(() => undefined);
      assert.ok(updates > 0, 'the subscriber was told');
      for (let call = 0; call < 3; call++) await client.callTool({ name: 'get_indexing_status', arguments: { path: project.path } });
      const status = await readStatus();
      assert.equal(status.pid, server.pid, 'the status names the process that answers over HTTP');
      const mine = status.httpClients?.find((entry) => entry.name === 'vscode-like-client');
      assert.ok(mine, JSON.stringify(status.httpClients));
      assert.equal(mine.version, '0.0.0');
      assert.equal(mine.toolCalls, 3);
      assert.ok(mine.since >= before - 1000);
      assert.ok(!status.httpClients?.some((entry) => entry.name === 'stdio-status-reader'), 'the stdio client is not an HTTP client');
    } finally {
      await stdio.close();
    }
  });

  test('the server is still up and answering over HTTP and stdio after all that', async () => {
    assert.equal(server.exited, undefined);
    assert.equal((await first.listTools()).tools.length, 4);
    const stdio = await server.connectClient('stdio-after-http');
    try {
      assert.equal((await stdio.listTools()).tools.length, 4);
    } finally {
      await stdio.close();
    }
  });
});

describe('without BATON_HTTP_SECRET', () => {
  const home = tempFolder('nohttp-home');
  let server: ServerProcess | undefined;

  after(async () => {
    await stop(server);
    home.remove();
  });

  test('prints no http line and opens no TCP port', async () => {
    // An empty value counts as unset; it also keeps a BATON_HTTP_SECRET of the test's own environment out.
    server = new ServerProcess(home.path, { BATON_HTTP_SECRET: '' });
    const running = server;
    await running.waitFor(() => /baton MCP server ready/.test(running.stderr), 'ready');
    assert.doesNotMatch(running.stderr, /"event":"http"/);
    assert.ok(running.events.length > 0 && running.events.every((event) => (event.event as string) !== 'http'));
    const listening = listeningTcpSockets(running.pid);
    if (listening) assert.deepEqual(listening, [], 'no TCP listener (the leader endpoint is a Unix socket)');

    const client = await running.connectClient('stdio-no-http');
    try {
      const resource = await client.readResource({ uri: 'baton://status' });
      const content = resource.contents[0];
      assert.ok(content && 'text' in content);
      assert.equal((JSON.parse(content.text) as { httpPort?: number }).httpPort, undefined);
    } finally {
      await client.close();
    }
  });
});
