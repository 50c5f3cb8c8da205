import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { Coordinator, roleEventLine, seatReleasedLine, type RoleChange } from '../coordination/coordinator.ts';
import { engineTestHooks } from '../coordination/test-hooks.ts';
import { configFromEnv } from '../engine/config.ts';
import { Engine } from '../engine/engine.ts';
import { errorMessage } from '../engine/errors.ts';
import { refreshBudgetFromEnv } from '../engine/search/freshness.ts';
import { watchConfigFromEnv } from '../engine/watch/watch-config.ts';
import { refreshFilesRequestSchema } from '../protocol/extension.ts';
import { SERVER_ENV } from '../protocol/server-env.ts';
import type { StatusSnapshot } from '../protocol/status.ts';
import { CoordinatedBackend } from './coordinated-backend.ts';
import type { HttpEndpoint } from './http-endpoint.ts';
import { watchLifetime } from './lifetime.ts';
import { logLevelFromEnv, stderrLogger } from './logger.ts';
import { createMcpServer } from './mcp-server.ts';
import type { StatusResource } from './status-resource.ts';
import { statusSnapshot } from './status-snapshot.ts';
import { watchDuty } from './watch-duty.ts';
import { notifyOnWatchStateChange } from './watch-state-notifier.ts';

/**
 * `baton mcp`: an MCP server on stdin/stdout that takes part in the election
 * from its first moment (before any MCP message). It lives as long as its
 * client: when stdin ends or the parent dies it gives up the seat (if it
 * leads), closes the database and exits; an unfinished run is resumed by the
 * next leader from its last committed batch. With BATON_HTTP_SECRET set (the
 * VS Code extension does) it also serves MCP over HTTP on 127.0.0.1.
 */
/** How long an orderly shutdown may take before the process exits regardless. */
const SHUTDOWN_DEADLINE_MS = 5000;

