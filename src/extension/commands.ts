import * as vscode from 'vscode';
import type { BatonExtension } from './baton-extension.ts';
import { mcpConfigurationText } from './mcp-config.ts';
import { searchCodeQuickPick } from './search-picker.ts';
import { API_KEY_SECRET } from './settings.ts';
import { renderStatusBar } from './status-view.ts';

/** Every command of the "Baton" category. They work the same in follower windows: the server forwards writes. */
export function registerCommands(baton: BatonExtension): vscode.Disposable[] {
  const register = (id: string, run: () => Promise<unknown> | unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async () => {
      try {
        await run();
      } catch (error) {
        baton.log.error(`${id}: ${(error as Error).message}`);
        void vscode.window.showErrorMessage(`Baton: ${(error as Error).message}`);
      }
    });
  return [
    register('baton.reindexWorkspace', () => reindex(baton, false)),
    register('baton.rebuildIndex', () => reindex(baton, true)),
    register('baton.clearIndex', () => clearIndex(baton)),
    register('baton.searchCode', () => searchCodeQuickPick(requireClient(baton), requireFolders(baton))),
    register('baton.showLog', () => baton.log.show()),
    register('baton.restartServer', () => baton.restartServer()),
    register('baton.showStatus', () => showStatus(baton)),
    register('baton.copyMcpConfiguration', () => copyMcpConfiguration(baton)),
    register('baton.setEmbeddingApiKey', () => setEmbeddingApiKey(baton)),
    register('baton.showActions', () => showActions()),
  ];
}

function requireClient(baton: BatonExtension) {
  const client = baton.serverClient;
  if (!client) throw new Error('the Baton server is not running yet.');
  return client;
}

function requireFolders(baton: BatonExtension): readonly vscode.WorkspaceFolder[] {
  const folders = baton.workspaceFolders;
  if (folders.length === 0) throw new Error('open a folder first: Baton indexes workspace folders.');
  return folders;
}

async function reindex(baton: BatonExtension, force: boolean): Promise<void> {
  requireClient(baton);
  requireFolders(baton);
  const started = await baton.indexFolders(force);
  if (started === 0) void vscode.window.showInformationMessage('Baton: the workspace is already being indexed; see the status bar for progress.');
}

async function clearIndex(baton: BatonExtension): Promise<void> {
  const client = requireClient(baton);
  const folders = requireFolders(baton);
  const names = folders.map((folder) => folder.name).join(', ');
  const choice = await vscode.window.showWarningMessage(
    `Clear Baton's index of ${names}?`,
    { modal: true, detail: 'Searches will find nothing until the workspace is indexed again (Baton: Reindex Workspace). Your files are not touched.' },
    'Clear Index',
  );
  if (choice !== 'Clear Index') return;
  for (const folder of folders) {
    const removed = await client.clear(folder.uri.fsPath).catch((error: Error) => {
      baton.log.info(`clear ${folder.uri.fsPath}: ${error.message}`);
      return undefined;
    });
    if (removed) baton.log.info(`cleared ${removed.path} (${removed.fileCount} files, ${removed.chunkCount} chunks)`);
  }
}

async function showStatus(baton: BatonExtension): Promise<void> {
  const client = requireClient(baton);
  const status = await client.refreshStatus();
  const markdown = renderStatusBar({ kind: 'running', status }).tooltip;
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: `# Baton status\n\n${markdown}\n` });
  await vscode.window.showTextDocument(document, { preview: true });
}

async function copyMcpConfiguration(baton: BatonExtension): Promise<void> {
  const server = baton.serverCommand();
  await vscode.env.clipboard.writeText(mcpConfigurationText(server));
  if (server.fallback) {
    void vscode.window.showWarningMessage(
      `Baton: MCP configuration copied, but it points at this version's folder and stops working at the next update: the launcher could not be written to BATON_HOME (${server.fallback}).`,
    );
  } else {
    void vscode.window.showInformationMessage('Baton: MCP configuration for Claude Code, Cursor and mcp.json copied to the clipboard.');
  }
}

async function setEmbeddingApiKey(baton: BatonExtension): Promise<void> {
  const key = await vscode.window.showInputBox({
    title: 'Baton: Embedding API Key',
    prompt: 'Sent as "Authorization: Bearer …" to baton.embedding.baseUrl. Stored in VS Code\'s secret storage, never in settings. Leave empty to remove it.',
    password: true,
    ignoreFocusOut: true,
  });
  if (key === undefined) return;
  const secrets = baton.extensionContext.secrets;
  if (key.trim() === '') await secrets.delete(API_KEY_SECRET);
  else await secrets.store(API_KEY_SECRET, key.trim());
  await baton.loadApiKey();
  await baton.restartServer();
}

interface Action extends vscode.QuickPickItem {
  readonly command: string;
}

async function showActions(): Promise<void> {
  const actions: Action[] = [
    { label: '$(search) Search Code', command: 'baton.searchCode' },
    { label: '$(refresh) Reindex Workspace', description: 'only changed files', command: 'baton.reindexWorkspace' },
    { label: '$(replace-all) Rebuild Index', description: 'from scratch', command: 'baton.rebuildIndex' },
    { label: '$(trash) Clear Index', command: 'baton.clearIndex' },
    { label: '$(info) Show Status', command: 'baton.showStatus' },
    { label: '$(eye) Preview Index (Dry Run)', description: 'files, size, exclusions, estimated time', command: 'baton.previewIndex' },
    { label: '$(output) Show Log', command: 'baton.showLog' },
    { label: '$(debug-restart) Restart Server', command: 'baton.restartServer' },
    { label: '$(copy) Copy MCP Configuration', description: 'for Claude Code, Cursor, mcp.json', command: 'baton.copyMcpConfiguration' },
    { label: '$(key) Set Embedding API Key', command: 'baton.setEmbeddingApiKey' },
  ];
  const chosen = await vscode.window.showQuickPick(actions, { title: 'Baton', placeHolder: 'Choose an action' });
  if (chosen) await vscode.commands.executeCommand(chosen.command);
}
