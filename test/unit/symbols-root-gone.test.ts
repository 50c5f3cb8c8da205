import assert from 'node:assert/strict';
import { renameSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Engine } from '../../src/engine/engine.ts';
import { UserError } from '../../src/engine/errors.ts';
import { indexedEngine } from '../helpers/indexed-engine.ts';
import { tempFolder } from '../helpers/paths.ts';

const home = tempFolder('root-gone-home');
const project = tempFolder('root-gone-project');
const movedAway = `${project.path}-moved`;
let engine: Engine;

before(async () => {
  engine = await indexedEngine(home.path, project.path, { 'src/config.ts': 'export function parseConfig(text: string) {\n  return JSON.parse(text);\n}\n' });
});
after(() => {
  engine.close();
  home.remove();
  project.remove();
});

test('an outline may name its codebase by the file itself (its path only picks the codebase), where find_symbol is scoped to folders', () => {
  const file = `${project.path}/src/config.ts`;
  assert.deepEqual(engine.symbols.fileOutline(file, 'src/config.ts').symbols.map((symbol) => symbol.name), ['parseConfig']);
  assert.equal(engine.symbols.fileOutline(file, 'src/config.ts').subfolder, undefined);
  assert.throws(() => engine.symbols.findSymbol(file, 'parseConfig', { limit: 10 }), (error: Error) => error instanceof UserError && /is a file, not a folder/.test(error.message));
});

test('symbol lookups in a codebase whose folder is gone say so instead of answering from files that no longer exist; they answer again once it is back', () => {
  assert.equal(engine.symbols.findSymbol(project.path, 'parseConfig', { limit: 10 }).results[0]?.file, 'src/config.ts');
  renameSync(project.path, movedAway);
  try {
    for (const ask of [
      () => engine.symbols.findSymbol(project.path, 'parseConfig', { limit: 10 }),
      () => engine.symbols.findReferences(project.path, 'parseConfig', { limit: 10 }),
      () => engine.symbols.fileOutline(project.path, 'src/config.ts'),
    ]) {
      assert.throws(ask, (error: Error) => error instanceof UserError && /no longer exists \(deleted or moved\).*clear_index/.test(error.message));
    }
  } finally {
    renameSync(movedAway, project.path);
  }
  assert.equal(engine.symbols.findSymbol(project.path, 'parseConfig', { limit: 10 }).results[0]?.file, 'src/config.ts');
});
