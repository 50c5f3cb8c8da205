/**
 * The in-editor suite: loaded by VS Code's extension host (bundled to
 * CommonJS by run.ts) in a window on the temporary workspace run.ts made.
 * It drives Baton only through what a user has (its commands, the editor
 * state they leave) and checks the index with the real CLI on the same
 * BATON_HOME. run() resolving is a pass; rejecting fails the run.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'baton-dev.baton';
const STEP_TIMEOUT_MS = 90_000;

/** Set by run.ts through extensionTestsEnv. */
interface SuiteEnv {
  readonly home: string;
  readonly workspace: string;
  readonly cli: string;
  readonly node: string;
}

function suiteEnv(): SuiteEnv {
  const read = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run this suite through "npm run test:electron"`);
    return value;
  };
  return { home: read('BATON_HOME'), workspace: read('BATON_TEST_WORKSPACE'), cli: read('BATON_TEST_CLI'), node: read('BATON_TEST_NODE') };
}

function log(message: string): void {
  console.log(`[baton-suite] ${message}`);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value (not undefined), or fails with `what` and the last probe error. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = STEP_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${detail}`);
    }
    await sleep(500);
  }
}

function withTimeout<T>(promise: Thenable<T>, what: string, timeoutMs = STEP_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s: ${what}`)), timeoutMs);
  });
  return Promise.race([Promise.resolve(promise), timeout]).finally(() => clearTimeout(timer));
}

/** Runs `baton <args> --json` from the bundle the extension ships, on the suite's BATON_HOME. */
function cliJson<T>(env: SuiteEnv, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    execFile(
      env.node,
      [env.cli, ...args, '--json'],
      { env: { ...process.env, BATON_HOME: env.home }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`baton ${args.join(' ')}: ${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as T);
      },
    );
  });
}

/**
 * Runs "Baton: Show Status" and returns the Markdown document it opens, or
 * undefined when the command did not open one (the server is not running yet:
 * the command then shows an error notification instead of throwing).
 */
async function statusDocument(): Promise<string | undefined> {
  const before = vscode.window.activeTextEditor?.document;
  await vscode.commands.executeCommand('baton.showStatus');
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document === before || !document.isUntitled) return undefined;
  const text = document.getText();
  await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  return text.startsWith('# Baton status') ? text : undefined;
}

/**
 * Starts a command that shows a quick pick or input box and waits for the
 * user, closes that quick input as a user pressing Escape would, and returns
 * once the command has finished.
 */
async function runAndDismiss(command: string): Promise<void> {
  let finished = false;
  const running = Promise.resolve(vscode.commands.executeCommand(command)).finally(() => (finished = true));
  // The quick input opens some time after the command starts and no API says when: close it (a
  // no-op while none is open) until the command ends, which is the event that matters.
  const deadline = Date.now() + 15_000;
  while (!finished) {
    if (Date.now() > deadline) throw new Error(`${command} did not finish within 15 s of its quick input being closed`);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await Promise.race([running.catch(() => undefined), sleep(100)]);
  }
  await running;
}

interface LeaderStatus {
  readonly leader: { pid: number; label: string; alive: boolean } | null;
}

interface FolderStatus {
  readonly status: string;
  readonly fileCount?: number;
}

