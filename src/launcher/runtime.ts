import { spawnSync } from 'node:child_process';

/** What Baton's server needs: Node 22.13 or newer with the built-in SQLite. */
export const MINIMUM_NODE = [22, 13] as const;

export function suitableNode(version: string, hasSqlite: boolean): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return hasSqlite && (major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1]));
}

/** Whether this very process can run Baton (then the launcher loads it in place: no second process). */
export function thisRuntimeSuits(): boolean {
  const hasSqlite = typeof process.getBuiltinModule === 'function' && process.getBuiltinModule('node:sqlite') !== undefined;
  return suitableNode(process.versions.node, hasSqlite);
}

const PROBE = "process.stdout.write(process.versions.node + ' ' + (typeof process.getBuiltinModule === 'function' && !!process.getBuiltinModule('node:sqlite')))";

/** Asks another Node what it is; undefined when it cannot be run. */
export function probeNode(command: string, env: NodeJS.ProcessEnv): { version: string; suits: boolean } | undefined {
  const result = spawnSync(command, ['-e', PROBE], { env: { ...env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8', timeout: 10_000, windowsHide: true });
  if (result.status !== 0 || typeof result.stdout !== 'string') return undefined;
  const [version = '', sqlite] = result.stdout.trim().split(' ');
  return { version, suits: suitableNode(version, sqlite === 'true') };
}

export function describeThisRuntime(): string {
  return process.versions.electron ? `Electron ${process.versions.electron} (Node ${process.versions.node})` : `Node ${process.versions.node}`;
}
