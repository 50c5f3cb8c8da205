import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { knownExtensions } from '../languages.ts';
import { FTS_TOKENIZER } from '../store/schema.ts';

/** Terms whose answer is kept (about 100 bytes each). */
const MAX_ANSWERS = 10_000;

/**
 * Which query terms may match the search table's extension column. That
 * column (ext) holds each chunk's file extension, and a search names the
 * columns it looks in (`{symbols path body} : …`) only to keep a term like
 * "ts" or "json" from matching every chunk of such files. Naming columns
 * costs FTS5 a filter of every matching row's positions: 6–11 % of the
 * slowest rankings on the bench corpus. A term no extension tokenizes to
 * matches the same rows, in the same columns, with the same bm25, without
 * it.
 *
 * The check is FTS5's own: the extensions are written into an in-memory
 * table with the codebases' tokenizer (its stemming makes "rs" of ".rs"),
 * and a term may match the column when it matches that table. The
 * extensions are every one Baton indexes by itself plus the custom ones of
 * the codebases searched so far, so a term that might match keeps the column
 * names. Files of other extensions can be stored too: a newer Baton may index
 * more languages, and a custom extension taken out of the settings stays until
 * the next full run deletes its files. Their words do no harm either, as
 * long as a file's path terms hold every word of two letters or more of its
 * extension (tokenize.ts pathTerms, checked by a test): such a word matches
 * the row through the path column anyway, and query terms have two letters
 * or more.
 */
export class ExtensionTokens {
  private db: DatabaseSync | undefined;
  private lookup: StatementSync | undefined;
  private readonly added = new Set<string>();
  /** Answers by term, forgotten past MAX_ANSWERS: a long-lived server meets ever new words. */
  private readonly answers = new Map<string, boolean>();

  /** Whether `term` may match the extension column of a codebase with these custom extensions (".ext"). */
  mayMatch(term: string, customExtensions: readonly string[]): boolean {
    const lookup = this.table(customExtensions);
    let answer = this.answers.get(term);
    if (answer === undefined) {
      answer = lookup.get(`"${term.replaceAll('"', '""')}"`) !== undefined;
      if (this.answers.size >= MAX_ANSWERS) this.answers.clear();
      this.answers.set(term, answer);
    }
    return answer;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
    this.lookup = undefined;
    this.added.clear();
    this.answers.clear();
  }

  private table(customExtensions: readonly string[]): StatementSync {
    if (!this.db || !this.lookup) {
      this.db = new DatabaseSync(':memory:');
      this.db.exec(`CREATE VIRTUAL TABLE extensions USING fts5(ext, tokenize='${FTS_TOKENIZER}')`);
      this.lookup = this.db.prepare('SELECT 1 AS hit FROM extensions WHERE extensions MATCH ? LIMIT 1');
      this.add(knownExtensions());
    }
    const fresh = customExtensions.filter((extension) => !this.added.has(extension));
    if (fresh.length > 0) {
      this.add(fresh);
      // A new extension can only add matches.
      for (const [term, answer] of this.answers) if (!answer) this.answers.delete(term);
    }
    return this.lookup;
  }

  private add(extensions: readonly string[]): void {
    const insert = this.db!.prepare('INSERT INTO extensions(ext) VALUES (?)');
    for (const extension of extensions) {
      this.added.add(extension);
      // As the writer fills the column (prepare.ts fileSearchTerms): the extension without its dot.
      insert.run(extension.startsWith('.') ? extension.slice(1) : extension);
    }
  }
}
