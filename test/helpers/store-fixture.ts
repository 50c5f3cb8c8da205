import { INDEX_FORMAT_VERSION } from '../../src/engine/indexing/index-format.ts';
import { openDatabase } from '../../src/engine/store/database.ts';
import { epochFence } from '../../src/engine/store/epochs.ts';
import { IndexStore, type FileUpdate } from '../../src/engine/store/index-store.ts';

/** An index store in `home` that holds the writer's seat, with one codebase (`/project`) begun. */
export function writableStore(home: string): { store: IndexStore; codebaseId: number } {
  const store = new IndexStore(openDatabase(home));
  const epoch = store.epochs.claimNext();
  store.setWriteFence(epochFence(epoch), epoch);
  const codebaseId = store.codebases.beginIndexing('/project', { splitter: 'ast', customExtensions: [], ignorePatterns: [] }).id;
  return { store, codebaseId };
}

/** `src/file<index>.ts` as one chunk whose search terms are `body` (and `symbols`), written as they are. */
export function oneChunkFile(index: number, body: string, symbols = ''): FileUpdate {
  return {
    path: `src/file${index}.ts`,
    size: body.length,
    mtimeMs: 1,
    hash: `h${index}`,
    language: 'typescript',
    role: 'source',
    pathTerms: `src file${index}`,
    extension: 'ts',
    formatVersion: INDEX_FORMAT_VERSION,
    formatOptions: 'splitter=ast',
    chunks: [{ startLine: 1, endLine: 1, content: body, contentHash: `c${index}`, symbols, symbolTerms: symbols, bodyTerms: body }],
  };
}
