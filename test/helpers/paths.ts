import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(PROJECT_ROOT, 'dist', 'cli.js');

/** A fresh temporary folder, removed by the returned function. */
export function tempFolder(prefix: string): { path: string; remove: () => void } {
  const folder = mkdtempSync(path.join(os.tmpdir(), `baton-${prefix}-`));
  return { path: folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}
