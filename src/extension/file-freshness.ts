import * as vscode from 'vscode';

/** Editor events settle this long before they are sent (a save often touches several files). */
const SETTLE_MS = 300;
/** Paths per request, below the request's limit (REFRESH_FILES_MAX): a branch switch sends several. */
export const FRESHNESS_BATCH = 5000;

/**
 * Keeps the index fresh from any window: saved, created and deleted files of
 * the workspace folders are collected and sent, per folder, to the server
 * (which forwards them to the leader). The server decides what is indexable.
 */
export class FileFreshness implements vscode.Disposable {
  private readonly watcher: vscode.FileSystemWatcher;
  private readonly pending = new Map<string, Set<string>>();
  private timer: NodeJS.Timeout | undefined;
  private readonly send: (folder: string, files: string[]) => Promise<void>;

  constructor(send: (folder: string, files: string[]) => Promise<void>) {
    this.send = send;
    this.watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.watcher.onDidChange((uri) => this.note(uri));
    this.watcher.onDidCreate((uri) => this.note(uri));
    this.watcher.onDidDelete((uri) => this.note(uri));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.watcher.dispose();
  }

  private note(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return;
    const root = folder.uri.fsPath;
    let files = this.pending.get(root);
    if (!files) this.pending.set(root, (files = new Set()));
    files.add(uri.fsPath);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), SETTLE_MS);
  }

  private flush(): void {
    const folders = [...this.pending.entries()];
    this.pending.clear();
    for (const [root, files] of folders) void this.sendInBatches(root, [...files]);
  }

  /** One folder's changes, in batches sent one after the other (the server turns thousands into one run). */
  private async sendInBatches(root: string, files: string[]): Promise<void> {
    for (const batch of batchesOf(files, FRESHNESS_BATCH)) await this.send(root, batch);
  }
}

/** `items` cut into consecutive slices of at most `size`. */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}
