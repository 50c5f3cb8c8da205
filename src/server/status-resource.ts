import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { STATUS_RESOURCE_URI, type StatusSnapshot } from '../protocol/status.ts';

/** Updates are sent at most this often while indexing progresses. */
const UPDATE_INTERVAL_MS = 250;

/**
 * The resource baton://status: this process's role, the leader, and what is
 * indexed, as JSON. Clients that subscribe get notifications/resources/updated
 * on every role change and (throttled) on indexing progress.
 */
export class StatusResource {
  private readonly server: McpServer;
  private subscribed = false;
  private pending: NodeJS.Timeout | undefined;
  private lastSent = 0;

  constructor(server: McpServer, snapshot: () => StatusSnapshot) {
    this.server = server;
    server.registerResource(
      'status',
      STATUS_RESOURCE_URI,
      { title: 'Baton status', description: 'Role of this server, the current leader, and the indexed codebases.', mimeType: 'application/json' },
      (uri) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(snapshot(), null, 2) }] }),
    );
    server.server.registerCapabilities({ resources: { subscribe: true } });
    server.server.setRequestHandler(SubscribeRequestSchema, (request) => {
      if (request.params.uri === STATUS_RESOURCE_URI) this.subscribed = true;
      return {};
    });
    server.server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      if (request.params.uri === STATUS_RESOURCE_URI) this.subscribed = false;
      return {};
    });
  }

  /** Tells a subscribed client the status changed; `urgent` skips the throttle (role changes). */
  changed(urgent: boolean): void {
    if (!this.subscribed) return;
    const wait = urgent ? 0 : Math.max(0, this.lastSent + UPDATE_INTERVAL_MS - Date.now());
    if (this.pending && !urgent) return;
    clearTimeout(this.pending);
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.lastSent = Date.now();
      void this.server.server.sendResourceUpdated({ uri: STATUS_RESOURCE_URI }).catch(() => undefined);
    }, wait);
  }
}
