import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Readable, Writable } from 'node:stream';
import { StreamClientTransport } from '../../client/stream-transport.ts';
import { REFRESH_FILES_METHOD, refreshFilesResultSchema, type RefreshFilesResult } from '../../protocol/extension.ts';
import { STATUS_RESOURCE_URI, statusSnapshotSchema, type StatusSnapshot } from '../../protocol/status.ts';
import { TOOL_NAMES, type ClearToolOutput, type IndexToolOutput, type SearchToolOutput, type StatusToolOutput } from '../../protocol/tools.ts';

/** How long the MCP handshake with the window's own server may take (it answers in milliseconds). */
const HANDSHAKE_TIMEOUT_MS = 20_000;

/** A tool failed: its text says what to do. */
export class ToolError extends Error {
  override readonly name = 'ToolError';
}

/**
 * The window's MCP client to its own server, over the server's stdio. It
 * subscribes to baton://status, whose update notifications carry every role
 * change and indexing progress, and calls the same tools as any agent —
 * so commands behave the same in a follower window (the server forwards).
 *
 * This module is loaded after activation (it pulls in the MCP SDK and zod).
 */
export class ServerClient {
  private readonly client: Client;
  private readonly onStatus: (status: StatusSnapshot) => void;

  private constructor(client: Client, onStatus: (status: StatusSnapshot) => void) {
    this.client = client;
    this.onStatus = onStatus;
  }

  /**
   * Connects and reads the first status. A handshake that fails or takes
   * longer than `timeoutMs` rejects, with the half-built client closed;
   * `onClosed` is called if the connection breaks later.
   */
  static async connect(
    streams: { stdout: Readable; stdin: Writable },
    version: string,
    onStatus: (status: StatusSnapshot) => void,
    options: { timeoutMs?: number; onClosed?: () => void } = {},
  ): Promise<ServerClient> {
    const client = new Client({ name: 'baton-vscode', title: 'Baton for VS Code', version });
    const connection = new ServerClient(client, onStatus);
    const timeout = options.timeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      if (notification.params.uri === STATUS_RESOURCE_URI) void connection.refreshStatus().catch(() => undefined);
    });
    try {
      await client.connect(new StreamClientTransport(streams.stdout, streams.stdin), { timeout });
      await client.subscribeResource({ uri: STATUS_RESOURCE_URI }, { timeout });
      await connection.refreshStatus(timeout);
    } catch (error) {
      await client.close().catch(() => undefined);
      throw error;
    }
    client.onclose = () => options.onClosed?.();
    return connection;
  }

  /** Reads baton://status and hands it to the listener. */
  async refreshStatus(timeoutMs?: number): Promise<StatusSnapshot> {
    const result = await this.client.readResource({ uri: STATUS_RESOURCE_URI }, timeoutMs === undefined ? undefined : { timeout: timeoutMs });
    const first = result.contents[0];
    const status = statusSnapshotSchema.parse(JSON.parse(first && 'text' in first ? first.text : '{}'));
    this.onStatus(status);
    return status;
  }

  async index(path: string, force = false, ignorePatterns: readonly string[] = []): Promise<IndexToolOutput> {
    return (await this.call(TOOL_NAMES.index, { path, force, ...(ignorePatterns.length > 0 ? { ignorePatterns } : {}) })) as IndexToolOutput;
  }

  /** What an index of `path` would take in; the server answers it itself, writing nothing. */
  async dryRun(path: string, ignorePatterns: readonly string[] = []): Promise<IndexToolOutput> {
    return (await this.call(TOOL_NAMES.index, { path, dryRun: true, ...(ignorePatterns.length > 0 ? { ignorePatterns } : {}) })) as IndexToolOutput;
  }

  async clear(path: string): Promise<ClearToolOutput> {
    return (await this.call(TOOL_NAMES.clear, { path })) as ClearToolOutput;
  }

  async search(path: string, query: string, limit: number): Promise<SearchToolOutput> {
    return (await this.call(TOOL_NAMES.search, { path, query, limit })) as SearchToolOutput;
  }

  async indexingStatus(path: string): Promise<StatusToolOutput> {
    return (await this.call(TOOL_NAMES.status, { path })) as StatusToolOutput;
  }

  /** Tells the server (and through it the leader) which files the editor saw change. */
  async refreshFiles(path: string, files: string[]): Promise<RefreshFilesResult> {
    // A Baton-specific request on the same connection (not a tool: agents have no use for it).
    const request = { method: REFRESH_FILES_METHOD, params: { path, files } } as unknown as Parameters<Client['request']>[0];
    return (await this.client.request(request, refreshFilesResultSchema)) as RefreshFilesResult;
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  private async call(name: string, args: Record<string, unknown>): Promise<unknown> {
    const result = (await this.client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
    if (result.isError) {
      throw new ToolError(result.content.map((item) => (item.type === 'text' ? item.text : '')).join('\n'));
    }
    return result.structuredContent;
  }
}
