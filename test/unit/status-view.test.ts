import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatusSnapshot } from '../../src/protocol/status.ts';
import { PREVIEW_INDEX_COMMAND, renderStatusBar, SHOW_ACTIONS_COMMAND } from '../../src/extension/status-view.ts';

type Codebase = StatusSnapshot['codebases'][number];

function codebase(root: string, overrides: Partial<Codebase> = {}): Codebase {
  return { root, status: 'indexed', percent: 100, fileCount: 1234, chunkCount: 56_789, indexedAt: 1_700_000_000_000, message: '', ...overrides };
}

const LEADER_RECORD = { pid: 4242, epoch: 7, label: 'VS Code — api', host: 'devbox', since: 1_700_000_000_000, alive: true };

function snapshot(overrides: Partial<StatusSnapshot> = {}): StatusSnapshot {
  return { role: 'leader', pid: 4242, leader: LEADER_RECORD, codebases: [codebase('/home/me/src/api')], ...overrides };
}

const COMMAND_LINKS = ['command:baton.reindexWorkspace', 'command:baton.searchCode', 'command:baton.showLog', 'command:baton.restartServer'];

/** Table rows of a tooltip, split at the pipes Markdown sees (an escaped \| stays inside its cell). */
function tableRows(tooltip: string): string[][] {
  return tooltip
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim()));
}

test('starting: a spinner and no attention colour', () => {
  const view = renderStatusBar({ kind: 'starting' });
  assert.equal(view.text, '$(loading~spin) Baton');
  assert.match(view.tooltip, /starting/);
  assert.equal(view.background, undefined);
  assert.equal(view.command, SHOW_ACTIONS_COMMAND);
});

test('running as leader: role, epoch, a table of codebases with counts, and command links', () => {
  const view = renderStatusBar({
    kind: 'running',
    status: snapshot({ codebases: [codebase('/home/me/src/api'), codebase('/srv/web', { fileCount: 12, chunkCount: 3400 })] }),
  });
  assert.equal(view.text, '$(server-process) Baton: Leader');
  assert.equal(view.background, undefined);
  assert.equal(view.command, SHOW_ACTIONS_COMMAND);
  assert.match(view.tooltip, /this window is the \*\*leader\*\* \(epoch 7\)/);
  assert.match(view.tooltip, /This window maintains the shared index\./);
  assert.deepEqual(tableRows(view.tooltip), [
    ['Codebase', 'Status', 'Files', 'Chunks'],
    [':--', ':--', '--:', '--:'],
    ['…/src/api', 'indexed', '1,234', '56,789'],
    ['/srv/web', 'indexed', '12', '3,400'],
  ]);
  for (const link of COMMAND_LINKS) assert.ok(view.tooltip.includes(`](${link})`), link);
});

test('running as follower: names the leader window and its pid', () => {
  const view = renderStatusBar({ kind: 'running', status: snapshot({ role: 'follower', pid: 999 }) });
  assert.equal(view.text, '$(plug) Baton: Follower');
  assert.match(view.tooltip, /this window is the \*\*follower\*\* \(epoch 7\)/);
  assert.ok(view.tooltip.includes('The index is maintained by *VS Code — api* (pid 4242).'));
  assert.equal(view.background, undefined);
});

test('a follower without a known leader says so, without an epoch', () => {
  const view = renderStatusBar({ kind: 'running', status: snapshot({ role: 'follower', leader: null }) });
  assert.ok(view.tooltip.includes('No leader yet.'));
  assert.doesNotMatch(view.tooltip, /epoch/);
});

test('a server still electing shows a spinner and the starting role', () => {
  const view = renderStatusBar({ kind: 'running', status: snapshot({ role: 'starting', leader: null, codebases: [] }) });
  assert.equal(view.text, '$(loading~spin) Baton');
  assert.match(view.tooltip, /\*\*starting\*\*/);
  assert.ok(view.tooltip.includes('No codebases indexed yet.'));
  assert.equal(tableRows(view.tooltip).length, 0);
});

