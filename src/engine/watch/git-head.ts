import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The git folder of the repository a codebase lives in: `.git` in the root
 * or in the nearest ancestor, following a `.git` file's `gitdir:` line
 * (worktrees, submodules). Undefined when the codebase is not in a repository.
 */
export async function findGitDir(root: string): Promise<string | undefined> {
  for (let folder = root; ; ) {
    const candidate = path.join(folder, '.git');
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isDirectory()) return candidate;
    if (info?.isFile()) {
      const text = await readFile(candidate, 'utf8').catch(() => '');
      const match = /^gitdir:\s*(.+)$/m.exec(text);
      if (match) return path.resolve(folder, match[1]!.trim());
    }
    const parent = path.dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/** What HEAD names (a branch ref or a commit), or '' when it cannot be read. */
export async function readHead(gitDir: string): Promise<string> {
  return (await readFile(path.join(gitDir, 'HEAD'), 'utf8').catch(() => '')).trim();
}
