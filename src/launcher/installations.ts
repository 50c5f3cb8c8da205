import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSourceRecords } from './records.ts';
import { compareVersions, parseVersion, type Version } from './versions.ts';

/** The extension's id and the CLI package's name: what the launcher looks for. */
export const EXTENSION_PREFIX = 'baton-dev.baton-';
export const CLI_PACKAGE = '@baton-dev/baton';

/** One installed Baton the launcher could start. */
export interface Installation {
  readonly version: Version;
  readonly versionText: string;
  /** Its bundled server and CLI. */
  readonly cli: string;
  readonly kind: 'extension' | 'npm';
  /** The baton.server.nodePath recorded by the editor that installed it. */
  readonly nodePath?: string;
}

export interface SearchPlaces {
  /** Extensions folders, with the nodePath their editor recorded (if any). */
  readonly extensionsDirs: readonly { readonly dir: string; readonly nodePath?: string }[];
  /** Global node_modules folders where the npm package may be installed. */
  readonly npmRoots: readonly string[];
}

/**
 * Where to look: the extensions folders the extension recorded in
 * BATON_HOME (any editor, any --extensions-dir), the usual extensions folders
 * of VS Code, VS Code Insiders, VSCodium, Cursor, Windsurf, VS Code Server
 * and code-server, and the global node_modules of the npm prefixes in sight.
 */
export function searchPlaces(home: string, env: NodeJS.ProcessEnv, execPath: string): SearchPlaces {
  const user = os.homedir();
  const dataHome = env.XDG_DATA_HOME?.trim() || path.join(user, '.local', 'share');
  const recorded = readSourceRecords(home).map((record) => ({ dir: record.extensionsDir, ...(record.nodePath ? { nodePath: record.nodePath } : {}) }));
  const wellKnown = [
    env.VSCODE_EXTENSIONS,
    path.join(user, '.vscode', 'extensions'),
    path.join(user, '.vscode-insiders', 'extensions'),
    path.join(user, '.vscode-oss', 'extensions'),
    path.join(user, '.cursor', 'extensions'),
    path.join(user, '.windsurf', 'extensions'),
    path.join(user, '.vscode-server', 'extensions'),
    path.join(user, '.vscode-server-insiders', 'extensions'),
    path.join(dataHome, 'code-server', 'extensions'),
  ]
    .filter((dir): dir is string => typeof dir === 'string' && dir.trim() !== '')
    .map((dir) => ({ dir }));
  const seen = new Set<string>();
  const extensionsDirs = [...recorded, ...wellKnown].filter((entry) => {
    const key = path.resolve(entry.dir);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { extensionsDirs, npmRoots: npmGlobalRoots(env, execPath) };
}

/** Global node_modules folders: of the configured npm prefix, of this runtime and of the `node` on PATH. */
function npmGlobalRoots(env: NodeJS.ProcessEnv, execPath: string): string[] {
  const prefixes: string[] = [];
  const configured = env.npm_config_prefix ?? env.NPM_CONFIG_PREFIX;
  if (configured) prefixes.push(configured);
  for (const node of [execPath, nodeOnPath(env)]) {
    if (!node || !/^node(\.exe)?$/i.test(path.basename(node))) continue; // an editor's own binary has no npm prefix
    prefixes.push(process.platform === 'win32' ? path.dirname(node) : path.dirname(path.dirname(node)));
  }
  const roots = prefixes.map((prefix) => (process.platform === 'win32' ? path.join(prefix, 'node_modules') : path.join(prefix, 'lib', 'node_modules')));
  return [...new Set(roots)];
}

export function nodeOnPath(env: NodeJS.ProcessEnv): string | undefined {
  const names = process.platform === 'win32' ? ['node.exe'] : ['node'];
  for (const folder of (env.PATH ?? env.Path ?? '').split(path.delimiter)) {
    if (!folder) continue;
    for (const name of names) {
      const candidate = path.join(folder, name);
      if (existsSync(candidate)) {
        try {
          return realpathSync(candidate);
        } catch {
          return candidate;
        }
      }
    }
  }
  return undefined;
}

/** Every Baton found in those places, newest first. */
export function findInstallations(places: SearchPlaces): Installation[] {
  const found: Installation[] = [];
  for (const { dir, nodePath } of places.extensionsDirs) found.push(...extensionsIn(dir, nodePath));
  for (const root of places.npmRoots) {
    const installed = fromPackage(path.join(root, ...CLI_PACKAGE.split('/')), 'npm', (manifest) => manifest.name === CLI_PACKAGE);
    if (installed) found.push(installed);
  }
  return found.sort((a, b) => compareVersions(b.version, a.version));
}

/**
 * Baton extension folders in one extensions folder. VS Code leaves an updated
 * version's folder behind for a while and lists it in `.obsolete`; those are skipped.
 */
function extensionsIn(dir: string, nodePath: string | undefined): Installation[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const obsolete = obsoleteIn(dir);
  const found: Installation[] = [];
  for (const name of names) {
    if (!name.toLowerCase().startsWith(EXTENSION_PREFIX) || obsolete.has(name.toLowerCase())) continue;
    const installed = fromPackage(path.join(dir, name), 'extension', (manifest) => manifest.publisher === 'baton-dev' && manifest.name === 'baton', nodePath);
    if (installed) found.push(installed);
  }
  return found;
}

function obsoleteIn(dir: string): Set<string> {
  try {
    const value = JSON.parse(readFileSync(path.join(dir, '.obsolete'), 'utf8')) as Record<string, unknown>;
    return new Set(Object.entries(value).filter(([, flag]) => flag === true).map(([name]) => name.toLowerCase()));
  } catch {
    return new Set();
  }
}

interface Manifest {
  readonly name?: unknown;
  readonly publisher?: unknown;
  readonly version?: unknown;
}

function fromPackage(folder: string, kind: Installation['kind'], ours: (manifest: Manifest) => boolean, nodePath?: string): Installation | undefined {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(folder, 'package.json'), 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
  const cli = path.join(folder, 'dist', 'cli.js');
  if (!ours(manifest) || typeof manifest.version !== 'string' || !existsSync(cli)) return undefined;
  const version = parseVersion(manifest.version);
  if (!version) return undefined;
  return { version, versionText: manifest.version, cli, kind, ...(nodePath ? { nodePath } : {}) };
}
