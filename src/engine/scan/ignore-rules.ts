import ignore, { type Ignore } from 'ignore';
import type { ExclusionSource } from './exclusions.ts';

/** Ignore files read in every folder, in .gitignore syntax. */
export const IGNORE_FILE_NAMES = ['.gitignore', '.batonignore'] as const;

/** Rules that apply from the codebase root down, before any folder's own ignore files. */
export interface RootRules {
  readonly source: ExclusionSource;
  /** Patterns, or the text of an ignore file. */
  readonly patterns: string | readonly string[];
  /**
   * The codebase root's path inside the folder these patterns are relative to,
   * with a trailing "/" ('' when that folder is the root): git's excludes are
   * relative to the top of the work tree, which may be above the codebase.
   */
  readonly prefix?: string;
}

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
  readonly prefix: string;
  readonly source: ExclusionSource;
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

  /** A chain of root rules, in order of increasing precedence. */
  static root(rules: readonly RootRules[]): IgnoreChain {
    return new IgnoreChain(
      rules.map((rule) => ({
        base: '',
        prefix: rule.prefix ?? '',
        source: rule.source,
        rules: ignore({ allowRelativePaths: true }).add(typeof rule.patterns === 'string' ? rule.patterns : [...rule.patterns]),
        asked: 0,
      })),
    );
  }

  /** This chain plus the rules of an ignore file found in `base`. */
  with(base: string, fileContent: string, source: ExclusionSource): IgnoreChain {
    const rules = ignore({ allowRelativePaths: true }).add(fileContent);
    return new IgnoreChain([...this.sets, { base, prefix: '', source, rules, asked: 0 }]);
  }

  /** Whether a root-relative path (folders end in "/") is excluded. */
  ignores(relativePath: string): boolean {
    return this.excludedBy(relativePath) !== undefined;
  }

  /** The source of the rule that excludes a root-relative path (folders end in "/"), or undefined when it is not excluded. */
  excludedBy(relativePath: string): ExclusionSource | undefined {
    let decidedBy: ExclusionSource | undefined;
    for (const set of this.sets) {
      if (++set.asked > ANSWERS_KEPT) {
        set.rules = ignore({ allowRelativePaths: true }).add(set.rules);
        set.asked = 0;
      }
      const local = set.prefix + (set.base === '' ? relativePath : relativePath.slice(set.base.length + 1));
      const verdict = set.rules.test(local);
      if (verdict.ignored) decidedBy = set.source;
      else if (verdict.unignored) decidedBy = undefined;
    }
    return decidedBy;
  }
}

