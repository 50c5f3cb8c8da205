import ignore, { type Ignore } from 'ignore';

/** Ignore files read in every folder, in .gitignore syntax. */
export const IGNORE_FILE_NAMES = ['.gitignore', '.batonignore'] as const;

/**
 * The `ignore` package remembers the answer for every path it is asked about,
 * for as long as its instance lives: a chain kept by the leader's watch would
 * hold one entry per file of the codebase (27,000 on the bench corpus), and
 * the entries made during a walk all survive into the old generation. Past
 * this many questions a rule set starts over with a fresh instance sharing
 * the same compiled rules.
 */
const ANSWERS_KEPT = 500;

/** The rules of one folder: patterns relative to `base` (a root-relative folder, '' for the root). */
interface RuleSet {
  readonly base: string;
  rules: Ignore;
  /** Questions asked since `rules` was (re)created. */
  asked: number;
}

/**
 * The ignore rules in force in one folder: those of every ancestor, in order.
 * Deeper rules win, as in git: a later `!pattern` can re-include a file that an
 * ancestor's rule excluded (but never inside an excluded folder, since the scan
 * does not enter it).
 */
export class IgnoreChain {
  private readonly sets: readonly RuleSet[];

  private constructor(sets: readonly RuleSet[]) {
    this.sets = sets;
  }

  static root(patterns: readonly string[]): IgnoreChain {
    return new IgnoreChain([{ base: '', rules: ignore({ allowRelativePaths: true }).add([...patterns]), asked: 0 }]);
  }

  /** This chain plus the rules of an ignore file found in `base`. */
  with(base: string, fileContent: string): IgnoreChain {
    const rules = ignore({ allowRelativePaths: true }).add(fileContent);
    return new IgnoreChain([...this.sets, { base, rules, asked: 0 }]);
  }

  /** Whether a root-relative path (folders end in "/") is excluded. */
  ignores(relativePath: string): boolean {
    let ignored = false;
    for (const set of this.sets) {
      if (++set.asked > ANSWERS_KEPT) {
        set.rules = ignore({ allowRelativePaths: true }).add(set.rules);
        set.asked = 0;
      }
      const local = set.base === '' ? relativePath : relativePath.slice(set.base.length + 1);
      const verdict = set.rules.test(local);
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    }
    return ignored;
  }
}
