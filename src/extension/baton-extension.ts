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
import { McpDefinitions } from './mcp-definitions.ts';
import { pipeServerLog } from './server-log.ts';
import { API_KEY_SECRET, RESTART_SETTINGS, settings } from './settings.ts';
import { StatusBar } from './status-bar.ts';
import type { WindowState } from './status-view.ts';
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
    this.disposables.push(this.log, this.statusBar, this.mcp);
    this.disposables.push(...registerCommands(this));
    this.disposables.push(new FileFreshness((folder, files) => this.sendChangedFiles(folder, files)));
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((event) => this.onSettingsChanged(event)));
    this.disposables.push(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.autoIndex(true)));
    this.render({ kind: 'starting' });
  }

  /** Starts the server after activation has returned (activation stays cheap). */
  start(): void {
    setImmediate(() => this.supervisor.start());
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

  /** The command another MCP client should run: this extension's server on this window's runtime. */
  serverCommand(): { command: string; args: string[]; env: Record<string, string> } {
    const spec = serverLaunch({
      execPath: process.execPath,
      electronVersion: process.versions.electron,
      nodePath: settings().nodePath,
      serverScript: this.context.asAbsolutePath(path.join('dist', 'cli.js')),
      baseEnv: {},
      serverEnv: {},
    });
    return { command: spec.command, args: [...spec.args], env: { ...spec.env } };
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
    await vscode.commands.executeCommand('setContext', 'baton.serverRunning', false);
    await client?.close().catch(() => undefined);
  }

  private onStatus(status: StatusSnapshot): void {
    this.status = status;
    this.mcp.setPort(status.httpPort);
    this.render({ kind: 'running', status, problem: this.freshnessProblem });
    this.announceTakeOver(status);
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
      try {
        const accepted = await client.index(folder.uri.fsPath, force, exclude);
        started++;
        this.setFreshnessProblem(undefined); // an index run catches up on whatever did not get through
        this.log.info(`indexing ${accepted.path}: ${accepted.fileCount} files`);
      } catch (error) {
        this.log.info(`index ${folder.uri.fsPath}: ${(error as Error).message}`);
      }
    }
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
    if (this.status) this.render({ kind: 'running', status: this.status, problem });
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