test('indexing shows the average percent over the codebases being indexed, floored', () => {
  const view = renderStatusBar({
    kind: 'running',
    status: snapshot({
      codebases: [
        codebase('/a/one', { status: 'indexing', percent: 30 }),
        codebase('/a/two', { status: 'indexed', percent: 100 }),
        codebase('/a/three', { status: 'indexing', percent: 61 }),
        codebase('/a/four', { status: 'failed', percent: 0 }),
      ],
    }),
  });
  assert.equal(view.text, '$(sync~spin) Baton: Indexing 45%'); // (30 + 61) / 2 = 45.5
  assert.deepEqual(
    tableRows(view.tooltip).slice(2).map((row) => row[1]),
    ['indexing 30%', 'indexed', 'indexing 61%', 'failed'],
  );
});

test('indexing wins over the role in the text, for followers too', () => {
  const view = renderStatusBar({ kind: 'running', status: snapshot({ role: 'follower', codebases: [codebase('/x', { status: 'indexing', percent: 99.9 })] }) });
  assert.equal(view.text, '$(sync~spin) Baton: Indexing 99%');
});

test('error: error background, the message escaped, log and restart links', () => {
  const view = renderStatusBar({ kind: 'error', message: 'needs Node 22.13 (node:sqlite); run *with* [nodePath] #1 `x` <b>|' });
  assert.equal(view.text, '$(error) Baton: Error');
  assert.equal(view.background, 'statusBarItem.errorBackground');
  assert.equal(view.command, SHOW_ACTIONS_COMMAND);
  assert.ok(view.tooltip.includes('needs Node 22.13 \\(node:sqlite\\); run \\*with\\* \\[nodePath\\] \\#1 \\`x\\` \\<b\\>\\|'), view.tooltip);
  assert.ok(view.tooltip.includes('(command:baton.showLog)'));
  assert.ok(view.tooltip.includes('(command:baton.restartServer)'));
});

test('stopped: warning background and a start link', () => {
  const view = renderStatusBar({ kind: 'stopped' });
  assert.equal(view.text, '$(circle-slash) Baton: Stopped');
  assert.equal(view.background, 'statusBarItem.warningBackground');
  assert.match(view.tooltip, /stopped/);
  assert.ok(view.tooltip.includes('[$(debug-start) Start](command:baton.restartServer)'));
  assert.equal(view.command, SHOW_ACTIONS_COMMAND);
});

test('Markdown in a leader label cannot inject links, emphasis or icons', () => {
  const label = 'VS Code — my_proj* [evil](command:workbench.action.quit) $(alert)';
  const view = renderStatusBar({ kind: 'running', status: snapshot({ role: 'follower', leader: { ...LEADER_RECORD, label } }) });
  assert.ok(view.tooltip.includes('*VS Code — my\\_proj\\* \\[evil\\]\\(command:workbench.action.quit\\) $\\(alert\\)*'), view.tooltip);
  assert.ok(!view.tooltip.includes('](command:workbench'), 'no live link to a foreign command');
});

test('paths with pipes and Markdown characters stay inside their table cell', () => {
  const view = renderStatusBar({ kind: 'running', status: snapshot({ codebases: [codebase('/home/me/work/a|b [old]_*x*')] }) });
  const rows = tableRows(view.tooltip);
  assert.equal(rows[2]?.length, 4, 'still four cells');
  assert.equal(rows[2]?.[0], '…/work/a\\|b \\[old\\]\\_\\*x\\*');
});

test('tildes in paths (Windows short names) do not strike text through', () => {
  const view = renderStatusBar({ kind: 'running', status: snapshot({ codebases: [codebase('C:\\Users\\JOHNSM~1\\PROJEC~1')] }) });
  assert.equal(tableRows(view.tooltip)[2]?.[0], '…/JOHNSM\\~1/PROJEC\\~1');
  const error = renderStatusBar({ kind: 'error', message: 'cannot open C:\\PROGRA~1\\nodejs~2\\node.exe' });
  assert.ok(error.tooltip.includes('PROGRA\\~1') && error.tooltip.includes('nodejs\\~2'), error.tooltip);
});

