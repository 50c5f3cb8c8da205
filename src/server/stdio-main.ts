import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { configFromEnv } from '../engine/config.ts';
import { Engine } from '../engine/engine.ts';
import { errorMessage } from '../engine/errors.ts';
import { watchLifetime } from './lifetime.ts';
import { LocalBackend } from './local-backend.ts';
import { stderrLogger } from './logger.ts';
import { createMcpServer } from './mcp-server.ts';

/**
 * `baton mcp`: an MCP server on stdin/stdout. It lives as long as its client:
 * when stdin ends or the parent dies it stops indexing (a later run resumes
 * from the last committed batch), closes the database and exits.
 */
export async function runStdioServer(): Promise<void> {
  const log = stderrLogger();
  const engine = new Engine(configFromEnv());
  const server = createMcpServer(new LocalBackend(engine), log);
  let stopping = false;
  const shutdown = (reason: string): void => {
    if (stopping) return;
    stopping = true;
    log.info(`shutting down: ${reason}`);
    stopWatching();
    void server
      .close()
      .catch((error: unknown) => log.warn(`closing the MCP connection: ${errorMessage(error)}`))
      .finally(() => {
        engine.close();
        process.exit(0);
      });
  };
  const stopWatching = watchLifetime({ stdin: process.stdin, shutdown });
  await server.connect(new StdioServerTransport());
  log.info(`baton MCP server ready (pid ${process.pid}, home ${engine.store.db.location() ?? ''})`);
}
