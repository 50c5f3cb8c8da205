import { accessSync, chmodSync, constants, lstatSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../engine/errors.ts';

/** The files of the coordination layer inside BATON_HOME. */
export interface HomeFiles {
  readonly home: string;
  /** proper-lockfile's lock folder for the leader seat. */
  readonly seatLock: string;
  /** The short lock under which every seat acquisition or break happens. */
  readonly breakerLock: string;
  readonly leaderRecord: string;
  /** Where leader endpoints live: a folder for Unix sockets, a pipe-name prefix on Windows. */
  readonly endpointBase: string;
}

/** Unix socket paths are limited to ~107 bytes; past that the socket lives in a private temp folder. */
const MAX_SOCKET_PATH = 100;

export function homeFiles(home: string): HomeFiles {
  return {
    home,
    seatLock: path.join(home, 'leader.lock'),
    breakerLock: path.join(home, 'breaker.lock'),
    leaderRecord: path.join(home, 'leader.json'),
    endpointBase: endpointBase(home),
  };
}

/**
 * Where a leader listens: its own socket or pipe, named after its pid. A
 * former leader that was frozen and deposed still holds (and, closing, would
 * unlink) its own endpoint, never its successor's.
 */
export function endpointFor(files: HomeFiles, pid: number): string {
  return process.platform === 'win32' ? `${files.endpointBase}-${pid}` : path.join(files.endpointBase, `leader-${pid}.sock`);
}

/** The pid in an endpoint file name, for cleaning up sockets of dead leaders. */
export function endpointPid(fileName: string): number | undefined {
  const match = /^leader-(\d+)\.sock$/.exec(fileName);
  return match ? Number(match[1]) : undefined;
}

function endpointBase(home: string): string {
  if (process.platform === 'win32') return `\\\\.\\pipe\\baton-${homeDigest(home)}`;
  // Room for "/leader-<pid>.sock" within the Unix socket path limit.
  if (home.length + 24 <= MAX_SOCKET_PATH) return home;
  return path.join(os.tmpdir(), `baton-${homeDigest(home)}`);
}

/**
 * Only pipe names and over-long homes need the digest; node:crypto is loaded
 * for them alone (process.getBuiltinModule, not an import: OpenSSL costs an
 * idle server megabytes it otherwise never needs).
 */
function homeDigest(home: string): string {
  return process.getBuiltinModule('node:crypto').createHash('sha256').update(home).digest('hex').slice(0, 16);
}

/**
 * Creates BATON_HOME (0700: the socket and the index are the user's alone) and
 * checks it is writable, with an error that says what to do when it is not.
 */
export function prepareHome(files: HomeFiles): void {
  try {
    mkdirSync(files.home, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32' && statSync(files.home).uid === process.getuid?.()) chmodSync(files.home, 0o700);
    accessSync(files.home, constants.W_OK);
  } catch (error) {
    throw new UserError(
      `BATON_HOME (${files.home}) is not a writable folder: ${(error as Error).message}. Set BATON_HOME to a folder you can write, or fix its permissions.`,
    );
  }
  if (process.platform !== 'win32' && files.endpointBase !== files.home) prepareSocketFolder(files.endpointBase);
}

/**
 * The shared temp folder that holds the sockets when the home path is too
 * long for one. Anyone can create a folder in /tmp, so one that already
 * exists is used only if it is a real folder of ours that nobody else can
 * enter: otherwise another user could listen in our leader's place.
 */
function prepareSocketFolder(folder: string): void {
  try {
    mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new UserError(`cannot create the socket folder ${folder}: ${(error as Error).message}`);
  }
  const info = lstatSync(folder);
  const uid = process.getuid?.();
  if (!info.isDirectory() || (uid !== undefined && info.uid !== uid) || (info.mode & 0o077) !== 0) {
    throw new UserError(
      `the socket folder ${folder} is not private (${info.isDirectory() ? `owner uid ${info.uid}, mode ${(info.mode & 0o777).toString(8)}` : 'not a folder'}); ` +
        'Baton will not put its leader socket there. Remove it, or set BATON_HOME to a shorter path (the socket then lives in BATON_HOME).',
    );
  }
}

/** Removes socket files left by leaders that died without closing them (SIGKILL, a crash). */
export function removeDeadEndpoints(files: HomeFiles, isAlive: (pid: number) => boolean): void {
  if (process.platform === 'win32') return; // pipes vanish with their process
  let names: string[];
  try {
    names = readdirSync(files.endpointBase);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = endpointPid(name);
    if (pid !== undefined && pid !== process.pid && !isAlive(pid)) rmSync(path.join(files.endpointBase, name), { force: true });
  }
}
