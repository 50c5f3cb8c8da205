import { FencedError } from '../errors.ts';
import { isBusy } from './busy-retry.ts';
import { leadingVarint } from './chunk-search.ts';
import type { StoreConnection } from './connection.ts';
import { freshFtsTableName, ftsTableName, symbolSearchTableName } from './schema.ts';

/**
 * The b-tree pages one step of merging writes: about 2 ms of work, 20 ms at
 * most, during a first index of the bench corpus. Steps that also drop
 * deleted rows (a forced re-index) take longer, up to some 60 ms.
 */
const PAGES_PER_STEP = 64;
/** FTS5's own default: merge inside each commit once a level holds this many b-trees. */
const FTS5_DEFAULT_AUTOMERGE = 4;
/** The structure record of an FTS5 table: which b-trees (segments) it has, at id 10 of its data table. */
const STRUCTURE_ROWID = 10;
/** The marker after the structure record's 4-byte cookie in tables that support contentless deletes. */
const STRUCTURE_V2 = [0xff, 0x00, 0x00, 0x01];

/**
 * Merging of a codebase's full-text tables (its chunks' search table, and its
 * symbols' table) done in small steps between other tasks, instead of inside
 * the commits that write them.
 *
 * FTS5 writes each commit's terms as a new b-tree, and by default merges
 * b-trees inside the commit ('automerge'). During a full index that merging
 * was a fifth of the writing (11.2 → 9.1 s on the bench corpus) and made the
 * longest holds of the thread that answers the election and MCP (event-loop
 * delay p99 44–48 → 36–40 ms, max 105–150 → 87–107 ms); during a forced re-index,
 * where merging also drops the deleted rows, single commits took seconds. So
 * a full pass turns automerge off for the codebase's tables and does the same
 * work here, in steps of PAGES_PER_STEP pages, each its own fenced
 * transaction, after the batches it is told of. The pass gives automerge back
 * when it ends, for older Batons that write the tables next and merge only
 * that way; a pass that had nothing to write gives it back too if a pass that
 * was killed left it off.
 */
export class FtsMerges {
  private readonly connection: StoreConnection;
  /** Tables that may have b-trees to merge, in the order they get a step. */
  private readonly pending = new Set<string>();
  /** Tables whose automerge this process turned off, for the pass now running. */
  private readonly taken = new Set<string>();
  private scheduled: NodeJS.Immediate | undefined;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(connection: StoreConnection) {
    this.connection = connection;
  }

  /** The tables' commits stop merging: a full pass starts, and calls `written` after its batches. */
  takeOver(codebaseId: number): void {
    for (const table of this.tablesOf(codebaseId)) this.take(table);
  }

  /** The tables' commits merge again, as FTS5 does by default: the pass ended. Steps already due still run. */
  giveBack(codebaseId: number): void {
    for (const table of this.tablesOf(codebaseId)) {
      this.setAutomerge(table, FTS5_DEFAULT_AUTOMERGE);
      this.taken.delete(table);
    }
  }

  /** Gives merging back if a pass took it and never did (it was killed, or its writer deposed). Only reads otherwise. */
  giveBackIfTaken(codebaseId: number): void {
    for (const table of this.tablesOf(codebaseId)) {
      const row = this.connection.statement(`SELECT v FROM ${table}_config WHERE k = 'automerge'`).get() as { v: unknown } | undefined;
      if (row?.v === 0) this.setAutomerge(table, FTS5_DEFAULT_AUTOMERGE);
    }
  }

  /**
   * A batch was written to the codebase's tables: merge what it made
   * mergeable, a step at a time. A table the batch created (the symbols'
   * table of a first index) is taken over here.
   */
  written(codebaseId: number): void {
    if (this.closed) return;
    for (const table of this.tablesOf(codebaseId)) {
      if (!this.taken.has(table)) this.take(table);
      this.pending.add(table);
    }
    this.schedule();
  }

  /**
   * Merges the codebase's tables down in steps, leaving automerge as it is:
   * a search table rebuilt in many small commits, which automerge barely
   * merged (16 b-trees after a forced re-index of the bench corpus).
   */
  tidy(codebaseId: number): void {
    if (this.closed) return;
    for (const table of this.tablesOf(codebaseId)) this.pending.add(table);
    this.schedule();
  }

  /** Drops the steps still due for the codebase's search table: it is about to be replaced (rebuilt). */
  forget(codebaseId: number): void {
    this.pending.delete(ftsTableName(codebaseId));
    if (this.pending.size === 0) this.settleIdle();
  }

  /**
   * A forced re-index just created the codebase's fresh search table: its
   * commits stop merging at once (the pass's `written` would skip a name it
   * took for an earlier fresh table), and any steps due for an earlier one go.
   */
  takeOverFreshTable(codebaseId: number): void {
    const fresh = freshFtsTableName(codebaseId);
    this.pending.delete(fresh);
    this.take(fresh);
  }

