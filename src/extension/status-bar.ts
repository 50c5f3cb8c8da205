import * as vscode from 'vscode';
import { PREVIEW_INDEX_COMMAND, renderStatusBar, type WindowState } from './status-view.ts';

/** The window's status bar item: renders a WindowState (see status-view.ts). */
export class StatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private enabled: boolean;

  constructor(enabled: boolean) {
    this.item = vscode.window.createStatusBarItem('baton.status', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Baton';
    this.enabled = enabled;
  }

  render(state: WindowState): void {
    const view = renderStatusBar(state);
    this.item.text = view.text;
    const tooltip = new vscode.MarkdownString(view.tooltip, true);
    tooltip.isTrusted = { enabledCommands: ['baton.reindexWorkspace', 'baton.searchCode', 'baton.showLog', 'baton.restartServer', PREVIEW_INDEX_COMMAND] };
    this.item.tooltip = tooltip;
    this.item.command = view.command;
    this.item.backgroundColor = view.background ? new vscode.ThemeColor(view.background) : undefined;
    if (this.enabled) this.item.show();
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    if (enabled) this.item.show();
    else this.item.hide();
  }

  dispose(): void {
    this.item.dispose();
  }
}
