import * as vscode from 'vscode';
import { ChangeBatcher } from './change-batcher.ts';

/**
 * Keeps the index fresh from any window: saved, created and deleted files of
 * the workspace folders are collected and sent, per folder, to the server
 * (which forwards them to the leader). The server decides what is indexable.
 */
export class FileFreshness implements vscode.Disposable {
  private readonly watcher: vscode.FileSystemWatcher;
  private readonly batcher: ChangeBatcher;

  constructor(send: (folder: string, files: string[]) => Promise<void>) {
    // 5,000 paths per request stays below the request's limit (REFRESH_FILES_MAX); the server turns thousands into one run.
    this.batcher = new ChangeBatcher({ settleMs: 300, maxWaitMs: 2000, batchSize: 5000, send });
    this.watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.watcher.onDidChange((uri) => this.note(uri));
    this.watcher.onDidCreate((uri) => this.note(uri));
    this.watcher.onDidDelete((uri) => this.note(uri));
  }

  dispose(): void {
    this.batcher.dispose();
    this.watcher.dispose();
  }

  private note(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder) this.batcher.note(folder.uri.fsPath, uri.fsPath);
  }
}
