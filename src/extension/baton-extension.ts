import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vscode from 'vscode';
import type { StatusSnapshot } from '../protocol/status.ts';
import type * as ClientBundle from './client/server-client.ts';
import type { ServerClient } from './client/server-client.ts';
import { registerCommands } from './commands.ts';
import { FileFreshness } from './file-freshness.ts';
import { serverEnvironment, serverLaunch, type LaunchSpec } from './launch.ts';
import { installLauncher, launcherCommand } from './launcher-install.ts';
import { homeFromEnv } from '../engine/config.ts';
import { McpAutostart } from './mcp-autostart.ts';
import { McpDefinitions } from './mcp-definitions.ts';
import { registerPreviewIndex } from './preview-index.ts';
import { isOverFileLimit } from '../protocol/messages.ts';
import { pipeServerLog } from './server-log.ts';
import { API_KEY_SECRET, RESTART_SETTINGS, settings } from './settings.ts';
import { StatusBar } from './status-bar.ts';
import type { RefusedFolder, WindowState } from './status-view.ts';
import { Supervisor, type SupervisedChild, type SupervisorState } from './supervisor.ts';

type ClientModule = typeof ClientBundle;

/**
 * Everything Baton owns in one window, created on activation and disposed on
 * deactivation: the supervised server, the MCP client to it, the status bar,
 * the commands, the file watcher and the MCP registration for VS Code's chat.
 * Activation only builds these objects; the server starts right after.
 */
export class BatonExtension implements vscode.Disposable {
  readonly log: vscode.LogOutputChannel;
  private readonly context: vscode.ExtensionContext;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly statusBar: StatusBar;
  private readonly supervisor: Supervisor;
  private readonly mcp: McpDefinitions;
  private readonly mcpAutostart: McpAutostart;
  /** Workspace folders an index refused for their size (the tooltip offers a dry run). */
  private readonly refused = new Map<string, RefusedFolder>();
  private httpPort: number | undefined;
  private mcpClientsConnected = 0;
  private readonly httpSecret = randomBytes(32).toString('hex');
  private client: ServerClient | undefined;
  private state: WindowState = { kind: 'starting' };
  private status: StatusSnapshot | undefined;
  private lastAnnouncedChange = 0;
  private autoIndexDone = false;
  private freshnessProblem: string | undefined;
  /** Incremented for every child connected to and every drop: tells a late connection from the current one. */
  private connectGeneration = 0;

