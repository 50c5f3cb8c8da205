import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/engine/errors.ts';
import { fileInCodebase } from '../../src/engine/symbols/file-outline.ts';
import { tempFolder } from '../helpers/paths.ts';

test('a file is found inside its codebase whether named relative, absolute, or through a link to the root or to a folder in it', () => {
  const folder = tempFolder('file-in-codebase');
  try {
    const root = path.join(realpathSync.native(folder.path), 'project');
    mkdirSync(path.join(root, 'src'), { recursive: true });
    writeFileSync(path.join(root, 'src/index.ts'), 'export {};\n');
    const link = path.join(folder.path, 'link-to-project');
    symlinkSync(root, link);
    assert.equal(fileInCodebase(root, 'src/index.ts'), 'src/index.ts');
    assert.equal(fileInCodebase(root, path.join(root, 'src/index.ts')), 'src/index.ts');
    assert.equal(fileInCodebase(root, path.join(link, 'src/index.ts')), 'src/index.ts');
    assert.equal(fileInCodebase(root, path.join(link, 'src/deleted-since.ts')), 'src/deleted-since.ts', 'a file that is gone still names its path');
    symlinkSync(path.join(root, 'src'), path.join(root, 'linked-src'));
    assert.equal(fileInCodebase(root, path.join(root, 'linked-src/index.ts')), 'src/index.ts', 'a link inside the root: the file where the index has it');
    assert.throws(() => fileInCodebase(root, '/etc/passwd'), (error: Error) => error instanceof UserError && /is not a file inside/.test(error.message));
    assert.throws(() => fileInCodebase(root, '../outside.ts'), (error: Error) => error instanceof UserError && /is not a file inside/.test(error.message));
  } finally {
    folder.remove();
  }
});
