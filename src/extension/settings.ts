import * as vscode from 'vscode';

/** Baton's settings, read fresh each time (they can change at any moment). */
export function settings() {
  const config = vscode.workspace.getConfiguration('baton');
  return {
    autoIndex: config.get<boolean>('index.autoIndex', true),
    exclude: config.get<string[]>('index.exclude', []),
    embeddingBaseUrl: config.get<string>('embedding.baseUrl', '').trim(),
    embeddingModel: config.get<string>('embedding.model', '').trim(),
    nodePath: config.get<string>('server.nodePath', '').trim(),
    logLevel: config.get<'error' | 'warn' | 'info'>('server.logLevel', 'info'),
    statusBarEnabled: config.get<boolean>('statusBar.enabled', true),
    watchEnabled: config.get<boolean>('watch.enabled', true),
    indexWorkers: config.get<number | null>('index.workers', null),
  };
}

/** Settings whose change needs a server restart (they are part of its environment). */
export const RESTART_SETTINGS = ['baton.embedding', 'baton.server.nodePath', 'baton.server.logLevel', 'baton.watch.enabled', 'baton.index.workers'];

export const API_KEY_SECRET = 'baton.embedding.apiKey';
