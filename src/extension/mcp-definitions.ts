import * as vscode from 'vscode';

/** The definition's label: VS Code's id for the server is "<extension id, lower case>/<label>". */
export const MCP_DEFINITION_LABEL = 'Baton';

/**
 * Offers this window's running server to VS Code's MCP client (chat, agent
 * mode) as a Streamable HTTP server on loopback with a per-window secret,
 * so Copilot sees Baton's tools with no setup and shares this process.
 */
export class McpDefinitions implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly registration: vscode.Disposable | undefined;
  private port: number | undefined;
  private readonly secret: string;
  private readonly version: string;

  constructor(secret: string, version: string) {
    this.secret = secret;
    this.version = version;
    // Older hosts (and some forks) have no MCP API; Baton still works without it.
    this.registration = vscode.lm?.registerMcpServerDefinitionProvider?.('baton', {
      onDidChangeMcpServerDefinitions: this.changed.event,
      provideMcpServerDefinitions: () => this.definitions(),
    });
  }

  /** The server's HTTP port (after every start; undefined while it is down). */
  setPort(port: number | undefined): void {
    if (port === this.port) return;
    this.port = port;
    this.changed.fire();
  }

  dispose(): void {
    this.registration?.dispose();
    this.changed.dispose();
  }

  private definitions(): vscode.McpServerDefinition[] {
    if (this.port === undefined) return [];
    const uri = vscode.Uri.parse(`http://127.0.0.1:${this.port}/mcp`);
    return [new vscode.McpHttpServerDefinition(MCP_DEFINITION_LABEL, uri, { Authorization: `Bearer ${this.secret}` }, `${this.version}+${this.port}`)];
  }
}