export async function run(): Promise<void> {
  const env = suiteEnv();
  const steps: [string, () => Promise<void>][] = [];
  const step = (name: string, body: () => Promise<void>): void => void steps.push([name, body]);
  let extension: vscode.Extension<unknown> | undefined;
  let firstLeaderPid = 0;

  step('the extension is installed and activates', async () => {
    extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is loaded from the development path`);
    await withTimeout(extension.activate(), 'activation');
    assert.equal(extension.isActive, true);
  });

  step('every contributed command is registered', async () => {
    const contributed = (extension!.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((entry) => entry.command);
    assert.ok(contributed.length >= 10, `package.json contributes ${contributed.length} commands`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], 'contributed commands without a registration');
  });

  step('the server starts: Show Status opens the status document, and the CLI sees this window as leader', async () => {
    // The document opens once the server runs; its role line names the leader once the election is done.
    const text = await eventually('Baton: Show Status to open its document with this window as leader', async () => {
      const current = await statusDocument();
      return current && /this window is the \*\*leader\*\*/.test(current) ? current : undefined;
    });
    assert.match(text, /This window maintains the shared index/);
    const status = await eventually('a live leader in BATON_HOME', async () => {
      const snapshot = await cliJson<LeaderStatus>(env, ['status']);
      return snapshot.leader?.alive ? snapshot : undefined;
    });
    assert.match(status.leader!.label, /^VS Code — /, 'the leader is this window\'s server');
    firstLeaderPid = status.leader!.pid;
  });

  step('before Reindex Workspace the folder is not indexed (run.ts turns auto-index off)', async () => {
    const status = await cliJson<FolderStatus>(env, ['status', env.workspace]);
    assert.equal(status.status, 'not_found');
  });

  step('Reindex Workspace indexes the folder, and search finds the function', async () => {
    await withTimeout(vscode.commands.executeCommand('baton.reindexWorkspace'), 'baton.reindexWorkspace');
    const status = await eventually('the workspace to be indexed', async () => {
      const current = await cliJson<FolderStatus>(env, ['status', env.workspace]);
      assert.notEqual(current.status, 'failed', JSON.stringify(current));
      return current.status === 'indexed' ? current : undefined;
    });
    assert.equal(status.fileCount, 2, 'src/greeting.ts and README.md');
    const results = await cliJson<{ file: string; content: string }[]>(env, ['search', env.workspace, 'compose a greeting']);
    assert.equal(results[0]?.file, 'src/greeting.ts');
    assert.match(results[0]!.content, /composeGreeting/);
  });

  step('Show Status lists the indexed folder', async () => {
    const text = await eventually('the status document to show the folder indexed', async () => {
      const current = await statusDocument();
      return current && /\| indexed \|/.test(current) ? current : undefined;
    });
    assert.match(text, new RegExp(`${path.basename(env.workspace)} \\| indexed \\| 2 \\|`));
  });

  step('Rebuild Index, Show Log and Copy MCP Configuration run', async () => {
    await withTimeout(vscode.commands.executeCommand('baton.rebuildIndex'), 'baton.rebuildIndex');
    await eventually('the rebuilt index', async () => ((await cliJson<FolderStatus>(env, ['status', env.workspace])).status === 'indexed' ? true : undefined));
    await withTimeout(vscode.commands.executeCommand('baton.showLog'), 'baton.showLog');
    await vscode.env.clipboard.writeText('');
    await withTimeout(vscode.commands.executeCommand('baton.copyMcpConfiguration'), 'baton.copyMcpConfiguration');
    const copied = await vscode.env.clipboard.readText();
    assert.match(copied, /"mcpServers"/, 'the Cursor-style configuration');
    assert.match(copied, /claude mcp add baton/);
    assert.ok(copied.includes(path.join('dist', 'cli.js')), 'it points at the bundled server');
  });

  step('Search Code, Show Actions and Set Embedding API Key open their quick input and close cleanly', async () => {
    for (const command of ['baton.searchCode', 'baton.showActions', 'baton.setEmbeddingApiKey']) await runAndDismiss(command);
  });

  step('Restart Server brings up a new server that leads again', async () => {
    await withTimeout(vscode.commands.executeCommand('baton.restartServer'), 'baton.restartServer');
    const status = await eventually('a new live leader after the restart', async () => {
      const snapshot = await cliJson<LeaderStatus>(env, ['status']);
      return snapshot.leader?.alive && snapshot.leader.pid !== firstLeaderPid ? snapshot : undefined;
    });
    assert.match(status.leader!.label, /^VS Code — /);
    await eventually('Show Status after the restart', statusDocument);
  });

  step('VS Code\'s MCP API: Baton declares its server definition provider', async () => {
    const lm = (vscode as { lm?: Partial<typeof vscode.lm> }).lm;
    if (typeof lm?.registerMcpServerDefinitionProvider !== 'function') {
      log('skipped: this VS Code has no vscode.lm.registerMcpServerDefinitionProvider');
      return;
    }
    const providers = (extension!.packageJSON as { contributes: { mcpServerDefinitionProviders?: { id: string }[] } }).contributes.mcpServerDefinitionProviders ?? [];
    assert.ok(
      providers.some((provider) => provider.id === 'baton'),
      'contributes.mcpServerDefinitionProviders has "baton" (the extension registers it on activation)',
    );
    // VS Code starts MCP servers on demand (chat), so their tools may not be listed yet: informational only.
    const batonTools = (lm.tools ?? []).filter((tool) => /search_code|index_codebase/.test(tool.name)).map((tool) => tool.name);
    log(`language-model tools from Baton's MCP server so far: ${batonTools.length > 0 ? batonTools.join(', ') : 'none (not started by chat yet)'}`);
  });

  let passed = 0;
  for (const [name, body] of steps) {
    const started = Date.now();
    try {
      await body();
    } catch (error) {
      log(`✗ ${name}`);
      throw new Error(`Baton in-editor suite: "${name}" failed after ${passed} passed: ${(error as Error).message}`, { cause: error });
    }
    passed++;
    log(`✓ ${name} (${Date.now() - started} ms)`);
  }
  log(`all ${passed} steps passed`);
}
