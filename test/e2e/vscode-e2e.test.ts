import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { chromium, type BrowserContext } from 'playwright-core';
import { generatedTree } from '../helpers/index-snapshot.ts';
import { writeTree } from '../helpers/fixture-repo.ts';
import { PROJECT_ROOT } from '../helpers/paths.ts';
import { CodeServer } from './code-server.ts';
import { processesMatching, waitUntil } from './processes.ts';
import { CHROMIUM, ensureTools } from './tools.ts';
import { Workbench } from './workbench.ts';

/**
 * Baton in a real VS Code: the VSIX installed into code-server, two windows
 * (browser pages, each with its own extension host and Baton server) on two
 * folders, driven through the command palette in headless Chromium.
 */
const OUTPUT = path.join(PROJECT_ROOT, 'test-output', 'e2e');
const VSIX = path.join(PROJECT_ROOT, 'baton.vsix');
const PROBE_SOURCE = path.join(PROJECT_ROOT, 'test', 'e2e', 'mcp-probe');
const figures: Record<string, number | string | number[]> = {};

const root = mkdtempSync(path.join(os.tmpdir(), 'baton-e2e-'));
const folderA = path.join(root, 'projA');
const folderB = path.join(root, 'projB');
const probeLog = path.join(root, 'mcp-probe.jsonl');
/** invokeTool → result, per search through VS Code's MCP client. */
const mcpSearchMs: number[] = [];
let codeServer: CodeServer | undefined;
let browser: BrowserContext | undefined;

function log(line: string): void {
  process.stderr.write(`[e2e] ${line}\n`);
}

function batonServers(): number[] {
  return codeServer ? processesMatching(codeServer.extensionsDir, 'cli.js', 'mcp') : [];
}

