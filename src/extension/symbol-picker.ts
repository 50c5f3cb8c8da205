import * as vscode from 'vscode';
import type { SymbolMatchItem } from '../protocol/symbol-tools.ts';
import type { ServerClient } from './client/server-client.ts';

interface SymbolItem extends vscode.QuickPickItem {
  readonly root: string;
  readonly symbol: SymbolMatchItem;
}

const TYPING_PAUSE_MS = 120;
const RESULTS_PER_FOLDER = 30;
const TIER_ORDER = ['exact', 'case-insensitive', 'prefix', 'camel-hump'];
const SECONDARY_ROLES = new Set(['test', 'example', 'generated']);

const ICONS: Record<string, string> = {
  function: 'symbol-function',
  method: 'symbol-method',
  class: 'symbol-class',
  interface: 'symbol-interface',
  trait: 'symbol-interface',
  struct: 'symbol-struct',
  enum: 'symbol-enum',
  type: 'symbol-type-parameter',
  module: 'symbol-namespace',
  namespace: 'symbol-namespace',
  constant: 'symbol-constant',
  variable: 'symbol-variable',
};

/**
 * "Baton: Go to Symbol in Index": definitions from the shared index of every
 * workspace folder, as you type (exact names, prefixes, camel humps such as
 * "SHCT"); choosing one opens the file at the name. The window's server
 * answers from the shared index, so it works the same in a follower window.
 */
export async function goToSymbolQuickPick(client: ServerClient, folders: readonly vscode.WorkspaceFolder[]): Promise<void> {
  const picker = vscode.window.createQuickPick<SymbolItem>();
  picker.title = 'Baton: Go to Symbol in Index';
  picker.placeholder = 'Type a name: exact, a prefix, or camel humps ("SHCT" for StreamableHTTPClientTransport)';
  picker.matchOnDescription = false;
  picker.matchOnDetail = false;
  let generation = 0;
  let timer: NodeJS.Timeout | undefined;

  picker.onDidChangeValue((value) => {
    clearTimeout(timer);
    const name = value.trim();
    if (name === '' || /\s/.test(name)) {
      picker.items = [];
      return;
    }
    timer = setTimeout(() => void lookUp(name, ++generation), TYPING_PAUSE_MS);
  });

  const lookUp = async (name: string, mine: number): Promise<void> => {
    picker.busy = true;
    try {
      const answers = await Promise.all(
        folders.map(async (folder) => {
          const root = folder.uri.fsPath;
          const response = await client.findSymbol(root, name, RESULTS_PER_FOLDER).catch(() => undefined);
          return (response?.results ?? []).map((symbol) => ({ root, symbol }));
        }),
      );
      if (mine !== generation) return;
      picker.items = answers
        .flat()
        .sort((a, b) => rank(a.symbol) - rank(b.symbol))
        .map(({ root, symbol }) => ({
          label: `$(${ICONS[symbol.kind] ?? 'symbol-misc'}) ${symbol.name}`,
          description: `${symbol.kind}${symbol.container ? ` · ${symbol.container}` : ''} · ${symbol.file}:${symbol.line}${folders.length > 1 ? ` · ${folderName(folders, root)}` : ''}`,
          detail: symbol.signature,
          alwaysShow: true,
          root,
          symbol,
        }));
    } finally {
      if (mine === generation) picker.busy = false;
    }
  };

  picker.onDidAccept(() => {
    const chosen = picker.selectedItems[0];
    if (!chosen) return;
    picker.hide();
    void openAt(chosen.root, chosen.symbol);
  });
  picker.onDidHide(() => {
    clearTimeout(timer);
    picker.dispose();
  });
  picker.show();
}

/** Match tier first, then the codebase's own code before tests, examples and generated code. */
function rank(symbol: SymbolMatchItem): number {
  return TIER_ORDER.indexOf(symbol.match) * 2 + (SECONDARY_ROLES.has(symbol.role) ? 1 : 0);
}

function folderName(folders: readonly vscode.WorkspaceFolder[], root: string): string {
  return folders.find((folder) => folder.uri.fsPath === root)?.name ?? root;
}

/** Opens the file with the name selected on its line (or the line's start when the text moved). */
async function openAt(root: string, symbol: SymbolMatchItem): Promise<void> {
  const uri = vscode.Uri.joinPath(vscode.Uri.file(root), ...symbol.file.split('/'));
  const document = await vscode.workspace.openTextDocument(uri);
  const line = Math.min(Math.max(0, symbol.line - 1), Math.max(0, document.lineCount - 1));
  const column = document.lineAt(line).text.indexOf(symbol.name);
  const start = new vscode.Position(line, Math.max(0, column));
  const end = column >= 0 ? start.translate(0, symbol.name.length) : start;
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(start, end), preview: true });
}
