import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { LOG_FORMAT, LogParser, type LoggedCommit } from './queries.ts';
import { repoSlug, TREE_FORMAT, type RepoRecipe } from './recipe.ts';

/** A repository of the recipe, found as a git directory holding its pinned commit. */
export interface LocatedRepo {
  readonly recipe: RepoRecipe;
  readonly gitDir: string;
  readonly from: 'folder' | 'cloned';
}

const GIT_ENV = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' };

function git(gitDir: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  return execFileSync('git', ['-c', 'core.quotePath=false', `--git-dir=${gitDir}`, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: options.env ?? GIT_ENV,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The git directory of a clone (bare or not) at `folder` when it holds `commit`. */
function gitDirWithCommit(folder: string, commit: string): string | undefined {
  if (!existsSync(folder)) return undefined;
  const found = spawnSync('git', ['-C', folder, 'rev-parse', '--absolute-git-dir'], { encoding: 'utf8', env: GIT_ENV });
  if (found.status !== 0) return undefined;
  const gitDir = found.stdout.trim();
  // The folder must be the clone itself, not a folder somewhere inside another repository.
  const top = spawnSync('git', ['-C', folder, 'rev-parse', '--is-bare-repository', '--show-toplevel'], { encoding: 'utf8', env: GIT_ENV });
  const [bare = '', toplevel = ''] = top.stdout.trim().split('\n');
  if (bare !== 'true' && path.resolve(toplevel) !== path.resolve(folder)) return undefined;
  if (bare === 'true' && path.resolve(gitDir) !== path.resolve(folder)) return undefined;
  const has = spawnSync('git', [`--git-dir=${gitDir}`, 'cat-file', '-e', `${commit}^{commit}`], { env: GIT_ENV });
  return has.status === 0 ? gitDir : undefined;
}

/** Where a folder of clones may hold a repository: owner+name, name (bare or not, ".git" or not), or owner+name/repo. */
export function candidateFolders(reposDir: string, repo: string): string[] {
  const slug = repoSlug(repo);
  const name = repo.slice(repo.indexOf('/') + 1);
  return [slug, `${slug}.git`, `${slug}/repo`, name, `${name}.git`, `${name}/repo`].map((folder) => path.join(reposDir, folder));
}

/** Finds each repository in the folders (first folder first); returns those found and those missing. */
export function locateRepos(recipes: readonly RepoRecipe[], folders: readonly string[]): { found: LocatedRepo[]; missing: RepoRecipe[] } {
  const found: LocatedRepo[] = [];
  const missing: RepoRecipe[] = [];
  for (const recipe of recipes) {
    let gitDir: string | undefined;
    for (const folder of folders) {
      for (const candidate of candidateFolders(folder, recipe.repo)) {
        gitDir = gitDirWithCommit(candidate, recipe.pin);
        if (gitDir) break;
      }
      if (gitDir) break;
    }
    if (gitDir) found.push({ recipe, gitDir, from: 'folder' });
    else missing.push(recipe);
  }
  return { found, missing };
}

/**
 * Clones each repository from GitHub into `cloneDir`/owner+name (bare).
 * Returns the clones made and the failures.
 */
export function cloneRepos(
  recipes: readonly RepoRecipe[],
  cloneDir: string,
  log: (line: string) => void,
): { cloned: LocatedRepo[]; failed: { recipe: RepoRecipe; reason: string }[] } {
  const cloned: LocatedRepo[] = [];
  const failed: { recipe: RepoRecipe; reason: string }[] = [];
  mkdirSync(cloneDir, { recursive: true });
  for (const recipe of recipes) {
    const target = path.join(cloneDir, repoSlug(recipe.repo));
    rmSync(target, { recursive: true, force: true });
    log(`cloning https://github.com/${recipe.repo}.git into ${target}…`);
    const clone = spawnSync('git', ['clone', '--bare', '--quiet', `https://github.com/${recipe.repo}.git`, target], {
      encoding: 'utf8',
      env: GIT_ENV,
      timeout: 10 * 60_000,
    });
    const gitDir = clone.status === 0 ? gitDirWithCommit(target, recipe.pin) : undefined;
    if (gitDir) cloned.push({ recipe, gitDir, from: 'cloned' });
    else {
      rmSync(target, { recursive: true, force: true });
      const reason = clone.status === 0 ? `the clone has no commit ${recipe.pin}` : (clone.stderr || clone.error?.message || 'git clone failed').trim().split('\n').at(-1)!;
      failed.push({ recipe, reason });
    }
  }
  return { cloned, failed };
}

/**
 * Writes the pinned tree of a repository into `treesDir`/owner+name (read-tree
 * and checkout-index with an index file of our own, so that the clone is only
 * read and no export-ignore rule drops files), unless the same pin was
 * written there already. Files over `maxFileBytes` are left out: Baton's scan
 * skips them anyway, and a mirror snapshot may lack its largest files.
 * Returns the tree's folder.
 */
export function materialiseTree(located: LocatedRepo, treesDir: string, maxFileBytes: number, log: (line: string) => void): string {
  const slug = repoSlug(located.recipe.repo);
  const tree = path.resolve(treesDir, slug);
  const marker = path.resolve(treesDir, `${slug}.json`);
  const stamp = JSON.stringify({ repo: located.recipe.repo, pin: located.recipe.pin, format: TREE_FORMAT, maxFileBytes });
  if (existsSync(marker) && readFileSync(marker, 'utf8') === stamp && existsSync(tree)) return tree;
  log(`writing the tree of ${located.recipe.repo} at ${located.recipe.pin.slice(0, 12)} into ${tree}…`);
  rmSync(marker, { force: true });
  rmSync(tree, { recursive: true, force: true });
  mkdirSync(tree, { recursive: true });
  const index = path.resolve(treesDir, `${slug}.index`);
  rmSync(index, { force: true });
  const env = { ...GIT_ENV, GIT_INDEX_FILE: index };
  try {
    git(located.gitDir, [`--work-tree=${tree}`, 'read-tree', located.recipe.pin], { env });
    const wanted = treeEntries(located)
      .filter((entry) => entry.type === 'blob' && entry.size <= maxFileBytes)
      .map((entry) => entry.path);
    execFileSync('git', ['-c', 'core.autocrlf=false', `--git-dir=${located.gitDir}`, `--work-tree=${tree}`, 'checkout-index', '--force', '-z', '--stdin'], {
      input: wanted.join('\0'),
      env,
      cwd: tree,
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } finally {
    rmSync(index, { force: true });
  }
  writeFileSync(marker, stamp);
  return tree;
}

/** Blobs (files, links) and commits (submodules) of the pinned tree, with blob sizes. */
function treeEntries(located: LocatedRepo): { type: string; size: number; path: string }[] {
  const out = git(located.gitDir, ['ls-tree', '-r', '-l', '-z', '--full-tree', located.recipe.pin]);
  return out
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const tab = entry.indexOf('\t');
      const [, type = '', , size = '-'] = entry.slice(0, tab).split(/\s+/);
      return { type, size: size === '-' ? 0 : Number(size), path: entry.slice(tab + 1) };
    });
}

/** Every path in the pinned tree. */
export function pinnedPaths(located: LocatedRepo): Set<string> {
  return new Set(treeEntries(located).map((entry) => entry.path));
}

/**
 * The commits before the pin, newest first, as `git log` writes them; the git
 * process stops when the reader stops early.
 */
export async function* commitsBeforePin(located: LocatedRepo): AsyncGenerator<LoggedCommit> {
  const child = spawn('git', ['-c', 'core.quotePath=false', `--git-dir=${located.gitDir}`, 'log', ...LOG_FORMAT, located.recipe.pin], {
    env: GIT_ENV,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (data: string) => (stderr += data));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const parser = new LogParser();
  let stoppedEarly = true;
  try {
    for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
      const commit = parser.push(line);
      if (commit) yield commit;
    }
    const last = parser.end();
    if (last) yield last;
    stoppedEarly = false;
  } finally {
    if (stoppedEarly) child.kill();
    const code = await exited;
    if (!stoppedEarly && code !== 0) throw new Error(`git log in ${located.gitDir} failed (${code}): ${stderr.trim()}`);
  }
}
