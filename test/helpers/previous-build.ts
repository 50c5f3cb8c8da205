import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from './paths.ts';

/**
 * The last release's commit (Baton 0.1.0, protocol 1, schema 1): the build
 * that windows still run while others update. Mixed-version tests run it
 * next to the current build on one BATON_HOME.
 */
export const PREVIOUS_RELEASE = 'd106e4d63901b06e0575797d514842d65020391b';

/**
 * Builds `commit` from this repository's history (its sources, bundled with
 * this checkout's installed packages: the dependencies did not change) into
 * a cached temporary folder, and returns the path of its dist/cli.js.
 */
export function buildOfCommit(commit: string): string {
  const folder = path.join(os.tmpdir(), `baton-build-${commit.slice(0, 12)}`);
  const cli = path.join(folder, 'dist', 'cli.js');
  if (existsSync(cli)) return cli;
  const git = (args: string[]): Buffer => execFileSync('git', ['-C', PROJECT_ROOT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    git(['cat-file', '-e', `${commit}^{commit}`]);
  } catch {
    throw new Error(`commit ${commit} is not in this clone's history (a shallow clone?): run "git fetch --unshallow" to test against the previous release`);
  }
  const staging = `${folder}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync('tar', ['-x', '-C', staging], { input: git(['archive', commit, 'src', 'package.json', 'esbuild.mjs']) });
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(staging, 'node_modules'), 'dir');
  execFileSync(process.execPath, ['esbuild.mjs'], { cwd: staging, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    renameSync(staging, folder);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another test process built it first
  }
  return cli;
}
