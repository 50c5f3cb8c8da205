import * as vscode from 'vscode';
import { MCP_DEFINITION_LABEL } from './mcp-definitions.ts';
import { startUntilConnected } from './mcp-start-loop.ts';

/**
 * Baton starts its own definition in VS Code's MCP client as soon as its
 * server is up, so that Copilot's agent mode and every extension reading
 * `vscode.lm.tools` see Baton's tools in every window at once. VS Code by
 * itself starts an extension's MCP server only when a chat request first
 * needs tools, and lists no tools before that on a fresh profile. The cost
 * is one HTTP session to a server that runs anyway.
 *
 * It stays off when the user turned AI features or MCP off
 * (`chat.disableAIFeatures`, `chat.mcp.access: "none"`) or set
 * `baton.mcp.autoStart` to false; it never shows UI (errorOnUserInteraction).
 */
export class McpAutostart implements vscode.Disposable {
  private readonly serverId: string;
  private readonly log: vscode.LogOutputChannel;
  private readonly connected: () => Promise<boolean>;
  private generation = 0;

  constructor(extensionId: string, log: vscode.LogOutputChannel, connected: () => Promise<boolean>) {
    this.serverId = `${extensionId.toLowerCase()}/${MCP_DEFINITION_LABEL}`;
    this.log = log;
    this.connected = connected;
  }

  /** After each server start (a new port, a new definition): starts it in VS Code's MCP client. Cancels an earlier attempt. */
  run(): void {
    const generation = ++this.generation;
    if (!wanted()) {
      this.log.info("not starting Baton in VS Code's MCP client (baton.mcp.autoStart, chat.disableAIFeatures or chat.mcp.access say no); chat starts it when it needs it");
      return;
    }
    void startUntilConnected({
      startServer: () => Promise.resolve(vscode.commands.executeCommand('workbench.mcp.startServer', this.serverId, { waitForLiveTools: true, errorOnUserInteraction: true })),
      connected: this.connected,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: () => Date.now(),
      cancelled: () => generation !== this.generation,
    }).then((outcome) => {
      if (outcome.kind === 'connected') this.log.info(`VS Code's MCP client started ${this.serverId} (attempt ${outcome.attempts}, ${outcome.elapsedMs} ms)`);
      else if (outcome.kind === 'unsupported') this.log.info(`this editor cannot start MCP servers on request (${outcome.reason}); its chat starts Baton when it needs it`);
      else if (outcome.kind === 'timed-out') this.log.info(`VS Code's MCP client did not connect within 30 s (${outcome.attempts} attempts${outcome.lastError ? `; ${outcome.lastError}` : ''}); chat starts Baton when it needs it`);
    });
  }

  dispose(): void {
    this.generation++;
  }
}

function wanted(): boolean {
  if (!vscode.workspace.getConfiguration('baton').get<boolean>('mcp.autoStart', true)) return false;
  const chat = vscode.workspace.getConfiguration('chat');
  return chat.get<boolean>('disableAIFeatures', false) !== true && chat.get<string>('mcp.access', 'all') !== 'none';
}
