import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StatusSnapshot } from '../protocol/status.ts';
import type { ToolBackend } from './backend.ts';
import type { Logger } from './logger.ts';
import { StatusResource } from './status-resource.ts';
import { registerTools } from './tools.ts';
import { BATON_VERSION } from '../protocol/version.ts';

const INSTRUCTIONS =
  'Baton indexes codebases on this machine and searches them. Call index_codebase with the absolute folder path once ' +
  '(it returns at once and indexes in the background; re-indexing only touches changed files), then search_code with ' +
  'a question or identifiers. get_indexing_status shows progress; clear_index removes an index.';

/** A fresh MCP server with Baton's tools and status resource, not yet connected to a transport. */
export function createMcpServer(backend: ToolBackend, log: Logger, snapshot: () => StatusSnapshot): { server: McpServer; status: StatusResource } {
  const server = new McpServer(
    // VS Code names a server's tools after the first 13 characters of its title: "Baton" gives
    // mcp_baton_search_code (a longer title gave mcp_baton_code_se_search_code).
    { name: 'baton', title: 'Baton', version: BATON_VERSION },
    { capabilities: { logging: {} }, instructions: INSTRUCTIONS },
  );
  registerTools(server, backend, log);
  const status = new StatusResource(server, snapshot);
  return { server, status };
}
