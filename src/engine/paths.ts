import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from './errors.ts';

/** Expands a leading "~" and checks the path is absolute. */
export function absolutePath(input: string): string {
  if (typeof input !== 'string' || input.trim() === '') {
    throw new UserError('path is required: pass the absolute path of the codebase folder, e.g. "/home/me/project".');
  }
  const expanded = input === '~' || input.startsWith('~/') ? path.join(os.homedir(), input.slice(1)) : input;
  if (expanded.startsWith('~')) {
    throw new UserError(`path must be absolute, got "${input}": only a leading "~" or "~/" (this user's home) is expanded, not "~name". Pass the full path of the codebase folder.`);
  }
  if (!path.isAbsolute(expanded)) {
    throw new UserError(`path must be absolute, got "${input}". Pass the full path of the codebase folder, e.g. "${path.resolve(expanded)}".`);
  }
  return path.resolve(expanded);
}

/**
 * The one canonical spelling of a codebase folder: absolute, symlinks
 * resolved, in the file system's own case. Two clients naming the same
 * folder differently therefore share one index.
 */
export function canonicalFolder(input: string): string {
  const absolute = absolutePath(input);
  let real: string;
  try {
    real = realpathSync.native(absolute);
  } catch {
    throw new UserError(`no folder at "${absolute}". Check the path; it must be an existing folder on this machine.`);
  }
  if (!statSync(real).isDirectory()) {
    throw new UserError(`"${absolute}" is a file, not a folder. Pass the codebase folder instead, e.g. "${path.dirname(real)}".`);
  }
  return real;
}

/**
 * A folder to index: canonical (see canonicalFolder) and readable by this
 * process. A folder it may not list would be "indexed" as 0 files, its one
 * unreadable entry counted, and then watched as if it had been deleted.
 */
export function indexableFolder(input: string): string {
  const root = canonicalFolder(input);
  try {
    accessSync(root, constants.R_OK | constants.X_OK);
  } catch {
    throw new UserError(`cannot read the folder "${root}": permission denied for this user. Fix its permissions (ls -ld "${root}"), or index a folder this user can read.`);
  }
  return root;
}

/** `child` relative to `ancestor` in "/" form, or undefined when it is not inside it. */
export function relativeInside(ancestor: string, child: string): string | undefined {
  const relative = path.relative(ancestor, child);
  if (relative === '') return '';
  // Outside means a first segment of "..", not a name that starts with dots ("..dotdot/x" is inside).
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}
