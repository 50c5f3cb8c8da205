import type * as vscode from 'vscode';
import { BatonExtension } from './baton-extension.ts';

let baton: BatonExtension | undefined;

/**
 * Activation (onStartupFinished) only builds the window's objects and returns;
 * the server is spawned on the next tick and the MCP client bundle is loaded
 * when the server is up.
 */
export function activate(context: vscode.ExtensionContext): void {
  const started = performance.now();
  baton = new BatonExtension(context);
  context.subscriptions.push({ dispose: () => void baton?.dispose() });
  void baton.loadApiKey().finally(() => baton?.start());
  baton.log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
}

/** Stops the server in bounded steps (stdin closed, SIGTERM, SIGKILL) before the window goes. */
export async function deactivate(): Promise<void> {
  const current = baton;
  baton = undefined;
  await current?.dispose();
}