test('short roots are shown whole; long ones by their last two folders, on either separator', () => {
  const roots = ['/srv', '/srv/web', 'C:\\Users\\me\\code\\api', '/home/me/projects/deep/app'];
  const view = renderStatusBar({ kind: 'running', status: snapshot({ codebases: roots.map((root) => codebase(root)) }) });
  assert.deepEqual(
    tableRows(view.tooltip).slice(2).map((row) => row[0]),
    ['/srv', '/srv/web', '…/code/api', '…/deep/app'],
  );
});

test('the tooltip shows how each codebase is kept fresh, with the reason when it is polled', () => {
  const view = renderStatusBar({
    kind: 'running',
    status: snapshot({
      codebases: [
        codebase('/home/me/src/api', { watch: { mode: 'watching' } }),
        codebase('/mnt/nfs/web', { watch: { mode: 'polling', pollMs: 30_000, reason: 'it is on a NFS file system, where changes made on other machines send no events' } }),
        codebase('/srv/tools', { watch: { mode: 'off' } }),
      ],
    }),
  });
  const rows = tableRows(view.tooltip);
  assert.deepEqual(rows[0], ['Codebase', 'Status', 'Files', 'Chunks', 'Watch']);
  assert.deepEqual(
    rows.slice(2).map((row) => row[4]),
    ['watched', '$(warning) polling', 'off'],
  );
  assert.match(view.tooltip, /nfs\/web: checked every 30 s — it is on a NFS file system/);
  assert.match(view.tooltip, /tools: not watched — watching is off in the leader/);
});

test('servers that send no watch state get the table without a Watch column', () => {
  const view = renderStatusBar({ kind: 'running', status: snapshot() });
  assert.deepEqual(tableRows(view.tooltip)[0], ['Codebase', 'Status', 'Files', 'Chunks']);
  assert.doesNotMatch(view.tooltip, /polling|not watched/);
});

test("the tooltip names this window's server and whether VS Code's MCP client is connected to it", () => {
  const waiting = renderStatusBar({ kind: 'running', status: snapshot({ pid: 5151, httpPort: 40_000 }) });
  assert.ok(waiting.tooltip.includes("This window's server: pid 5151. VS Code's MCP client: not connected yet."), waiting.tooltip);
  const connected = renderStatusBar({
    kind: 'running',
    status: snapshot({ pid: 5151, httpPort: 40_000, httpClients: [{ name: 'Visual Studio Code', version: '1.139.1', since: 1, toolCalls: 2 }] }),
  });
  assert.ok(connected.tooltip.includes("VS Code's MCP client: connected (Visual Studio Code 1.139.1; 2 tool calls)."), connected.tooltip);
  const noHttp = renderStatusBar({ kind: 'running', status: snapshot({ pid: 5151 }) });
  assert.doesNotMatch(noHttp.tooltip, /MCP client/, 'no HTTP endpoint, nothing to connect to');
});

test('a folder refused for its size gets a warning colour and a link to a dry run of that folder', () => {
  const folder = '/home/me/monorepo';
  const view = renderStatusBar({ kind: 'running', status: snapshot(), refused: [{ folder, message: `${folder} has 61,000 files to index, over the limit of 50,000.` }] });
  assert.equal(view.background, 'statusBarItem.warningBackground');
  const link = `(command:${PREVIEW_INDEX_COMMAND}?${encodeURIComponent(JSON.stringify([folder]))})`;
  assert.ok(view.tooltip.includes(`[$(eye) Preview what would be indexed]${link}`), view.tooltip);
  assert.match(view.tooltip, /\*\*…\/me\/monorepo\*\* was not indexed: it has more files than the limit/);
});

test('file changes that did not reach the index show as a warning with what to do', () => {
  const view = renderStatusBar({ kind: 'running', status: snapshot({ role: 'follower' }), problem: '12 changed files did not reach the index (timeout). Reindex the workspace to catch up.' });
  assert.equal(view.background, 'statusBarItem.warningBackground');
  assert.match(view.text, /\$\(warning\)$/);
  assert.match(view.tooltip, /^\$\(warning\) 12 changed files did not reach the index \\\(timeout\\\)\. Reindex/);
  const healthy = renderStatusBar({ kind: 'running', status: snapshot({ role: 'follower' }) });
  assert.equal(healthy.background, undefined);
});
