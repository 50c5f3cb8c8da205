import { accessSync, chmodSync, constants, mkdirSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
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
  readonly endpoint: string;
}

/** Unix socket paths are limited to ~107 bytes; past that the socket lives in a private temp folder. */
const MAX_SOCKET_PATH = 100;

export function homeFiles(home: string): HomeFiles {
  return {
    home,
    seatLock: path.join(home, 'leader.lock'),
    breakerLock: path.join(home, 'breaker.lock'),
    leaderRecord: path.join(home, 'leader.json'),
    endpoint: endpointPath(home),
  };
}

/**
 * Where a leader listens. On Windows each leader gets its own pipe name: a
 * frozen former leader may still hold its pipe. On Unix the socket file is
 * replaced by whoever holds the seat.
 */
export function endpointFor(files: HomeFiles, pid: number): string {
  return process.platform === 'win32' ? `${files.endpoint}-${pid}` : files.endpoint;
}

function endpointPath(home: string): string {
  const digest = createHash('sha256').update(home).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\baton-${digest}`;
  const inHome = path.join(home, 'leader.sock');
  if (inHome.length <= MAX_SOCKET_PATH) return inHome;
  return path.join(os.tmpdir(), `baton-${digest}`, 'leader.sock');
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
    const socketFolder = path.dirname(files.endpoint);
    if (process.platform !== 'win32' && socketFolder !== files.home) mkdirSync(socketFolder, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new UserError(
      `BATON_HOME (${files.home}) is not a writable folder: ${(error as Error).message}. Set BATON_HOME to a folder you can write, or fix its permissions.`,
    );
  }
}