export async function runStdioServer(): Promise<void> {
  const log = stderrLogger(logLevelFromEnv(process.env[SERVER_ENV.logLevel]));
  const config = configFromEnv();
  const watchConfig = watchConfigFromEnv();
  const refreshBudgetMs = refreshBudgetFromEnv();
  const engine = new Engine(config, { hooks: engineTestHooks() });
  const label = process.env[SERVER_ENV.label]?.trim() || `baton mcp (pid ${process.pid})`;
  const coordinator = new Coordinator({ home: config.home, engine, label, log });
  const backend = new CoordinatedBackend(engine, coordinator, refreshBudgetMs);
  const statusResources = new Set<StatusResource>();
  let lastRoleChange: StatusSnapshot['lastRoleChange'];
  let http: HttpEndpoint | undefined;
  const snapshot = (): StatusSnapshot =>
    statusSnapshot(config.home, engine, { role: coordinator.currentRole, lastRoleChange, httpPort: http?.port, httpClients: http?.clients() });

  const newServer = (onClosed?: () => void): McpServer => {
    const { server, status } = createMcpServer(backend, log, snapshot);
    statusResources.add(status);
    server.server.setRequestHandler(refreshFilesRequestSchema, async (request) => {
      const counts = await backend.refresh(request.params.path, request.params.files);
      return { changed: counts.changed, deleted: counts.deleted };
    });
    server.server.onclose = () => {
      statusResources.delete(status);
      onClosed?.();
    };
    return server;
  };
  // The stdio session is this process's reason to live: when its transport closes (the SDK closes
  // it on a message over its 10 MB buffer, and then stops reading stdin, so its end would never be
  // seen), the process shuts down and gives up the seat instead of leading with no client.
  // The SDK reports the oversized message first: the session then ends with that reason and exit code 1.
  let sessionFailure: string | undefined;
  const server = newServer(() => shutdown(sessionFailure ?? 'the MCP session on stdin ended', sessionFailure ? 1 : 0));
  server.server.onerror = (error) => {
    const message = errorMessage(error);
    if (/ReadBuffer exceeded maximum size/.test(message)) {
      sessionFailure =
        `the MCP client sent a message larger than the MCP SDK reads (${message}), and the stdio session cannot go on past it. ` +
        'Send smaller requests; the client restarts the server';
    }
    log.warn(`MCP stdio transport: ${message}`);
  };

  coordinator.onRoleChange((change) => {
    process.stderr.write(`${roleEventLine(change)}\n`);
    lastRoleChange = describeChange(change);
    for (const status of statusResources) status.changed(true);
  });
  coordinator.onResign((epoch) => process.stderr.write(`${seatReleasedLine(epoch)}\n`));
  coordinator.onProgress(() => {
    for (const status of statusResources) status.changed(false);
  });
  // The file watch is the leader's duty: it starts when this process takes the seat and stops when it gives it up.
  const watchChanged = (): void => {
    for (const status of statusResources) status.changed(false);
  };
  coordinator.addLeaderDuty(watchDuty({ home: config.home, engine, config: watchConfig, log, onChange: watchChanged }));
  // Every server's status shows the leader's watch (watch.json): in a follower, a change of it is news too.
  const stopNotifying = notifyOnWatchStateChange(config.home, watchChanged);
  server.server.oninitialized = () => {
    const client = server.server.getClientVersion();
    if (client && !process.env[SERVER_ENV.label]) coordinator.setLabel(`baton mcp (${client.title ?? client.name})`);
  };

  let stopping = false;
  function shutdown(reason: string, exitCode = 0): void {
    if (stopping) return;
    stopping = true;
    if (exitCode === 0) log.info(`shutting down: ${reason}`);
    else log.error(`shutting down: ${reason}`);
    // An orderly stop gives the seat up at once; if something hangs it, exit anyway: a dead
    // leader's seat is broken by the next one within milliseconds.
    setTimeout(() => {
      log.warn(`shutdown did not finish within ${SHUTDOWN_DEADLINE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    stopWatching?.();
    stopNotifying();
    void coordinator
      .stop()
      .then(() => http?.close())
      .then(() => server.close())
      .catch((error: unknown) => log.warn(`while shutting down: ${errorMessage(error)}`))
      .finally(() => {
        engine.close();
        process.exit(exitCode);
      });
  }
  const stopWatching: (() => void) | undefined = watchLifetime({ stdin: process.stdin, outputs: [process.stdout, process.stderr], shutdown });
  const joined = coordinator.start();
  const secret = process.env[SERVER_ENV.httpSecret];
  if (secret) {
    try {
      // Loaded only with a secret (a VS Code window's server): a stdio-only server never needs node:http or the sessions.
      const { HttpEndpoint } = await import('./http-endpoint.ts');
      http = await HttpEndpoint.listen({
        secret,
        createServer: newServer,
        log,
        onSessionsChanged: () => {
          for (const status of statusResources) status.changed(true);
        },
      });
    } catch (error) {
      process.stderr.write(`baton: cannot serve MCP over HTTP on 127.0.0.1: ${errorMessage(error)}\n`);
      process.exit(1);
    }
    process.stderr.write(`${JSON.stringify({ event: 'http', port: http.port, pid: process.pid })}\n`);
  }
  await server.connect(new StdioServerTransport());
  try {
    await joined;
  } catch (error) {
    process.stderr.write(`baton: ${errorMessage(error)}\n`);
    process.exit(1);
  }
  log.info(`baton MCP server ready (pid ${process.pid}, home ${config.home}, ${coordinator.currentRole})`);
}

function describeChange(change: RoleChange): NonNullable<StatusSnapshot['lastRoleChange']> {
  return {
    role: change.role,
    previousRole: change.previousRole,
    epoch: change.epoch,
    ...(change.replaced ? { replacedLabel: change.replaced.label } : {}),
    at: Date.now(),
  };
}
