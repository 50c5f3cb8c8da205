import * as vscode from 'vscode';

/** One answer of a live quick pick, with the workspace folder it came from. */
export interface FolderAnswer<T> {
  readonly root: string;
  readonly answer: T;
}

interface AnswerItem<T> extends vscode.QuickPickItem {
  readonly root: string;
  readonly answer: T;
}

export interface LiveQuickPickOptions<T> {
  readonly title: string;
  readonly placeholder: string;
  /** Quiet time after the last keystroke before asking the server. */
  readonly typingPauseMs: number;
  /** What to ask for the typed text; undefined: nothing (the list empties). */
  readonly queryOf: (value: string) => string | undefined;
  /** One folder's answers (an error counts as none: other folders still answer). */
  readonly ask: (root: string, query: string) => Promise<readonly T[]>;
  /** The order of every folder's answers together (a sort comparator). */
  readonly order: (a: FolderAnswer<T>, b: FolderAnswer<T>) => number;
  readonly present: (answer: FolderAnswer<T>) => Omit<vscode.QuickPickItem, 'alwaysShow'>;
  readonly open: (answer: FolderAnswer<T>) => Promise<void>;
}

/**
 * A quick pick whose items come from the window's server as you type: each
 * pause sends one request per workspace folder, late answers to older text
 * are dropped, and choosing an item opens it. The server answers from the
 * shared index, so it works the same in a follower window.
 */
export function showLiveQuickPick<T>(folders: readonly vscode.WorkspaceFolder[], options: LiveQuickPickOptions<T>): void {
  const picker = vscode.window.createQuickPick<AnswerItem<T>>();
  picker.title = options.title;
  picker.placeholder = options.placeholder;
  picker.matchOnDescription = false;
  picker.matchOnDetail = false;
  let generation = 0;
  let timer: NodeJS.Timeout | undefined;

  const refresh = async (query: string, mine: number): Promise<void> => {
    picker.busy = true;
    try {
      const answers = await Promise.all(
        folders.map(async (folder) => {
          const root = folder.uri.fsPath;
          const found = await options.ask(root, query).catch(() => []);
          return found.map((answer) => ({ root, answer }));
        }),
      );
      if (mine !== generation) return;
      picker.items = answers
        .flat()
        .sort(options.order)
        .map((answer) => ({ ...options.present(answer), alwaysShow: true, ...answer }));
    } finally {
      if (mine === generation) picker.busy = false;
    }
  };

  picker.onDidChangeValue((value) => {
    clearTimeout(timer);
    const query = options.queryOf(value);
    if (query === undefined) {
      picker.items = [];
      return;
    }
    timer = setTimeout(() => void refresh(query, ++generation), options.typingPauseMs);
  });
  picker.onDidAccept(() => {
    const chosen = picker.selectedItems[0];
    if (!chosen) return;
    picker.hide();
    void options.open(chosen);
  });
  picker.onDidHide(() => {
    clearTimeout(timer);
    picker.dispose();
  });
  picker.show();
}

/** A folder's name, for answers of a multi-root workspace. */
export function folderName(folders: readonly vscode.WorkspaceFolder[], root: string): string {
  return folders.find((folder) => folder.uri.fsPath === root)?.name ?? root;
}