  /** The codebase's fresh search table was dropped, or a rebuild starts one with FTS5's own merging: nothing of an earlier one applies. */
  forgetFreshTable(codebaseId: number): void {
    const fresh = freshFtsTableName(codebaseId);
    this.pending.delete(fresh);
    this.taken.delete(fresh);
    if (this.pending.size === 0) this.settleIdle();
  }

  /**
   * The codebase's fresh search table took the live one's name (a forced
   * re-index swapped it in): the steps due for the fresh table, and its
   * merging if this pass took it over (FTS5 keeps the setting in the table),
   * now belong to that name; the dropped table's go.
   */
  swapped(codebaseId: number): void {
    const live = ftsTableName(codebaseId);
    const fresh = freshFtsTableName(codebaseId);
    this.pending.delete(live);
    if (this.pending.delete(fresh)) this.pending.add(live);
    this.taken.delete(live);
    if (this.taken.delete(fresh)) this.taken.add(live);
    if (this.pending.size === 0) this.settleIdle();
  }

  /** Drops every step still due: this process no longer writes (its fence refuses every write). */
  forgetAll(): void {
    this.pending.clear();
    this.settleIdle();
  }

  /** Settles once no step is due (or the store closed). For tests and benchmarks. */
  whenIdle(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** How many b-trees one of the codebase's tables has now; undefined when it has no structure record. For tests and benchmarks. */
  segmentCount(codebaseId: number, which: 'chunks' | 'symbols' = 'chunks'): number | undefined {
    const table = which === 'chunks' ? ftsTableName(codebaseId) : symbolSearchTableName(codebaseId);
    const row = this.connection.statement(`SELECT block FROM ${table}_data WHERE id = ?`).get(STRUCTURE_ROWID) as { block: Uint8Array } | undefined;
    if (!(row?.block instanceof Uint8Array)) return undefined;
    // A 4-byte cookie, the V2 marker when present, then varints: the number of levels, then of b-trees.
    let offset = 4;
    if (STRUCTURE_V2.every((byte, index) => row.block[offset + index] === byte)) offset += STRUCTURE_V2.length;
    while (offset < row.block.length && (row.block[offset]! & 0x80) !== 0) offset++;
    return leadingVarint(row.block.subarray(offset + 1));
  }

  /** Stops stepping: the store closes. */
  close(): void {
    this.closed = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.pending.clear();
    this.settleIdle();
  }

  /** The codebase's full-text tables that exist (the symbols' table comes with the first batch that has symbols). */
  private tablesOf(codebaseId: number): string[] {
    return tableNames(codebaseId).filter((table) => this.connection.hasTable(table));
  }

  private take(table: string): void {
    this.setAutomerge(table, 0);
    this.taken.add(table);
  }

  private setAutomerge(table: string, value: number): void {
    this.connection.transaction(() => {
      // FTS5 takes only an integer here, and a bound JavaScript number is a real.
      this.connection.statement(`INSERT INTO ${table}(${table}, rank) VALUES('automerge', ${Math.trunc(value)})`).run();
    });
  }

  private schedule(): void {
    this.scheduled ??= setImmediate(() => {
      this.scheduled = undefined;
      this.step();
    });
  }

  /** One step for the first pending table, which then waits behind the others. */
  private step(): void {
    const [table] = this.pending;
    if (table === undefined || this.closed) return;
    this.pending.delete(table);
    try {
      // Upkeep must not hold the thread waiting for another process's lock: a locked step is skipped.
      if (this.connection.withBusyTimeout(0, () => this.mergeSome(table))) this.pending.add(table);
    } catch (error) {
      // A deposed writer stops for good (it must not write); a table gone (cleared) or locked is left to
      // the merges of its next write. Anything else is said, once, and the table is left the same way.
      if (error instanceof FencedError) this.pending.clear();
      else if (!isBusy(error) && !/no such table/.test((error as Error).message)) {
        process.emitWarning(`baton: merging the full-text table ${table} failed: ${(error as Error).message}`);
      }
    }
    if (this.pending.size > 0) this.schedule();
    else this.settleIdle();
  }

  /** Merges up to PAGES_PER_STEP pages of the table's b-trees; whether there was anything to merge. */
  private mergeSome(table: string): boolean {
    return this.connection.transaction(() => {
      const before = this.totalChanges();
      // A positive count merges only levels holding 'usermerge' (4) b-trees or more, or a merge under way,
      // or else a level whose rows are deleted enough ('deletemerge', 10 %): what automerge would.
      this.connection.statement(`INSERT INTO ${table}(${table}, rank) VALUES('merge', ?)`).run(PAGES_PER_STEP);
      // FTS5's documented test: the command changed two rows or more when it did some work.
      return this.totalChanges() - before >= 2;
    });
  }

  private totalChanges(): number {
    return (this.connection.statement('SELECT total_changes() AS changes').get() as { changes: number }).changes;
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** The full-text tables a codebase may have: its chunks' search table, the fresh one a forced re-index fills, and its symbols' table. */
function tableNames(codebaseId: number): string[] {
  return [ftsTableName(codebaseId), freshFtsTableName(codebaseId), symbolSearchTableName(codebaseId)];
}
