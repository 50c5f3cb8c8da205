import * as vscode from 'vscode';
import type { SearchResultItem } from '../protocol/tools.ts';
import type { ServerClient } from './client/server-client.ts';
import { showLiveQuickPick, type FolderAnswer } from './live-quick-pick.ts';

const TYPING_PAUSE_MS = 150;
const RESULTS_PER_FOLDER = 20;

/** "Baton: Search Code": results appear as you type; choosing one opens the file at its first line. */
export async function searchCodeQuickPick(client: ServerClient, folders: readonly vscode.WorkspaceFolder[]): Promise<void> {
  showLiveQuickPick<SearchResultItem>(folders, {
    title: 'Baton: Search Code',
    placeholder: 'Describe what you look for ("where is the config parsed") or type identifiers',
    typingPauseMs: TYPING_PAUSE_MS,
    queryOf: (value) => value.trim() || undefined,
    ask: async (root, query) => (await client.search(root, query, RESULTS_PER_FOLDER)).results,
    order: (a, b) => b.answer.score - a.answer.score,
    present: ({ answer: result }) => ({
      label: `$(file-code) ${result.file}:${result.startLine}`,
      description: `${result.language} · lines ${result.startLine}–${result.endLine}`,
      detail: firstCodeLine(result.content),
    }),
    open: openAt,
  });
}

async function openAt({ root, answer: result }: FolderAnswer<SearchResultItem>): Promise<void> {
  const uri = vscode.Uri.joinPath(vscode.Uri.file(root), ...result.file.split('/'));
  const line = Math.max(0, result.startLine - 1);
  const position = new vscode.Position(line, 0);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), preview: true });
}

function firstCodeLine(content: string): string {
  return (
    content
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  ).slice(0, 160);
}
