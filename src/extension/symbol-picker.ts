import * as vscode from 'vscode';
import type { SymbolMatchItem } from '../protocol/symbol-tools.ts';
import type { ServerClient } from './client/server-client.ts';
import { folderName, showLiveQuickPick, type FolderAnswer } from './live-quick-pick.ts';

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
 * "SHCT"); choosing one opens the file at the name.
 */
export async function goToSymbolQuickPick(client: ServerClient, folders: readonly vscode.WorkspaceFolder[]): Promise<void> {
  showLiveQuickPick<SymbolMatchItem>(folders, {
    title: 'Baton: Go to Symbol in Index',
    placeholder: 'Type a name: exact, a prefix, or camel humps ("SHCT" for StreamableHTTPClientTransport)',
    typingPauseMs: TYPING_PAUSE_MS,
    queryOf: (value) => {
      const name = value.trim();
      return name === '' || /\s/.test(name) ? undefined : name;
    },
    ask: async (root, name) => (await client.findSymbol(root, name, RESULTS_PER_FOLDER)).results,
    order: (a, b) => rank(a.answer) - rank(b.answer),
    present: ({ root, answer: symbol }) => ({
      label: `$(${ICONS[symbol.kind] ?? 'symbol-misc'}) ${symbol.name}`,
      description: `${symbol.kind}${symbol.container ? ` · ${symbol.container}` : ''} · ${symbol.file}:${symbol.line}${folders.length > 1 ? ` · ${folderName(folders, root)}` : ''}`,
      detail: symbol.signature,
    }),
    open: openAt,
  });
}

/** Match tier first, then the codebase's own code before tests, examples and generated code. */
function rank(symbol: SymbolMatchItem): number {
  return TIER_ORDER.indexOf(symbol.match) * 2 + (SECONDARY_ROLES.has(symbol.role) ? 1 : 0);
}

/** Opens the file with the name selected on its line (or the line's start when the text moved). */
async function openAt({ root, answer: symbol }: FolderAnswer<SymbolMatchItem>): Promise<void> {
  const uri = vscode.Uri.joinPath(vscode.Uri.file(root), ...symbol.file.split('/'));
  const document = await vscode.workspace.openTextDocument(uri);
  const line = Math.min(Math.max(0, symbol.line - 1), Math.max(0, document.lineCount - 1));
  const column = document.lineAt(line).text.indexOf(symbol.name);
  const start = new vscode.Position(line, Math.max(0, column));
  const end = column >= 0 ? start.translate(0, symbol.name.length) : start;
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(start, end), preview: true });
}
