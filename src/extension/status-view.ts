import type { StatusSnapshot } from '../protocol/status.ts';
import type { WatchSummary } from '../protocol/watch-state.ts';

/** A workspace folder an index refused for having more files than the limit. */
export interface RefusedFolder {
  readonly folder: string;
  readonly message: string;
}

/** What the window knows about its server. */
export type WindowState =
  | { readonly kind: 'starting' }
  | { readonly kind: 'running'; readonly status: StatusSnapshot; readonly problem?: string | undefined; readonly refused?: readonly RefusedFolder[] }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'stopped' };

/** A status bar item's look, independent of the vscode API (the adapter applies it). */
export interface StatusBarView {
  readonly text: string;
  /** Markdown, with command links (trusted for Baton's commands only). */
  readonly tooltip: string;
  /** A theme colour id for the background, when the state needs attention. */
  readonly background?: 'statusBarItem.errorBackground' | 'statusBarItem.warningBackground';
  readonly command: string;
}

export const SHOW_ACTIONS_COMMAND = 'baton.showActions';
export const PREVIEW_INDEX_COMMAND = 'baton.previewIndex';

const ACTION_LINKS = [
  '[$(refresh) Reindex](command:baton.reindexWorkspace)',
  '[$(search) Search](command:baton.searchCode)',
  '[$(output) Log](command:baton.showLog)',
  '[$(debug-restart) Restart](command:baton.restartServer)',
].join(' · ');

export function renderStatusBar(state: WindowState): StatusBarView {
  switch (state.kind) {
    case 'starting':
      return { text: '$(loading~spin) Baton', tooltip: '**Baton** is starting its server…', command: SHOW_ACTIONS_COMMAND };
    case 'stopped':
      return {
        text: '$(circle-slash) Baton: Stopped',
        tooltip: `**Baton** server is stopped.\n\n[$(debug-start) Start](command:baton.restartServer)`,
        background: 'statusBarItem.warningBackground',
        command: SHOW_ACTIONS_COMMAND,
      };
    case 'error':
      return {
        text: '$(error) Baton: Error',
        tooltip: `**Baton** cannot run its server.\n\n${escapeMarkdown(state.message)}\n\n[$(output) Show Log](command:baton.showLog) · [$(debug-restart) Restart](command:baton.restartServer)`,
        background: 'statusBarItem.errorBackground',
        command: SHOW_ACTIONS_COMMAND,
      };
    case 'running':
      return withProblem(renderRunning(state.status, state.refused ?? []), state.problem);
  }
}

function renderRunning(status: StatusSnapshot, refused: readonly RefusedFolder[]): StatusBarView {
  const indexing = status.codebases.filter((codebase) => codebase.status === 'indexing');
  const role = status.role === 'leader' ? 'Leader' : status.role === 'follower' ? 'Follower' : 'Starting';
  let text: string;
  if (indexing.length > 0) {
    const percent = Math.floor(indexing.reduce((sum, codebase) => sum + codebase.percent, 0) / indexing.length);
    text = `$(sync~spin) Baton: Indexing ${percent}%`;
  } else if (status.role === 'leader') {
    text = '$(server-process) Baton: Leader';
  } else if (status.role === 'follower') {
    text = '$(plug) Baton: Follower';
  } else {
    text = '$(loading~spin) Baton';
  }
  return {
    text,
    tooltip: statusTooltip(status, role, refused),
    command: SHOW_ACTIONS_COMMAND,
    ...(refused.length > 0 && indexing.length === 0 ? { background: 'statusBarItem.warningBackground' as const } : {}),
  };
}

