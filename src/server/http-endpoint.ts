import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from './logger.ts';

export interface HttpEndpointOptions {
  /** Required in `Authorization: Bearer <secret>` on every request. */
  readonly secret: string;
  /** A fresh MCP server (tools, resources) for each session. */
  readonly createServer: () => McpServer;
  readonly log: Logger;
  /** Called when a session opens or closes (the status lists the HTTP clients). */
  readonly onSessionsChanged?: () => void;
}

/** An MCP client connected over HTTP (VS Code's own MCP client, in practice). */
export interface HttpClientInfo {
  readonly name: string;
  readonly version: string;
  /** When its session was initialized (unix ms). */
  readonly since: number;
  readonly toolCalls: number;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Clients that go away without ending their session (no DELETE) leave it behind: it is closed after this long unused. */
const SESSION_IDLE_MS = 60 * 60 * 1000;
const SWEEP_MS = 5 * 60 * 1000;

interface Session {
  readonly transport: StreamableHTTPServerTransport;
  readonly server: McpServer;
  readonly since: number;
  lastUsed: number;
  toolCalls: number;
}

/**
 * MCP over Streamable HTTP on 127.0.0.1 for VS Code's own MCP client (chat,
 * agent mode), next to the extension's stdio connection. Loopback only; every
 * request needs the per-window secret (401 without it) and a loopback Host and
 * Origin (403 otherwise: DNS-rebinding and cross-site pages are refused).
 * The SDK's HTTP transport (with Hono and Node's fetch, undici) and OpenSSL are
 * loaded by the first request: a window whose chat never calls Baton spends
 * no memory on them.
 */
export class HttpEndpoint {
  private readonly server: Server;
  private readonly options: HttpEndpointOptions;
  private readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  private constructor(server: Server, options: HttpEndpointOptions) {
    this.server = server;
    this.options = options;
    this.sweeper = setInterval(() => void this.closeIdleSessions(), SWEEP_MS);
    this.sweeper.unref();
  }

  static async listen(options: HttpEndpointOptions): Promise<HttpEndpoint> {
    let endpoint: HttpEndpoint | undefined;
    const server = http.createServer((request, response) => void endpoint?.handle(request, response));
    endpoint = new HttpEndpoint(server, options);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return endpoint;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Who is connected over HTTP, as each client named itself when it initialized. */
  clients(): HttpClientInfo[] {
    return [...this.sessions.values()].map((session) => {
      const client = session.server.server.getClientVersion();
      return { name: client?.title ?? client?.name ?? 'unknown', version: client?.version ?? '', since: session.since, toolCalls: session.toolCalls };
    });
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const session of this.sessions.values()) await closeSession(session);
    this.sessions.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      if (!this.fromLoopback(request)) return reject(response, 403, 'Forbidden: Baton answers only loopback requests.');
      if (!this.authorized(request)) return reject(response, 401, 'Unauthorized: the Baton secret is missing or wrong.');
      const body = request.method === 'POST' ? await readJson(request) : undefined;
      const sessionId = request.headers['mcp-session-id'];
      const existing = typeof sessionId === 'string' ? this.sessions.get(sessionId) : undefined;
      if (existing) {
        existing.lastUsed = Date.now();
        existing.toolCalls += countToolCalls(body);
        return await existing.transport.handleRequest(request, response, body);
      }
      if (request.method === 'POST' && isInitializeRequest(body)) return await this.startSession(request, response, body);
      reject(response, sessionId ? 404 : 400, sessionId ? 'Unknown session; initialize again.' : 'Initialize a session first.');
    } catch (error) {
      this.options.log.warn(`HTTP request failed: ${(error as Error).message}`);
      if (!response.headersSent) reject(response, 400, 'Bad request.');
    }
  }

  private async startSession(request: IncomingMessage, response: ServerResponse, body: unknown): Promise<void> {
    const { StreamableHTTPServerTransport: Transport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
    const server = this.options.createServer();
    const transport = new Transport({
      sessionIdGenerator: () => crypto().randomUUID(),
      onsessioninitialized: (id) => {
        this.sessions.set(id, { transport, server, since: Date.now(), lastUsed: Date.now(), toolCalls: 0 });
        // The client's name is known once the initialize request is answered.
        setImmediate(() => this.options.onSessionsChanged?.());
      },
      onsessionclosed: (id) => this.forget(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) this.forget(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(request, response, body);
    // A refused initialize (wrong Accept or content type) creates no session: release what it built.
    if (!transport.sessionId || !this.sessions.has(transport.sessionId)) await closeSession({ transport, server, since: 0, lastUsed: 0, toolCalls: 0 });
  }

  private forget(id: string): void {
    if (this.sessions.delete(id)) this.options.onSessionsChanged?.();
  }

  private async closeIdleSessions(now = Date.now()): Promise<void> {
    for (const [id, session] of this.sessions) {
      if (now - session.lastUsed < SESSION_IDLE_MS) continue;
      this.forget(id);
      await closeSession(session);
    }
  }

  private authorized(request: IncomingMessage): boolean {
    const header = request.headers.authorization ?? '';
    const expected = Buffer.from(`Bearer ${this.options.secret}`);
    const given = Buffer.from(header);
    return given.length === expected.length && crypto().timingSafeEqual(given, expected);
  }

  private fromLoopback(request: IncomingMessage): boolean {
    const loopback = new Set([`127.0.0.1:${this.port}`, `localhost:${this.port}`]);
    if (!loopback.has(request.headers.host ?? '')) return false;
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    try {
      return loopback.has(new URL(origin).host);
    } catch {
      return false;
    }
  }
}

/** node:crypto, loaded with the first request (see the class comment). */
function crypto() {
  return process.getBuiltinModule('node:crypto');
}

async function closeSession(session: Session): Promise<void> {
  await session.transport.close().catch(() => undefined);
  await session.server.close().catch(() => undefined);
}

function reject(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

/** The tools/call requests in a JSON-RPC message or batch. */
function countToolCalls(body: unknown): number {
  const messages = Array.isArray(body) ? (body as unknown[]) : [body];
  return messages.filter((message) => (message as { method?: unknown } | undefined)?.method === 'tools/call').length;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}