  constructor(context: vscode.ExtensionContext) {
    this.context = context;
    this.log = vscode.window.createOutputChannel('Baton', { log: true });
    this.statusBar = new StatusBar(settings().statusBarEnabled);
    this.mcp = new McpDefinitions(this.httpSecret, String(context.extension.packageJSON.version ?? '0'));
    this.supervisor = new Supervisor({
      // Its own process group: when the extension host goes, the server must not be killed in the
      // middle of handing the seat over. It notices stdin closing and leaves cleanly by itself.
      spawn: (spec) =>
        spawn(spec.command, [...spec.args], { env: spec.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, detached: process.platform !== 'win32' }) as SupervisedChild,
      launch: () => this.launchSpec(),
      onStateChange: (state) => void this.onSupervisorState(state),
    });
    this.mcpAutostart = new McpAutostart(context.extension.id, this.log, async () => ((await this.client?.refreshStatus())?.httpClients?.length ?? 0) > 0);
    this.disposables.push(this.log, this.statusBar, this.mcp, this.mcpAutostart);
    this.disposables.push(...registerCommands(this), registerPreviewIndex(this));
    this.disposables.push(new FileFreshness((folder, files) => this.sendChangedFiles(folder, files)));
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((event) => this.onSettingsChanged(event)));
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.autoIndex(true)));
    this.render({ kind: 'starting' });
  }

  /** Starts the server after activation has returned (activation stays cheap), then refreshes the launcher in BATON_HOME. */
  start(): void {
    setImmediate(() => {
      this.supervisor.start();
      this.refreshLauncher();
    });
  }

  private launcher: { path: string } | { error: string } | undefined;

  /** Writes (or refreshes) BATON_HOME/launcher: copied MCP configurations run it, and it outlives this version's folder. */
  private refreshLauncher(): void {
    try {
      const installed = installLauncher({
        home: homeFromEnv(process.env),
        extensionPath: this.context.extensionPath,
        version: String(this.context.extension.packageJSON.version ?? '0.0.0'),
        editor: vscode.env.appName,
        nodePath: settings().nodePath,
      });
      this.launcher = { path: installed.launcher };
      if (installed.replaced) this.log.info(`launcher for other MCP clients written to ${installed.launcher}`);
    } catch (error) {
      this.launcher = { error: (error as Error).message };
      this.log.warn(`could not write the launcher to BATON_HOME: ${(error as Error).message}`);
    }
  }

  get serverClient(): ServerClient | undefined {
    return this.client;
  }

  get currentStatus(): StatusSnapshot | undefined {
    return this.status;
  }

  get workspaceFolders(): readonly vscode.WorkspaceFolder[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
  }

  get extensionContext(): vscode.ExtensionContext {
    return this.context;
  }

  /** Bounded stop, then a fresh start (with the latest settings). */
  async restartServer(): Promise<void> {
    this.log.info('restarting the server');
    await this.dropClient();
    await this.supervisor.restart();
  }

  /**
   * The command another MCP client should run: the launcher in BATON_HOME (it starts the newest
   * installed Baton, so it survives updates), or this version's server when the launcher could not
   * be written (then `fallback` says why).
   */
  serverCommand(): { command: string; args: string[]; env: Record<string, string>; fallback?: string } {
    if (!this.launcher) this.refreshLauncher();
    if (this.launcher && 'path' in this.launcher) {
      const command = launcherCommand(this.launcher.path, {
        execPath: process.execPath,
        electronVersion: process.versions.electron,
        nodePath: settings().nodePath,
        batonHome: process.env.BATON_HOME?.trim() || undefined,
      });
      return { command: command.command, args: [...command.args], env: { ...command.env } };
    }
    const spec = serverLaunch({
      execPath: process.execPath,
      electronVersion: process.versions.electron,
      nodePath: settings().nodePath,
      serverScript: this.context.asAbsolutePath(path.join('dist', 'cli.js')),
      baseEnv: {},
      serverEnv: {},
    });
    const fallback = this.launcher && 'error' in this.launcher ? this.launcher.error : 'the launcher was not written';
    return { command: spec.command, args: [...spec.args], env: { ...spec.env }, fallback };
  }

  async dispose(): Promise<void> {
    await this.dropClient();
    await this.supervisor.stop();
    for (const disposable of this.disposables.splice(0).reverse()) disposable.dispose();
  }

  // ── server lifecycle ─────────────────────────────────────────────────────

  private launchSpec(): LaunchSpec {
    const current = settings();
    const folderName = vscode.workspace.name ?? 'no folder';
    return serverLaunch({
      execPath: process.execPath,
      electronVersion: process.versions.electron,
      nodePath: current.nodePath,
      serverScript: this.context.asAbsolutePath(path.join('dist', 'cli.js')),
      baseEnv: process.env,
      serverEnv: serverEnvironment({
        label: `VS Code — ${folderName}`,
        httpSecret: this.httpSecret,
        logLevel: current.logLevel,
        watch: current.watchEnabled,
        indexWorkers: current.indexWorkers,
        embedding: current.embeddingBaseUrl ? { baseUrl: current.embeddingBaseUrl, model: current.embeddingModel, apiKey: this.apiKey } : undefined,
      }),
    });
  }

  /** Read from SecretStorage before each start (see setEmbeddingApiKey). */
  private apiKey: string | undefined;

  async loadApiKey(): Promise<void> {
    this.apiKey = (await this.context.secrets.get(API_KEY_SECRET)) || undefined;
  }

  private async onSupervisorState(state: SupervisorState): Promise<void> {
    switch (state.kind) {
      case 'starting':
        this.render({ kind: 'starting' });
        return;
      case 'running':
        this.log.info(`server started (pid ${state.child.pid ?? '?'})`);
        pipeServerLog(state.child.stderr, this.log);
        await this.connect(state.child);
        return;
      case 'restarting':
        this.log.warn(`${state.reason}; restarting in ${Math.round(state.delayMs / 1000)} s`);
        await this.dropClient();
        this.render({ kind: 'starting' });
        return;
      case 'failed':
        await this.dropClient();
        this.log.error(state.reason);
        this.render({ kind: 'error', message: state.reason });
        void vscode.window.showErrorMessage(`Baton: ${state.reason}`, 'Show Log', 'Restart').then((choice) => {
          if (choice === 'Show Log') this.log.show();
          if (choice === 'Restart') void this.restartServer();
        });
        return;
      case 'stopped':
        await this.dropClient();
        this.render({ kind: 'stopped' });
        return;
    }
  }

  /**
   * Connects the window's MCP client to a freshly started child. Only the
   * latest child's connection is kept: one that completes after the child was
   * replaced (or the window stopped it) is closed. A child whose handshake
   * fails, or whose connection breaks later, is useless and may hold the
   * leader seat: the supervisor ends it and starts another.
   */
  private async connect(child: SupervisedChild): Promise<void> {
    const generation = ++this.connectGeneration;
    const isCurrent = (): boolean => generation === this.connectGeneration;
    let client: ServerClient;
    try {
      const { ServerClient: Client } = loadClientModule();
      const version = String(this.context.extension.packageJSON.version ?? '0');
      const onStatus = (status: StatusSnapshot): void => {
        if (isCurrent()) this.onStatus(status);
      };
      client = await Client.connect(child, version, onStatus, {
        onClosed: () => {
          if (!isCurrent() || this.client !== client) return;
          this.log.warn('the connection to the server closed; restarting it');
          void this.dropClient();
          this.supervisor.abandon(child, 'the connection to the server closed');
        },
      });
    } catch (error) {
      if (!isCurrent()) return;
      const reason = `the server did not answer the MCP handshake: ${(error as Error).message}`;
      this.log.error(`${reason}; restarting it`);
      this.supervisor.abandon(child, reason);
      return;
    }
    if (!isCurrent()) {
      await client.close().catch(() => undefined);
      return;
    }
    this.client = client;
    await vscode.commands.executeCommand('setContext', 'baton.serverRunning', true);
    await this.autoIndex(false);
  }

  private async dropClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.connectGeneration++; // a connection still being made belongs to the dropped child
    this.mcp.setPort(undefined);
    this.httpPort = undefined;
    this.mcpClientsConnected = 0;
    await vscode.commands.executeCommand('setContext', 'baton.serverRunning', false);
    await client?.close().catch(() => undefined);
  }

  private onStatus(status: StatusSnapshot): void {
    this.status = status;
    this.mcp.setPort(status.httpPort);
    if (status.httpPort !== undefined && status.httpPort !== this.httpPort) this.mcpAutostart.run();
    this.httpPort = status.httpPort;
    this.noteMcpClients(status);
    this.renderRunning();
    this.announceTakeOver(status);
  }

  private renderRunning(): void {
    if (this.status) this.render({ kind: 'running', status: this.status, problem: this.freshnessProblem, refused: [...this.refused.values()] });
  }

  /** Logs when VS Code's own MCP client connects to (or leaves) this window's server. */
  private noteMcpClients(status: StatusSnapshot): void {
    const clients = status.httpClients ?? [];
    if (clients.length > this.mcpClientsConnected) {
      const names = clients.map((client) => `${client.name} ${client.version}`.trim()).join(', ');
      this.log.info(`VS Code's MCP client connected to this window's server (pid ${status.pid ?? '?'}, port ${status.httpPort ?? '?'}): ${names}`);
    }
    this.mcpClientsConnected = clients.length;
  }

  /** When this window became leader because the previous leader went away (not at first election). */
  private announceTakeOver(status: StatusSnapshot): void {
    const change = status.lastRoleChange;
    if (!change || change.at <= this.lastAnnouncedChange) return;
    this.lastAnnouncedChange = change.at;
    this.log.info(`role: ${change.previousRole} → ${change.role} (epoch ${change.epoch})`);
    if (change.role !== 'leader' || change.previousRole !== 'follower') return;
    const previous = change.replacedLabel ? `'${change.replacedLabel}' closed.` : 'the previous leader went away.';
    void vscode.window.showInformationMessage(`Baton: this window now maintains the index — ${previous}`);
  }

  private render(state: WindowState): void {
    this.state = state;
    this.statusBar.render(state);
  }

  // ── indexing ─────────────────────────────────────────────────────────────

  /** Indexes the workspace folders when the window opens (only changed files if they were indexed before). */
  private async autoIndex(foldersChanged: boolean): Promise<void> {
    if (!settings().autoIndex || (this.autoIndexDone && !foldersChanged)) return;
    this.autoIndexDone = true;
    await this.indexFolders(false);
  }

  /** Indexes every workspace folder; errors are logged (a folder already being indexed is fine). */
  async indexFolders(force: boolean): Promise<number> {
    const client = this.client;
    if (!client) return 0;
    const exclude = settings().exclude;
    let started = 0;
    for (const folder of this.workspaceFolders) {
      const path = folder.uri.fsPath;
      try {
        const accepted = await client.index(path, force, exclude);
        started++;
        this.refused.delete(path);
        this.setFreshnessProblem(undefined); // an index run catches up on whatever did not get through
        this.log.info(`indexing ${accepted.path}: ${accepted.fileCount} files`);
      } catch (error) {
        const message = (error as Error).message;
        if (isOverFileLimit(message)) this.refused.set(path, { folder: path, message });
        this.log.info(`index ${path}: ${message}`);
      }
    }
    this.renderRunning();
    return started;
  }

  private async sendChangedFiles(folder: string, files: string[]): Promise<void> {
    const client = this.client;
    if (!client || (this.status?.codebases.length ?? 0) === 0) return;
    try {
      const result = await client.refreshFiles(folder, files);
      if (result.changed + result.deleted > 0) this.log.debug(`refreshed ${result.changed} changed and ${result.deleted} deleted files in ${folder}`);
      this.setFreshnessProblem(undefined);
    } catch (error) {
      const message = (error as Error).message;
      // A folder that is not indexed (auto-index off) has nothing to keep fresh; anything else leaves the index stale.
      if (/is not indexed yet/.test(message)) return this.log.debug(`not refreshed (${folder}): ${message}`);
      this.log.warn(`${files.length} changed files in ${folder} did not reach the index: ${message}`);
      this.setFreshnessProblem(`${files.length.toLocaleString('en-US')} changed files did not reach the index (${message}). Reindex the workspace to catch up.`);
    }
  }

  /** Shown in the status bar until the next refresh or index gets through. */
  private setFreshnessProblem(problem: string | undefined): void {
    if (problem === this.freshnessProblem) return;
    this.freshnessProblem = problem;
    this.renderRunning();
  }

  private onSettingsChanged(event: vscode.ConfigurationChangeEvent): void {
    if (event.affectsConfiguration('baton.statusBar.enabled')) this.statusBar.setEnabled(settings().statusBarEnabled);
    if (RESTART_SETTINGS.some((section) => event.affectsConfiguration(section))) void this.restartServer();
  }
}

let clientModule: ClientModule | undefined;

/** The MCP client bundle (dist/extension-client.js), loaded on first use rather than on activation. */
function loadClientModule(): ClientModule {
  if (!clientModule) {
    const here = path.dirname(fileURLToPath(import.meta.url));
    clientModule = createRequire(import.meta.url)(path.join(here, 'extension-client.js')) as ClientModule;
  }
  return clientModule;
}