function statusTooltip(status: StatusSnapshot, role: string, refused: readonly RefusedFolder[]): string {
  const leader = status.leader;
  const lines = [
    `**Baton** — this window is the **${role.toLowerCase()}**${leader ? ` (epoch ${leader.epoch})` : ''}`,
    '',
    status.role === 'leader' ? 'This window maintains the shared index.' : leader ? `The index is maintained by *${escapeMarkdown(leader.label)}* (pid ${leader.pid}).` : 'No leader yet.',
    '',
  ];
  if (status.codebases.length === 0) {
    lines.push('No codebases indexed yet.');
  } else {
    // Servers that predate watching send no watch state: then the table has no Watch column.
    const withWatch = status.codebases.some((codebase) => codebase.watch);
    lines.push(withWatch ? '| Codebase | Status | Files | Chunks | Watch |' : '| Codebase | Status | Files | Chunks |', withWatch ? '|:--|:--|--:|--:|:--|' : '|:--|:--|--:|--:|');
    for (const codebase of status.codebases) {
      const state = codebase.status === 'indexing' ? `indexing ${codebase.percent}%` : codebase.status;
      const watch = withWatch ? ` ${codebase.watch ? WATCH_LABELS[codebase.watch.mode] : ''} |` : '';
      lines.push(`| ${escapeMarkdown(shortPath(codebase.root))} | ${state} | ${codebase.fileCount.toLocaleString('en-US')} | ${codebase.chunkCount.toLocaleString('en-US')} |${watch}`);
    }
    lines.push(...watchNotes(status.codebases));
  }
  for (const folder of refused) {
    lines.push(
      '',
      `$(warning) **${escapeMarkdown(shortPath(folder.folder))}** was not indexed: it has more files than the limit. ` +
        `[$(eye) Preview what would be indexed](command:${PREVIEW_INDEX_COMMAND}?${encodeURIComponent(JSON.stringify([folder.folder]))}) — files, size, largest folders, exclusions.`,
    );
  }
  lines.push('', serverLine(status), '', ACTION_LINKS);
  return lines.join('\n');
}

const WATCH_LABELS: Record<WatchSummary['mode'], string> = {
  watching: 'watched',
  starting: 'catching up',
  polling: '$(warning) polling',
  off: 'off',
  none: 'not watched',
};

/** Why a codebase is polled or not watched, one line each: what the user may want to fix. */
function watchNotes(codebases: StatusSnapshot['codebases']): string[] {
  const notes: string[] = [];
  for (const codebase of codebases) {
    const watch = codebase.watch;
    const name = escapeMarkdown(shortPath(codebase.root));
    if (watch?.mode === 'polling') notes.push(`$(warning) ${name}: checked every ${seconds(watch.pollMs)} — ${escapeMarkdown(watch.reason ?? 'no change events')}.`);
    else if (watch?.mode === 'off') notes.push(`${name}: not watched — watching is off in the leader (\`baton.watch.enabled\` or BATON\_WATCH=0), so changes made outside an editor wait for a re-index.`);
  }
  return notes.length > 0 ? ['', ...notes] : [];
}

function seconds(milliseconds: number | undefined): string {
  const value = (milliseconds ?? 0) / 1000;
  return value < 1 ? `${milliseconds ?? 0} ms` : `${Math.round(value)} s`;
}

/** This window's server, and whether VS Code's own MCP client (chat, agent mode) is connected to it. */
function serverLine(status: StatusSnapshot): string {
  const server = status.pid ? `This window's server: pid ${status.pid}.` : '';
  const clients = status.httpClients ?? [];
  if (status.httpPort === undefined) return server;
  if (clients.length === 0) return `${server} VS Code's MCP client: not connected yet.`.trim();
  const calls = clients.reduce((sum, client) => sum + client.toolCalls, 0);
  const names = clients.map((client) => escapeMarkdown(`${client.name} ${client.version}`.trim())).join(', ');
  return `${server} VS Code's MCP client: connected (${names}; ${calls} tool call${calls === 1 ? '' : 's'}).`.trim();
}

/** A running server with something the user should know (file changes that did not reach the index). */
function withProblem(view: StatusBarView, problem: string | undefined): StatusBarView {
  if (!problem) return view;
  return {
    ...view,
    text: `${view.text} $(warning)`,
    tooltip: `$(warning) ${escapeMarkdown(problem)}\n\n${view.tooltip}`,
    background: 'statusBarItem.warningBackground',
  };
}

function shortPath(root: string): string {
  const parts = root.split(/[\\/]/).filter(Boolean);
  return parts.length <= 2 ? root : `…/${parts.slice(-2).join('/')}`;
}

/** `~` too: VS Code's Markdown (GFM) strikes text between single tildes, as in Windows short paths like PROGRA~1\NODEJS~1. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~]/g, (character) => `\\${character}`);
}
