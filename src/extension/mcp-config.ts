/** The command that runs Baton's MCP server with the right runtime. */
export interface ServerCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Ready-to-paste MCP configuration for other clients on this machine, all
 * running Baton's launcher in BATON_HOME (which starts the newest installed
 * Baton, so the configuration outlives extension updates) so that every
 * agent shares the same index (and the same leader) as the VS Code windows.
 */
export function mcpConfigurationText(server: ServerCommand): string {
  const quote = (value: string): string => (/^[\w./:@=+-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`);
  const envFlags = Object.entries(server.env).map(([key, value]) => `-e ${key}=${quote(value)} `).join('');
  const claude = `claude mcp add baton ${envFlags}-- ${[server.command, ...server.args].map(quote).join(' ')}`;
  const stdio = { command: server.command, args: server.args, ...(Object.keys(server.env).length > 0 ? { env: server.env } : {}) };
  const cursor = JSON.stringify({ mcpServers: { baton: stdio } }, null, 2);
  const vscodeJson = JSON.stringify({ servers: { baton: { type: 'stdio', ...stdio } } }, null, 2);
  return [
    '# Baton MCP server — shares this machine\'s index with your VS Code windows',
    '# (it runs the newest installed Baton, so it keeps working when the extension updates)',
    '',
    '## Claude Code (run in a terminal)',
    claude,
    '',
    '## Cursor (~/.cursor/mcp.json) and most other clients',
    cursor,
    '',
    '## VS Code mcp.json (another profile or editor; this window already has Baton)',
    vscodeJson,
    '',
  ].join('\n');
}
