import type { StoreConnection } from './connection.ts';
import { ftsTableName } from './schema.ts';

/**
 * Merges a codebase's full-text index into one b-tree, a slice at a time.
 * FTS5 writes each transaction's terms as a new b-tree and keeps deleted
 * rows as tombstones in the older ones, merging some of them now and then
 * (automerge). A search reads every b-tree for every term and checks each
 * row against the tombstones: on the bench corpus (139k chunks, 6 b-trees
 * after a full index and a few edits), ranking a query's 12,000 matches took
 * 10–12 % less time once merged, and the 40 bench queries 6–10 % less
 * (docs/indexing.md, "The search index is merged after a large run").
 */
export class SearchCompaction {
  private readonly connection: StoreConnection;

  constructor(connection: StoreConnection) {
    this.connection = connection;
  }

  /**
   * One slice of the merge: about `pages` pages written (an FTS5 page is
   * 4 KB; 200 take some 10 ms), in a fenced transaction of its own. `first`
   * starts the merge of every b-tree, whatever its level (FTS5's 'merge' with
   * a negative count); later slices carry that merge on without starting it
   * again. Returns whether the slice did any work: once one does none, the
   * index is one b-tree.
   */
  mergeSlice(codebaseId: number, pages: number, first: boolean): boolean {
    const fts = ftsTableName(codebaseId);
    const changes = this.connection.statement('SELECT total_changes() AS n');
    return this.connection.transaction(() => {
      const before = (changes.get() as { n: number }).n;
      this.connection.statement(`INSERT INTO ${fts}(${fts}, rank) VALUES ('merge', ?)`).run(first ? -pages : pages);
      // FTS5's own documented test: a slice that changed fewer than two rows had nothing left to merge.
      return (changes.get() as { n: number }).n - before >= 2;
    });
  }
}
