import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI } from './paths.ts';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `baton` CLI to completion with BATON_HOME set. */
export function runCli(home: string, args: string[], options: SpawnOptions & { node?: string; cli?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [options.cli ?? CLI, ...args], {
      ...options,
      env: { ...process.env, BATON_HOME: home, ...(options.env ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const NOBODY = 65534;

/**
 * Spawn options that run the CLI as an unprivileged user when the tests run
 * as root (root reads every file, so "unreadable" cannot be tested as root).
 * If that user cannot reach this checkout, Node and the bundle are copied to
 * a world-readable temporary folder first.
 */
export function unprivilegedSpawnOptions(): SpawnOptions & { node?: string; cli?: string } {
  if (process.getuid?.() !== 0) return {};
  const asNobody = { uid: NOBODY, gid: NOBODY };
  if (spawnSync(process.execPath, [CLI, '--version'], asNobody).status === 0) return asNobody;
  const folder = mkdtempSync(path.join(os.tmpdir(), 'baton-nobody-'));
  chmodSync(folder, 0o755);
  const node = path.join(folder, 'node');
  copyFileSync(process.execPath, node);
  chmodSync(node, 0o755);
  cpSync(path.dirname(CLI), path.join(folder, 'dist'), { recursive: true });
  return { ...asNobody, node, cli: path.join(folder, 'dist', path.basename(CLI)) };
}
