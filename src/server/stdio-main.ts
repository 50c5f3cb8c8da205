import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { Coordinator, roleEventLine, seatReleasedLine } from '../coordination/coordinator.ts';
import { configFromEnv } from '../engine/config.ts';
import { Engine } from '../engine/engine.ts';
import { errorMessage } from '../engine/errors.ts';
import { CoordinatedBackend } from './coordinated-backend.ts';
import { watchLifetime } from './lifetime.ts';
import { stderrLogger } from './logger.ts';
import { createMcpServer } from './mcp-server.ts';
import { statusSnapshot } from './status-snapshot.ts';

/**
 * `baton mcp`: an MCP server on stdin/stdout that takes part in the election
 * from its first moment (before any MCP message). It lives as long as its
 * client: when stdin ends or the parent dies it gives up the seat (if it
 * leads), closes the database and exits; an unfinished run is resumed by the
 * next leader from its last committed batch.
 */
export async function runStdioServer(): Promise<void> {
  const log = stderrLogger();
  const config = configFromEnv();
  const engine = new Engine(config);
  const coordinator = new Coordinator({ home: config.home, engine, label: process.env.BATON_LABEL?.trim() || `baton mcp (pid ${process.pid})`, log });
  const backend = new CoordinatedBackend(engine, coordinator);
  const { server, status } = createMcpServer(backend, log, () => statusSnapshot(config.home, engine, { role: coordinator.currentRole }));

  coordinator.onRoleChange((change) => {
    process.stderr.write(`${roleEventLine(change)}\n`);
    status.changed(true);
  });
  coordinator.onResign((epoch) => process.stderr.write(`${seatReleasedLine(epoch)}\n`));
  coordinator.onProgress(() => status.changed(false));
  server.server.oninitialized = () => {
    const client = server.server.getClientVersion();
    if (client && !process.env.BATON_LABEL) coordinator.setLabel(`baton mcp (${client.title ?? client.name})`);
  };

  let stopping = false;
  const shutdown = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    log.info(`shutting down: ${reason}`);
    stopWatching();
    void coordinator
      .stop()
      .then(() => server.close())
      .catch((error: unknown) => log.warn(`while shutting down: ${errorMessage(error)}`))
      .finally(() => {
        engine.close();
        process.exit(0);
      });
  };
  const stopWatching = watchLifetime({ stdin: process.stdin, shutdown });
  const joined = coordinator.start();
  await server.connect(new StdioServerTransport());
  try {
    await joined;
  } catch (error) {
    process.stderr.write(`baton: ${errorMessage(error)}\n`);
    process.exit(1);
  }
  log.info(`baton MCP server ready (pid ${process.pid}, home ${config.home}, ${coordinator.currentRole})`);
}