before(async () => {
  rmSync(OUTPUT, { recursive: true, force: true });
  mkdirSync(OUTPUT, { recursive: true });
  const tools = ensureTools(log);
  writeTree(folderA, {
    'src/greeting.ts': 'export function composeGreeting(name: string): string {\n  return `Hello, ${name}!`;\n}\n',
    'README.md': '# Project A\n',
  });
  // Project B is big enough that indexing it takes a few seconds (progress is visible),
  // and it is indexed on demand (auto-index off in its workspace settings).
  writeTree(folderB, {
    ...generatedTree(5000),
    'src/invoice.ts': [
      'export interface Invoice { lines: { amount: number }[]; taxRate: number }',
      '',
      '/** Adds up an invoice, tax included. */',
      'export function calculateInvoiceTotal(invoice: Invoice): number {',
      '  const net = invoice.lines.reduce((sum, line) => sum + line.amount, 0);',
      '  return net * (1 + invoice.taxRate);',
      '}',
      '',
    ].join('\n'),
    '.vscode/settings.json': JSON.stringify({ 'baton.index.autoIndex': false }),
  });
  const env = {
    BATON_HOME: path.join(root, 'baton-home'),
    XDG_CONFIG_HOME: path.join(root, 'xdg-config'),
    XDG_DATA_HOME: path.join(root, 'xdg-data'),
    XDG_CACHE_HOME: path.join(root, 'xdg-cache'),
    TMPDIR: path.join(root, 'tmp'),
    BATON_E2E_PROBE_LOG: probeLog,
  };
  for (const [name, folder] of Object.entries(env)) if (name !== 'BATON_E2E_PROBE_LOG') mkdirSync(folder, { recursive: true });
  const options = {
    tools,
    root: path.join(root, 'code-server'),
    env,
    userSettings: {
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'telemetry.telemetryLevel': 'off',
      'security.workspace.trust.enabled': false,
      'extensions.autoCheckUpdates': false,
      'update.mode': 'none',
      // AI features stay on (the default): "MCP: List Servers" is hidden without them.
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    },
  };
  log('packaging and installing the VSIX…');
  execFileSync('npm', ['run', 'package'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  CodeServer.installExtension(options, VSIX);
  // A test-only extension that watches vscode.lm.tools and calls search_code through VS Code's MCP client.
  const probeVsix = path.join(root, 'mcp-probe.vsix');
  execFileSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--allow-missing-repository', '--skip-license', '--out', probeVsix], { cwd: PROBE_SOURCE, stdio: ['ignore', 'ignore', 'inherit'] });
  CodeServer.installExtension(options, probeVsix);
  codeServer = await CodeServer.start(options);
  browser = await chromium.launchPersistentContext(path.join(root, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // Each page stands for a desktop window: none may be throttled as a background tab.
      '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
    ],
  });
  // "Copy MCP Configuration" writes to the browser's clipboard; the test reads it back.
  await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: codeServer.url });
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await codeServer?.stop();
  const stoppedAt = Date.now();
  // Each server leaves when its window's extension host goes (its stdin closes); give them the
  // time an orderly shutdown may take (SHUTDOWN_DEADLINE_MS in stdio-main.ts is 5 s).
  await waitUntil(() => batonServers().length === 0, 'the Baton servers to exit after code-server', 6000).catch(() => undefined);
  figures.serversExitedAfterCodeServerStopMs = Date.now() - stoppedAt;
  figures.mcpSearchMs = mcpSearchMs;
  Object.assign(figures, extensionLogFigures(path.join(root, 'code-server', 'user-data', 'logs')));
  const leftovers = batonServers();
  for (const pid of leftovers) process.kill(pid, 'SIGKILL');
  if (!process.env.BATON_E2E_KEEP) rmSync(root, { recursive: true, force: true });
  else log(`kept ${root}`);
  writeFileSync(path.join(OUTPUT, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
  log(`figures: ${JSON.stringify(figures)}`);
  assert.deepEqual(leftovers, [], 'no Baton server outlives code-server');
});

test('two windows: leader and follower, reindex, search and go to symbol from the follower, failover on close, rejoin as follower', async () => {
  try {
    await scenario();
  } catch (error) {
    // Leave a picture of every open window for whoever reads the failure.
    for (const [index, page] of browser!.pages().entries()) await page.screenshot({ path: path.join(OUTPUT, `failure-window-${index}.png`) }).catch(() => undefined);
    throw error;
  }
});

async function scenario(): Promise<void> {
  const context = browser!;
  const base = codeServer!.url;

  // Window A opens first and leads.
  const { window: a, openedAt: aOpened, shownAt: aShown } = await Workbench.open(context, base, folderA, 'A');
  await a.waitForStatus(/Baton: Leader|Baton: Indexing/);
  await a.waitForStatus(/Baton: Leader/);
  figures.roleVisibleAfterWorkbenchMs = Date.now() - aShown;
  await a.screenshot(path.join(OUTPUT, '01-window-a-leader.png'));

  // VS Code's own MCP client in the leader window: Baton's tools appear in vscode.lm.tools without
  // anyone opening chat, and search_code through it answers from the shared index, served by this
  // window's own server.
  const aTools = await toolsVisible({ label: 'leader', folder: folderA, openedAt: aOpened, shownAt: aShown });
  const aServer = await searchThroughVsCodeMcp(a, { label: 'leader', tools: aTools, query: 'compose greeting', expected: 'src/greeting.ts:1' });

  // Window B follows.
  const { window: b, openedAt: bOpened, shownAt: bShown } = await Workbench.open(context, base, folderB, 'B');
  const bStatus = await b.waitForStatus(/Baton: Follower/);
  assert.match(bStatus, /Follower/);
  assert.match(await a.waitForStatus(/Baton: /), /Leader/, 'A still leads');
  await b.screenshot(path.join(OUTPUT, '02-window-b-follower.png'));
  assert.equal(batonServers().length, 2, 'one Baton server per window');

  // Reindex from the follower: the leader (A) indexes folder B, B's status bar shows the progress.
  await b.runCommand('Baton: Reindex Workspace');
  const progress = await b.waitForStatus(/Baton: Indexing \d+%/, 30_000);
  await b.screenshot(path.join(OUTPUT, '03-window-b-indexing.png'), false);
  log(`B shows ${progress}`);
  await b.waitForStatus(/Baton: Follower/, 120_000);
  await b.hoverStatus(/Baton: Follower/);
  await b.screenshot(path.join(OUTPUT, '03b-window-b-status-tooltip.png'));
  await b.showCommands('Baton:');
  await b.screenshot(path.join(OUTPUT, '03c-window-b-commands.png'));
  await b.pressEscape();

  // Search from the follower finds B's function and opens it.
  await b.runCommand('Baton: Search Code');
  const picked = await b.pickFromQuickInput('calculate invoice total', /src\/invoice\.ts:\d+/);
  assert.match(picked, /src\/invoice\.ts:1/, 'the whole small file is one chunk, from line 1');
  assert.match((await b.activeEditorTitle()).replace(/\s+/g, ""), /invoice\.ts/);
  await b.screenshot(path.join(OUTPUT, '04-window-b-search-opened.png'));

  // Go to Symbol in Index from the follower: camel humps find the definition, and it opens at its name (line 4).
  await b.runCommand('Baton: Go to Symbol in Index');
  const symbolRow = await b.pickFromQuickInput('calcInvTot', /calculateInvoiceTotal/);
  assert.match(symbolRow, /src\/invoice\.ts:4/);
  // The name (calculateInvoiceTotal, 21 characters from column 17) is selected; the cursor is at its end.
  assert.match(await b.cursorPosition(/Ln 4,/), /Ln 4, Col 38 \(21 selected\)/, 'the name is selected');
  await b.screenshot(path.join(OUTPUT, '04b-window-b-symbol-opened.png'));

  // The same through VS Code's MCP client in the follower window, and its own server answers.
  const bTools = await toolsVisible({ label: 'follower', folder: folderB, openedAt: bOpened, shownAt: bShown });
  const row = await b.showMcpServers('Baton', /^Baton, Running/);
  await b.screenshot(path.join(OUTPUT, '07-window-b-mcp-servers.png'));
  log(`MCP: List Servers shows "${row}"`);
  await b.pressEscape();
  const bServer = await searchThroughVsCodeMcp(b, { label: 'follower', tools: bTools, query: 'calculate invoice total', expected: 'src/invoice.ts:1' });
  assert.notEqual(bServer, aServer, 'each window has its own server');
  assert.deepEqual(batonServers().sort(), [aServer, bServer].sort(), "one Baton server per window: VS Code's MCP client started none of its own");

  // Close A: B takes over and says so.
  const serversBeforeClose = batonServers();
  const closedAt = Date.now();
  await a.close();
  const closeReturnedAt = Date.now();
  void waitUntil(() => batonServers().length < serversBeforeClose.length, 'a server to exit', 10_000).then(() => (figures.aServerExitedAfterCloseMs = Date.now() - closedAt));
  figures.pageCloseMs = closeReturnedAt - closedAt;
  await b.waitForStatus(/Baton: Leader/, 10_000);
  figures.statusBarLeaderAfterCloseMs = Date.now() - closedAt;
  const toast = await b.waitForNotification(/now maintains the index/);
  figures.failoverNotificationMs = Date.now() - closedAt;
  const leader = JSON.parse(readFileSync(path.join(root, 'baton-home', 'leader.json'), 'utf8')) as { startedAt: number };
  figures.serverTookOverAfterCloseMs = leader.startedAt - closedAt;
  assert.match(toast, /VS Code — projA/);
  await b.screenshot(path.join(OUTPUT, '05-window-b-took-over.png'));
  assert.ok(Number(figures.failoverNotificationMs) <= 2000, `notification after ${figures.failoverNotificationMs} ms (target 2 s)`);
  await waitUntil(() => batonServers().length === 1, "window A's Baton server to exit", 10_000);

  // B's server now leads; VS Code's MCP client in B still talks to it.
  const bAfter = await searchThroughVsCodeMcp(b, { label: 'follower-turned-leader', tools: bTools, query: 'invoice total tax', expected: 'src/invoice.ts:1' });
  assert.equal(bAfter, bServer, 'the same server process, now the leader');

  // Reopen A: it follows B now.
  const { window: again, openedAt: againOpened, shownAt: againShown } = await Workbench.open(context, base, folderA, 'A2');
  await again.waitForStatus(/Baton: Follower/);
  await toolsVisible({ label: 'reopened', folder: folderA, openedAt: againOpened, shownAt: againShown });
  await again.screenshot(path.join(OUTPUT, '06-window-a-reopened-follower.png'));
  assert.equal(batonServers().length, 2);

  await copiedConfigurationAnswers(again);
}

/**
 * "Baton: Copy MCP Configuration" as a user runs it; the command it copies (the launcher in
 * BATON_HOME, run by this editor's runtime) is started the way a client would, and it answers
 * from the shared index.
 */
async function copiedConfigurationAnswers(window: Workbench): Promise<void> {
  await window.runCommand('Baton: Copy MCP Configuration');
  await window.waitForNotification(/MCP configuration for Claude Code, Cursor and mcp.json copied/);
  const text = await window.clipboardText();
  const block = text.split('\n\n').find((section) => section.startsWith('## Cursor'));
  assert.ok(block, text);
  const copied = (JSON.parse(block.split('\n').slice(1).join('\n')) as { mcpServers: { baton: { command: string; args: string[]; env?: Record<string, string> } } }).mcpServers.baton;
  assert.deepEqual(copied.args, [path.join(root, 'baton-home', 'launcher', 'baton.cjs'), 'mcp'], 'the launcher, not a versioned extension folder');
  const transport = new StdioClientTransport({ command: copied.command, args: copied.args, env: { PATH: process.env.PATH ?? '', HOME: path.join(root, 'xdg-config'), ...copied.env }, stderr: 'pipe' });
  const client = new Client({ name: 'copied-configuration', version: '0.0.0' });
  const started = Date.now();
  await client.connect(transport);
  try {
    assert.equal((await client.listTools()).tools.length, 7);
    const status = (await client.callTool({ name: 'get_indexing_status', arguments: { path: folderB } })) as CallToolResult;
    assert.equal((status.structuredContent as { status: string }).status, 'indexed', 'the shared index');
    figures.copiedConfigurationToolsListMs = Date.now() - started;
  } finally {
    await client.close();
  }
}

interface ProbeEvent {
  readonly event: 'activated' | 'tools-visible' | 'tools-missing' | 'search' | 'search-failed';
  readonly at: number;
  readonly folder: string;
  readonly extHostPid: number;
  readonly tool?: string;
  readonly names?: string[];
  readonly hits?: string[];
  readonly ms?: number;
  readonly reason?: string;
}

function probeEvents(): ProbeEvent[] {
  if (!existsSync(probeLog)) return [];
  return readFileSync(probeLog, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as ProbeEvent);
}

/** Waits for the probe (in a window's extension host) to append a matching event; a failure event fails at once. */
async function probeEvent(matches: (event: ProbeEvent) => boolean, what: string, timeoutMs: number): Promise<ProbeEvent> {
  let found: ProbeEvent | undefined;
  await waitUntil(() => {
    const events = probeEvents().filter(matches);
    const failed = events.find((event) => event.event === 'tools-missing' || event.event === 'search-failed');
    if (failed) throw new Error(`probe: ${failed.event} ${failed.reason ?? JSON.stringify(failed.names)}`);
    found = events[0];
    return found !== undefined;
  }, what, timeoutMs);
  return found!;
}

/** The parent of a process (Linux /proc): a window's Baton server is a child of that window's extension host. */
function parentPid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

interface WindowOpened {
  readonly label: string;
  readonly folder: string;
  readonly openedAt: number;
  readonly shownAt: number;
}

const BATON_TOOLS = [
  'mcp_baton_clear_index', 'mcp_baton_find_references', 'mcp_baton_find_symbol', 'mcp_baton_get_file_outline', 'mcp_baton_get_indexing_status',
  'mcp_baton_index_codebase', 'mcp_baton_search_code',
];

/** Window open → Baton's tools in vscode.lm.tools, as the probe in that window saw it. */
async function toolsVisible(step: WindowOpened): Promise<ProbeEvent> {
  const visible = await probeEvent(
    (event) => (event.event === 'tools-visible' || event.event === 'tools-missing') && event.folder === path.basename(step.folder) && event.at >= step.openedAt,
    `Baton's tools in vscode.lm.tools (${step.label} window)`,
    60_000,
  );
  assert.deepEqual(visible.names?.filter((name) => name.startsWith('mcp_baton')), BATON_TOOLS, 'clean tool names from the server title "Baton"');
  figures[`mcpToolsVisibleAfterWindowOpenMs.${step.label}`] = visible.at - step.openedAt;
  figures[`mcpToolsVisibleAfterWorkbenchMs.${step.label}`] = visible.at - step.shownAt;
  return visible;
}

/**
 * search_code through VS Code's MCP client (the probe's command, in the window whose tools
 * `step.tools` saw, calls vscode.lm.invokeTool),
 * then "Baton: Show Status" in the same window: the server that answers names its pid and
 * counts VS Code's client's tool calls, and that pid is the child of this window's extension
 * host. Returns the pid.
 */
async function searchThroughVsCodeMcp(window: Workbench, step: { label: string; tools: ProbeEvent; query: string; expected: string }): Promise<number> {
  const visible = step.tools;
  const base = visible.folder;
  const asked = Date.now();
  await window.runCommand("MCP Probe: Invoke search_code through VS Code's MCP Client");
  await window.answerInputBox(step.query);
  const search = await probeEvent((event) => (event.event === 'search' || event.event === 'search-failed') && event.folder === base && event.at >= asked, `search_code through VS Code (${step.label})`, 30_000);
  await window.waitForNotification(/Baton probe: \d+ results via mcp_baton_search_code/);
  assert.equal(search.tool, 'mcp_baton_search_code');
  assert.ok(search.hits?.some((hit) => hit.startsWith(step.expected)), `${step.expected} in ${JSON.stringify(search.hits)}`);
  mcpSearchMs.push(search.ms ?? -1);

  await window.runCommand('Baton: Show Status');
  const text = await window.activeEditorText(/VS Code's MCP client: connected/);
  const pid = Number(/This window's server: pid (\d+)\./.exec(text)?.[1]);
  const calls = Number(/; (\d+) tool calls?\)/.exec(text)?.[1]);
  assert.ok(pid > 0 && calls >= 1, text);
  assert.equal(parentPid(pid), visible.extHostPid, `the server VS Code's MCP client called is the ${step.label} window's own (a child of its extension host)`);
  assert.ok(batonServers().includes(pid), 'one of the windows\' servers');
  await window.screenshot(path.join(OUTPUT, `08-${step.label}-status-after-mcp-search.png`));
  log(`${step.label}: search_code via VS Code's MCP client → ${search.hits?.[0]} (${search.ms} ms), answered by pid ${pid} (${calls} tool calls)`);
  return pid;
}

/** activate() durations and activation → first role, from each window's "Baton" log channel file. */
function extensionLogFigures(logs: string): Record<string, number[]> {
  const activateMs: number[] = [];
  const roleAfterActivationMs: number[] = [];
  const mcpStartAttempts: number[] = [];
  const mcpStartAfterServerUpMs: number[] = [];
  if (!existsSync(logs)) return { activateMs, roleAfterActivationMs, mcpStartAttempts, mcpStartAfterServerUpMs };
  const files = readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith(path.join('baton-dev.baton', 'Baton.log')));
  for (const file of files) {
    const lines = readFileSync(path.join(logs, file), 'utf8').split('\n');
    const time = (line: string): number => Date.parse(`${line.slice(0, 23).replace(' ', 'T')}Z`);
    const activated = lines.find((line) => line.includes('activated in'));
    const role = lines.find((line) => line.includes('role: starting →'));
    if (activated) activateMs.push(Number(/activated in ([\d.]+) ms/.exec(activated)?.[1]));
    if (activated && role) roleAfterActivationMs.push(time(role) - time(activated));
    // The extension's eager start of its definition in VS Code's MCP client (mcp-autostart.ts).
    const started = lines.map((line) => /VS Code's MCP client started .* \(attempt (\d+), (\d+) ms\)/.exec(line)).find(Boolean);
    if (started) {
      mcpStartAttempts.push(Number(started[1]));
      mcpStartAfterServerUpMs.push(Number(started[2]));
    }
  }
  return { activateMs, roleAfterActivationMs, mcpStartAttempts, mcpStartAfterServerUpMs };
}
