import * as vscode from 'vscode';
import type { SearchResultItem } from '../protocol/tools.ts';
import type { ServerClient } from './client/server-client.ts';

interface ResultItem extends vscode.QuickPickItem {
  readonly root: string;
  readonly result: SearchResultItem;
}

const TYPING_PAUSE_MS = 150;
const RESULTS_PER_FOLDER = 20;

/**
 * "Baton: Search Code": results appear as you type (each pause sends one
 * search per workspace folder; late answers to older queries are dropped),
 * and choosing one opens the file at its first line.
 */
export async function searchCodeQuickPick(client: ServerClient, folders: readonly vscode.WorkspaceFolder[]): Promise<void> {
  const picker = vscode.window.createQuickPick<ResultItem>();
  picker.title = 'Baton: Search Code';
  picker.placeholder = 'Describe what you look for ("where is the config parsed") or type identifiers';
  picker.matchOnDescription = false;
  picker.matchOnDetail = false;
  let generation = 0;
  let timer: NodeJS.Timeout | undefined;

  picker.onDidChangeValue((value) => {
    clearTimeout(timer);
    const query = value.trim();
    if (query === '') {
      picker.items = [];
      return;
    }
    timer = setTimeout(() => void runSearch(query, ++generation), TYPING_PAUSE_MS);
  });

  const runSearch = async (query: string, mine: number): Promise<void> => {
    picker.busy = true;
    try {
      const answers = await Promise.all(
        folders.map(async (folder) => {
          const root = folder.uri.fsPath;
          const response = await client.search(root, query, RESULTS_PER_FOLDER).catch(() => undefined);
          return (response?.results ?? []).map((result) => ({ root, result }));
        }),
      );
      if (mine !== generation) return;
      picker.items = answers
        .flat()
        .sort((a, b) => b.result.score - a.result.score)
        .map(({ root, result }) => ({
          label: `$(file-code) ${result.file}:${result.startLine}`,
          description: `${result.language} · lines ${result.startLine}–${result.endLine}`,
          detail: firstCodeLine(result.content),
          alwaysShow: true,
          root,
          result,
        }));
    } finally {
      if (mine === generation) picker.busy = false;
    }
  };

  picker.onDidAccept(() => {
    const chosen = picker.selectedItems[0];
    if (!chosen) return;
    picker.hide();
    void openAt(chosen.root, chosen.result);
  });
  picker.onDidHide(() => {
    clearTimeout(timer);
    picker.dispose();
  });
  picker.show();
}

async function openAt(root: string, result: SearchResultItem): Promise<void> {
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
