import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
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
const figures: Record<string, number | string> = {};

const root = mkdtempSync(path.join(os.tmpdir(), 'baton-e2e-'));
const folderA = path.join(root, 'projA');
const folderB = path.join(root, 'projB');
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
  };
  for (const folder of Object.values(env)) mkdirSync(folder, { recursive: true });
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
      'chat.disableAIFeatures': true,
    },
  };
  log('packaging and installing the VSIX…');
  execFileSync('npm', ['run', 'package'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  CodeServer.installExtension(options, VSIX);
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
});

after(async () => {
  await browser?.close().catch(() => undefined);
  await codeServer?.stop();
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
  const { window: a, shownAt: aShown } = await Workbench.open(context, base, folderA, 'A');
  await a.waitForStatus(/Baton: Leader|Baton: Indexing/);
  await a.waitForStatus(/Baton: Leader/);
  figures.roleVisibleAfterWorkbenchMs = Date.now() - aShown;
  await a.screenshot(path.join(OUTPUT, '01-window-a-leader.png'));

  // Window B follows.
  const { window: b } = await Workbench.open(context, base, folderB, 'B');
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

  // Reopen A: it follows B now.
  const { window: again } = await Workbench.open(context, base, folderA, 'A2');
  await again.waitForStatus(/Baton: Follower/);
  await again.screenshot(path.join(OUTPUT, '06-window-a-reopened-follower.png'));
  assert.equal(batonServers().length, 2);
}

/** activate() durations and activation → first role, from each window's "Baton" log channel file. */
function extensionLogFigures(logs: string): Record<string, number[]> {
  const activateMs: number[] = [];
  const roleAfterActivationMs: number[] = [];
  if (!existsSync(logs)) return { activateMs, roleAfterActivationMs };
  const files = readdirSync(logs, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith(path.join('baton-dev.baton', 'Baton.log')));
  for (const file of files) {
    const lines = readFileSync(path.join(logs, file), 'utf8').split('\n');
    const time = (line: string): number => Date.parse(`${line.slice(0, 23).replace(' ', 'T')}Z`);
    const activated = lines.find((line) => line.includes('activated in'));
    const role = lines.find((line) => line.includes('role: starting →'));
    if (activated) activateMs.push(Number(/activated in ([\d.]+) ms/.exec(activated)?.[1]));
    if (activated && role) roleAfterActivationMs.push(time(role) - time(activated));
  }
  return { activateMs, roleAfterActivationMs };
}
