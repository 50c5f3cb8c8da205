/**
 * Commit subjects as queries: which subjects are kept, how they are cleaned,
 * and how a query is tagged. These rules were fixed before any system was
 * scored on the queries, and are written down in docs/benchmarks.md.
 */

/** Why a subject is not a query (undefined: it is one). */
export type SubjectRejection = 'merge' | 'revert' | 'version' | 'dependencies' | 'typo' | 'short';

/** A conventional-commit type with an optional scope and "!": "fix(router): ", "feat!: ", "chore(deps): ". */
const CONVENTIONAL_PREFIX =
  /^(feat|feature|fix|bugfix|hotfix|chore|docs?|refactor|perf|test|tests|build|ci|style|revert|deps|security|types?)(\([^)]*\))?!?:\s*/i;
/** A bracketed tag at the start, as "[Fix #123] ", "[Fixes #1, #2] ", "[#123] ", "[Fix] ", "[core] ". */
const BRACKETED_PREFIX = /^\[[^\]]*\]\s*/;
/** A bare issue number at the start: "#13002 Improve…". */
const LEADING_ISSUE_NUMBER = /^#\d+:?\s+/;
/** "(#123)" and "(#1, #2)" anywhere. */
const PULL_REQUEST_NUMBER = /\s*\(#\d+(?:\s*,\s*#\d+)*\)/g;
/** A trailing ", fixes #123" / " closes #12" / " refs #1". */
const TRAILING_ISSUE_REFERENCE = /[,;]?\s*\(?\b(?:fix|fixes|fixed|close|closes|closed|resolve|resolves|resolved|ref|refs|see)\s+#\d+\)?\s*$|\s+#\d+$/i;
const SKIP_CI = /\s*\[(?:ci skip|skip ci|no ci)\]/gi;

const MERGE = /^merge\b/i;
const REVERT = /^revert(s|ed|ing)?\b|\brevert(s|ed)? "/i;
const VERSION_NUMBER = /\bv?\d+\.\d+(?:\.\d+)*(?:[-+.][0-9A-Za-z]+)*\b/;
/** Subjects that are a release or a version bump: "10.9.0", "ignore-0.4.33", "Update to 13.0.4", "Prepare release", "bump version". */
const VERSION_PATTERNS = [
  /^v?\d+\.\d+(?:\.\d+)*\S*$/,
  /^[\w.@/-]+-v?\d+\.\d+(?:\.\d+)*\S*$/,
  /\bbump(s|ed|ing)?\b/i,
  /^(prepare|preparing|cut|cutting|tag|tagging)\b.*\b(release|version|v?\d+\.\d+)/i,
  /^releas(e|ed|ing)\b/i,
  /\brelease[- ](please|notes|candidate|v?\d)/i,
  /\bversion\b.*\d+\.\d+/i,
  /\bv?\d+\.\d+.*\bversion\b/i,
  /^(update|updated|set|sets)\s+(to|for)\s+v?\d/i,
];
/** A version number next to one of these words is a version bump too ("Update pom.xml for v1.23.1", "changelog update for 10.9.0"). */
const VERSION_WORDS = /\b(update[sd]?|bump|releases?|released|prepare|changelog|tag|tagged)\b/i;
const DEPENDENCY_UPDATE = /\b(update|updates|updated|upgrade|upgrades|upgraded|refresh)\b.*\b(dep|deps|dependency|dependencies|packages|lock ?file|lockfile|go\.mod|go\.sum|cargo\.lock|requirements)\b/i;
const TYPO = /\btypos?\b|\bspelling\b|\bmisspell(ing|ings|ed)?\b/i;

/** Minimum words in a cleaned subject. */
export const MIN_SUBJECT_WORDS = 4;

/** The query text of a subject: PR numbers, issue references and conventional-commit prefixes removed. */
export function cleanSubject(subject: string): string {
  let text = subject.trim().replace(SKIP_CI, '');
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(CONVENTIONAL_PREFIX, '').replace(BRACKETED_PREFIX, '').replace(LEADING_ISSUE_NUMBER, '');
  }
  text = text.replace(PULL_REQUEST_NUMBER, '');
  for (let previous = ''; previous !== text; ) {
    previous = text;
    text = text.replace(TRAILING_ISSUE_REFERENCE, '');
  }
  return text.replace(/\s+/g, ' ').trim();
}

/** Words of a cleaned subject: whitespace-separated pieces with a letter ("#3056", "6" and "->" are not words). */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter((piece) => /\p{L}/u.test(piece)).length;
}

