import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { homeFiles, prepareHome } from '../../src/coordination/home.ts';
import { UserError } from '../../src/engine/errors.ts';
import { tempFolder } from '../helpers/paths.ts';

/** A home whose path is too long for a Unix socket, so its sockets live in a shared temp folder. */
function longHome(base: string): string {
  return path.join(base, 'a-home-path-long-enough'.repeat(5));
}

test('a long home puts its sockets in a private temp folder, created 0700', () => {
  const base = tempFolder('home-long');
  try {
    const files = homeFiles(longHome(base.path));
    assert.notEqual(files.endpointBase, files.home);
    rmSync(files.endpointBase, { recursive: true, force: true });
    prepareHome(files);
    prepareHome(files); // and again: it exists and is ours
  } finally {
    rmSync(homeFiles(longHome(base.path)).endpointBase, { recursive: true, force: true });
    base.remove();
  }
});

test('a socket folder that someone else could enter, or a link in its place, is refused with what to do', () => {
  const base = tempFolder('home-shared');
  const files = homeFiles(longHome(base.path));
  try {
    rmSync(files.endpointBase, { recursive: true, force: true });
    mkdirSync(files.endpointBase, { mode: 0o755 });
    chmodSync(files.endpointBase, 0o755);
    assert.throws(() => prepareHome(files), (error: Error) => error instanceof UserError && /not private \(owner uid \d+, mode 755\).*BATON_HOME to a shorter path/.test(error.message));
    rmSync(files.endpointBase, { recursive: true, force: true });
    const elsewhere = path.join(base.path, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, files.endpointBase);
    assert.throws(() => prepareHome(files), /not private \(not a folder\)/);
  } finally {
    rmSync(files.endpointBase, { recursive: true, force: true });
    base.remove();
  }
});
