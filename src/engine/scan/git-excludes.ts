import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSmallText } from './bounded-read.ts';
import type { RootRules } from './ignore-rules.ts';

/**
 * What git ignores besides .gitignore files: the repository's
 * `.git/info/exclude` and the user's global excludes file
 * (`core.excludesFile`, by default `$XDG_CONFIG_HOME/git/ignore` or
 * `~/.config/git/ignore`). Both are relative to the top of the work tree,
 * which may be above the codebase root (a codebase can be a sub-folder of a
 * repository). The global file applies to folders outside any repository
 * too, as Baton's .gitignore handling does: what a user told git never to
 * track is not worth indexing either.
 */

/** Ignore files larger than this are not read (no real one comes near). */
const MAX_EXCLUDE_FILE_BYTES = 4 * 1024 * 1024;
/** A `git config` lookup is reused this long per root (a watcher asks for every changed file). */
const CONFIG_TTL_MS = 30_000;
const GIT_TIMEOUT_MS = 3000;

export interface WorkTree {
  /** The top of the work tree. */
  readonly top: string;
  /** The folder holding info/exclude: the common git dir (worktrees share the main one's). */
  readonly commonDir: string;
}

/** The git work tree that contains `root`, found by walking up to a `.git` folder or file. */
export function findWorkTree(root: string): WorkTree | undefined {
  for (let folder = root; ; folder = path.dirname(folder)) {
    const gitDir = gitDirAt(folder);
    if (gitDir) return { top: folder, commonDir: commonDirOf(gitDir) };
    if (path.dirname(folder) === folder) return undefined;
  }
}

/** `<folder>/.git` as a git dir: the folder itself, or where a `.git` file (worktrees, submodules) points. */
function gitDirAt(folder: string): string | undefined {
  const dotGit = path.join(folder, '.git');
  try {
    const info = statSync(dotGit);
    if (info.isDirectory()) return dotGit;
    if (!info.isFile()) return undefined;
    const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
    return pointer?.[1] ? path.resolve(folder, pointer[1]) : undefined;
  } catch {
    return undefined;
  }
}

function commonDirOf(gitDir: string): string {
  try {
    const common = readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim();
    return common ? path.resolve(gitDir, common) : gitDir;
  } catch {
    return gitDir;
  }
}

const configCache = new Map<string, { file: string; at: number }>();

/** The global excludes file git would read for `cwd`. A missing git is not an error: git's default is used. */
export async function globalExcludesFile(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const cached = configCache.get(cwd);
  if (cached && Date.now() - cached.at < CONFIG_TTL_MS) return cached.file;
  const configured = await gitConfigValue(cwd, 'core.excludesFile', env);
  const file = configured ? expandHome(configured, cwd) : defaultGlobalExcludes(env);
  configCache.set(cwd, { file, at: Date.now() });
  return file;
}

/** Forgets cached `git config` answers (tests change the configuration between scans). */
export function forgetGitConfig(): void {
  configCache.clear();
}

export function defaultGlobalExcludes(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME?.trim();
  return xdg ? path.join(xdg, 'git', 'ignore') : path.join(os.homedir(), '.config', 'git', 'ignore');
}

function expandHome(value: string, cwd: string): string {
  if (value === '~' || value.startsWith('~/')) return path.join(os.homedir(), value.slice(1));
  return path.resolve(cwd, value);
}

/** `git config --get <key>` in `cwd`: the value, or undefined when unset, when git is missing or fails. */
function gitConfigValue(cwd: string, key: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['config', '--get', key], { cwd, env, timeout: GIT_TIMEOUT_MS, windowsHide: true }, (error, stdout) => {
      const value = stdout.trim();
      resolve(error || value === '' ? undefined : value);
    });
  });
}

/** The root rules git's exclude files give a codebase at `root`, lowest precedence first. */
export async function gitExcludeRules(root: string): Promise<RootRules[]> {
  const workTree = findWorkTree(root);
  const top = workTree?.top ?? root;
  const relative = path.relative(top, root).split(path.sep).join('/');
  const prefix = relative === '' ? '' : `${relative}/`;
  const rules: RootRules[] = [];
  const globalText = await readSmallText(await globalExcludesFile(top), MAX_EXCLUDE_FILE_BYTES);
  if (globalText) rules.push({ source: 'core.excludesFile', patterns: globalText, prefix });
  if (workTree) {
    const localText = await readSmallText(path.join(workTree.commonDir, 'info', 'exclude'), MAX_EXCLUDE_FILE_BYTES);
    if (localText) rules.push({ source: '.git/info/exclude', patterns: localText, prefix });
  }
  return rules;
}