/** Why a raw commit subject is not used as a query, or undefined when it is used (as `cleanSubject(subject)`). */
export function rejectSubject(subject: string): SubjectRejection | undefined {
  const raw = subject.trim();
  if (MERGE.test(raw)) return 'merge';
  if (REVERT.test(raw)) return 'revert';
  const cleaned = cleanSubject(raw);
  if (VERSION_PATTERNS.some((pattern) => pattern.test(cleaned) || pattern.test(raw))) return 'version';
  if (VERSION_NUMBER.test(cleaned) && VERSION_WORDS.test(cleaned)) return 'version';
  if (DEPENDENCY_UPDATE.test(cleaned)) return 'dependencies';
  if (TYPO.test(cleaned)) return 'typo';
  if (wordCount(cleaned) < MIN_SUBJECT_WORDS) return 'short';
  return undefined;
}

export type QueryKind = 'identifier' | 'prose';

/** Tokens that look like code. */
const IDENTIFIER_PATTERNS: readonly RegExp[] = [
  // camelCase: a lower-case start, then a capital (parseConfig, uv_fileno is snake below)
  /(?<![\p{L}\p{N}_])[a-z][a-z0-9]*[A-Z][\p{L}\p{N}_]*/u,
  // PascalCase with an inner capital (ParseConfig, GitHub; JObject, W3CDom, XMLHttpRequest)
  /(?<![\p{L}\p{N}_])[A-Z][a-z][a-z0-9]*[A-Z][\p{L}\p{N}_]*/u,
  /(?<![\p{L}\p{N}_])[A-Z][A-Z0-9]*[A-Z][a-z]{2,}[\p{L}\p{N}_]*/u,
  // snake_case and SCREAMING_SNAKE (parse_config, UV_HANDLE_READING, __init__)
  /[A-Za-z0-9]_[A-Za-z0-9]|__[a-z]+__/,
  // a call: foo(), uv_accept(), ToString(Formatting) (not a plural "(s)")
  /[\p{L}\p{N}_$]\((?!s\))[^()\s]*\)/u,
  // a member or qualified name: a.b, Rack.Request (not "e.g." / "i.e.")
  /(?<![\p{L}\p{N}_.])(?!(?:e\.g|i\.e)\b)[A-Za-z_$][\p{L}\p{N}_$]*\.[A-Za-z_$][\p{L}\p{N}_$]*/u,
  // a scope: Rack::Request, std::io
  /[\p{L}\p{N}_]::[\p{L}\p{N}_]/u,
];

/** `identifier` when the query holds a token that looks like code, else `prose`. */
export function queryKind(query: string): QueryKind {
  return IDENTIFIER_PATTERNS.some((pattern) => pattern.test(query)) ? 'identifier' : 'prose';
}

/** Kinds of non-source file a query asks for by name. */
export type AskedRole = 'test' | 'docs' | 'changelog' | 'example';

const ASKS: readonly [AskedRole, RegExp][] = [
  ['test', /\b(tests?|testing|specs?)\b/i],
  ['docs', /\b(docs?|documentation|readme)\b/i],
  ['changelog', /\b(changelog|changelogs)\b/i],
  ['example', /\b(examples?)\b/i],
];

/** The non-source roles a query names ("add a test for…", "fix the docs example"). */
export function askedRoles(query: string): Set<AskedRole> {
  return new Set(ASKS.filter(([, pattern]) => pattern.test(query)).map(([role]) => role));
}
