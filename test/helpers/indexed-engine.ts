import assert from 'node:assert/strict';
import { Engine } from '../../src/engine/engine.ts';
import { writeTree } from './fixture-repo.ts';

/** An engine that is the sole writer of `home`, with `files` written to `root` and indexed (the run must end done). */
export async function indexedEngine(home: string, root: string, files: Record<string, string>): Promise<Engine> {
  writeTree(root, files);
  const engine = new Engine({ home, maxFileBytes: 1024 * 1024, maxFiles: 50_000 }, { soleWriter: true });
  const final = await (await engine.startIndex(root, {})).done;
  assert.equal(final.phase, 'done', final.message);
  return engine;
}
