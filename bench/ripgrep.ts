import { spawnSync } from 'node:child_process';

/** ripgrep's version line, or undefined when `rg` is not installed. */
export function ripgrepVersion(): string | undefined {
  const result = spawnSync('rg', ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.split('\n')[0];
}

/**
 * ripgrep's version, installing it first from Debian's packages when it is
 * missing and this process may (root with apt-get): the comparison is part
 * of the benchmark, not an optional extra. Undefined when it cannot be had.
 */
export function ensureRipgrep(progress: (line: string) => void): string | undefined {
  const installed = ripgrepVersion();
  if (installed || process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) return installed;
  progress('installing ripgrep (apt-get install ripgrep) for the comparison…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  spawnSync('apt-get', ['install', '-y', '-qq', 'ripgrep'], { stdio: 'ignore', env });
  return ripgrepVersion();
}

export const RIPGREP_MISSING = 'ripgrep (rg) is not installed: the ripgrep comparison is skipped. Install it with `apt-get install ripgrep` (Debian/Ubuntu).';

/**
 * The files that contain an identifier as a whole word, case-insensitively,
 * the way an agent without an index looks one up. `--no-ignore` so that no
 * ignore file outside the corpus hides any of it: rg reads the same tree Baton indexed.
 */
export function ripgrepArgs(identifier: string, root: string): string[] {
  return ['--files-with-matches', '--ignore-case', '--word-regexp', '--fixed-strings', '--no-ignore', '--', identifier, root];
}

/** Runs rg once; returns the wall time (spawn included) and how many files matched. */
export function runRipgrep(identifier: string, root: string): { ms: number; files: number } {
  const start = performance.now();
  const result = spawnSync('rg', ripgrepArgs(identifier, root), { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const elapsed = performance.now() - start;
  // Exit code 1 means "no match"; 2 is an error.
  if (result.error || (result.status !== 0 && result.status !== 1)) {
    throw new Error(`rg failed for "${identifier}": ${result.error?.message ?? result.stderr}`);
  }
  const files = result.stdout.split('\n').filter((line) => line.length > 0).length;
  return { ms: elapsed, files };
}
