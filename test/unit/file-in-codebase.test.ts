import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../src/engine/errors.ts';
import { fileInCodebase } from '../../src/engine/symbols/file-outline.ts';
import { tempFolder } from '../helpers/paths.ts';

test('a file is found inside its codebase whether named relative, absolute, or through a link to the root', () => {
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
    assert.throws(() => fileInCodebase(root, '/etc/passwd'), (error: Error) => error instanceof UserError && /is not a file inside/.test(error.message));
    assert.throws(() => fileInCodebase(root, '../outside.ts'), (error: Error) => error instanceof UserError && /is not a file inside/.test(error.message));
  } finally {
    folder.remove();
  }
});
