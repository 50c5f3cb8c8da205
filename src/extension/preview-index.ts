import * as vscode from 'vscode';
import { dryRunText } from '../engine/scan/dry-run-text.ts';
import type { BatonExtension } from './baton-extension.ts';
import { PREVIEW_INDEX_COMMAND } from './status-view.ts';
import { settings } from './settings.ts';

/**
 * "Baton: Preview Index (Dry Run)": what an index of a workspace folder would
 * take in — files, size, languages, largest folders, what is excluded and
 * why, the estimated time — in a Markdown document. The window's own server
 * answers (a follower too) and writes nothing. The status bar tooltip links
 * here, with the folder, when a folder was refused for its size.
 */
export function registerPreviewIndex(baton: BatonExtension): vscode.Disposable {
  return vscode.commands.registerCommand(PREVIEW_INDEX_COMMAND, async (folder?: unknown) => {
    try {
      await previewIndex(baton, typeof folder === 'string' ? folder : undefined);
    } catch (error) {
      baton.log.error(`${PREVIEW_INDEX_COMMAND}: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`Baton: ${(error as Error).message}`);
    }
  });
}

async function previewIndex(baton: BatonExtension, given: string | undefined): Promise<void> {
  const client = baton.serverClient;
  if (!client) throw new Error('the Baton server is not running yet.');
  const folder = given ?? (await chooseFolder(baton));
  if (!folder) return;
  const output = await client.dryRun(folder, settings().exclude);
  if (!output.dryRun) throw new Error('this Baton server does not support dry runs; restart it (Baton: Restart Server).');
  const text = dryRunText(output.dryRun);
  const [title = '', ...items] = text.split('\n');
  const content = `# Baton: index preview\n\n${title}\n\n${items.join('\n')}\n`;
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.window.showTextDocument(document, { preview: true });
}

async function chooseFolder(baton: BatonExtension): Promise<string | undefined> {
  const folders = baton.workspaceFolders;
  if (folders.length === 0) throw new Error('open a folder first: Baton indexes workspace folders.');
  if (folders.length === 1) return folders[0]!.uri.fsPath;
  const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Preview what an index of which folder would take in' });
  return picked?.uri.fsPath;
}
