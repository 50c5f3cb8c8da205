/**
 * `npm run test:electron`: Baton in a real desktop VS Code, driven by
 * @vscode/test-electron. Downloads VS Code (cached under
 * node_modules/.cache/vscode-test), bundles suite.ts to CommonJS for the
 * extension host, and opens a fresh window (own user data, extensions and
 * BATON_HOME) on a temporary workspace with the extension under development.
 *
 * Environment:
 *   BATON_VSCODE_EXECUTABLE  a VS Code executable to use instead of downloading one
 *   BATON_VSCODE_VERSION     the version to download: "stable" (default), "insiders" or e.g. "1.105.0"
 *   BATON_KEEP_TEST_DIR=1    keep the temporary folder (workspace, user data, BATON_HOME) for inspection
 * Linux without a display: run it under `xvfb-run -a npm run test:electron`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { downloadAndUnzipVSCode, runTests, TestRunFailedError } from '@vscode/test-electron';
import { build } from 'esbuild';
import { writeTree } from '../helpers/fixture-repo.ts';
import { CLI, PROJECT_ROOT } from '../helpers/paths.ts';

const CACHE = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'vscode-test');

function say(line: string): void {
  process.stderr.write(`[test:electron] ${line}\n`);
}

/** The suite as one CommonJS file (the extension host require()s it); only `vscode` stays external. */
async function bundleSuite(outfile: string): Promise<void> {
  await build({
    entryPoints: [path.join(PROJECT_ROOT, 'test', 'extension', 'suite.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}

async function resolveVSCode(): Promise<string> {
  const local = process.env.BATON_VSCODE_EXECUTABLE?.trim();
  if (local) {
    if (!existsSync(local)) throw new Error(`BATON_VSCODE_EXECUTABLE=${local} does not exist`);
    return local;
  }
  const version = process.env.BATON_VSCODE_VERSION?.trim() || 'stable';
  try {
    return await downloadAndUnzipVSCode({ version, cachePath: CACHE, timeout: 30_000 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `could not download VS Code ${version} (${reason}). ` +
        'The in-editor tests need desktop VS Code: allow access to update.code.visualstudio.com ' +
        'or point BATON_VSCODE_EXECUTABLE at an installed VS Code (≥ 1.105).',
      { cause: error },
    );
  }
}

async function main(): Promise<number> {
  if (!existsSync(path.join(PROJECT_ROOT, 'dist', 'extension.js')) || !existsSync(CLI)) {
    say('dist/ is missing: build first (npm run build), or run "npm run test:electron", which does.');
    return 1;
  }
  const root = mkdtempSync(path.join(os.tmpdir(), 'baton-electron-'));
  const workspace = path.join(root, 'workspace');
  const userData = path.join(root, 'user-data');
  const home = path.join(root, 'baton-home');
  const suite = path.join(root, 'suite', 'suite.cjs');
  try {
    writeTree(workspace, {
      'src/greeting.ts': ['/** Composes the greeting shown on the start page. */', 'export function composeGreeting(name: string): string {', '  return `Hello, ${name}!`;', '}', ''].join('\n'),
      'README.md': '# Greeter\n\nA tiny project for Baton\'s in-editor tests.\n',
    });
    mkdirSync(path.join(userData, 'User'), { recursive: true });
    mkdirSync(home, { recursive: true });
    writeFileSync(
      path.join(userData, 'User', 'settings.json'),
      JSON.stringify(
        {
          // The suite indexes with "Baton: Reindex Workspace" itself.
          'baton.index.autoIndex': false,
          'security.workspace.trust.enabled': false,
          'workbench.startupEditor': 'none',
          'telemetry.telemetryLevel': 'off',
          'update.mode': 'none',
          'extensions.autoCheckUpdates': false,
          'extensions.autoUpdate': false,
        },
        null,
        2,
      ),
    );
    await bundleSuite(suite);

    const vscodeExecutablePath = await resolveVSCode();
    if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
      say('warning: no DISPLAY; desktop VS Code will not start. Run "xvfb-run -a npm run test:electron".');
    }
    say(`VS Code: ${vscodeExecutablePath}`);
    say(`workspace: ${workspace}`);
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: PROJECT_ROOT,
      extensionTestsPath: suite,
      extensionTestsEnv: {
        // The extension host passes its environment on to Baton's server: an isolated index.
        BATON_HOME: home,
        BATON_TEST_WORKSPACE: workspace,
        BATON_TEST_CLI: CLI,
        // The suite runs the CLI with this Node (which has node:sqlite), whatever the editor's runtime.
        BATON_TEST_NODE: process.execPath,
      },
      launchArgs: [workspace, '--disable-extensions', `--user-data-dir=${userData}`, `--extensions-dir=${path.join(root, 'extensions')}`, '--new-window'],
    });
    say('passed');
    return 0;
  } catch (error) {
    if (error instanceof TestRunFailedError) say(`failed: VS Code exited with ${error.code ?? error.signal ?? 'an error'} (the suite's output is above).`);
    else say(`failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    if (process.env.BATON_KEEP_TEST_DIR) say(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  }
}

process.exitCode = await main();
