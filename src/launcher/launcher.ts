/**
 * The launcher that MCP configurations copied from VS Code run
 * (`<runtime> BATON_HOME/launcher/baton.cjs mcp`). It lives at a place no
 * update deletes, finds the newest installed Baton (extension folders of
 * every editor, the npm package) and runs its CLI with a suitable Node —
 * in this very process when the runtime that runs the launcher will do
 * (VS Code's own runtime with ELECTRON_RUN_AS_NODE=1, or a Node ≥ 22.13),
 * otherwise as a child on the recorded baton.server.nodePath or the `node`
 * on PATH. When it finds nothing it says on stderr what to do and exits 78.
 *
 * Bundled for old runtimes too (esbuild target es2017), so that an old Node
 * gets the sentence rather than a syntax error.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { findInstallations, nodeOnPath, searchPlaces, CLI_PACKAGE, type Installation } from './installations.ts';
import { describeThisRuntime, probeNode, thisRuntimeSuits } from './runtime.ts';

const EXIT_UNSUITABLE_RUNTIME = 78;

function fail(message: string): never {
  process.stderr.write(`baton launcher: ${message}\n`);
  process.exit(EXIT_UNSUITABLE_RUNTIME);
}

function main(): void {
  const home = process.env.BATON_HOME?.trim() ? path.resolve(process.env.BATON_HOME) : path.join(os.homedir(), '.baton');
  const places = searchPlaces(home, process.env, process.execPath);
  const [newest] = findInstallations(places);
  if (!newest) {
    const looked = [...places.extensionsDirs.map((entry) => entry.dir), ...places.npmRoots].join(', ');
    fail(
      `no installed Baton found (looked in ${looked}). Install the Baton extension in VS Code or Cursor and open a window once, ` +
        `or install the command line package ("npm install -g ${CLI_PACKAGE}"), or configure your MCP client with "npx -y ${CLI_PACKAGE} mcp" instead.`,
    );
  }
  if (process.env.BATON_DEBUG) process.stderr.write(`baton launcher: running Baton ${newest.versionText} (${newest.kind}) from ${newest.cli}\n`);
  if (thisRuntimeSuits()) {
    // The CLI reads process.argv.slice(2): the launcher's own arguments, unchanged.
    require(newest.cli);
    return;
  }
  runWithAnotherNode(newest);
}

function runWithAnotherNode(installation: Installation): void {
  const tried: string[] = [];
  const candidates = [installation.nodePath, nodeOnPath(process.env)].filter((candidate): candidate is string => typeof candidate === 'string' && candidate !== '');
  for (const command of candidates) {
    const probed = probeNode(command, process.env);
    tried.push(`${command} (${probed ? `Node ${probed.version}` : 'could not run'})`);
    if (!probed?.suits) continue;
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    const child = spawn(command, [installation.cli, ...process.argv.slice(2)], { stdio: 'inherit', env, windowsHide: true });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    child.on('error', (error) => fail(`could not start ${command}: ${error.message}`));
    return;
  }
  fail(
    `found Baton ${installation.versionText} at ${installation.cli}, but no runtime that can run it: it needs Node 22.13 or newer with its built-in SQLite (node:sqlite). ` +
      `This is ${describeThisRuntime()}${tried.length > 0 ? `; also tried ${tried.join(', ')}` : '; no node on PATH'}. ` +
      'Install a current Node (https://nodejs.org) and put it on PATH, or set baton.server.nodePath in VS Code and open a window once.',
  );
}

main();
