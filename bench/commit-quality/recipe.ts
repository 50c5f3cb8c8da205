/**
 * The recipe of the commit-subject evaluation: which public repositories, at
 * which commit, and how many queries each gives. No code of these
 * repositories is stored in this project; the bench clones (or reuses) them.
 *
 * Chosen as well-known, mid-sized (≲ 3,000 indexable files), permissively
 * licensed projects with descriptive commit subjects, one per language.
 * (modelcontextprotocol/typescript-sdk and google/gson are deliberately not
 * here: another team evaluates on them, and we must not tune on them.)
 */
export interface RepoRecipe {
  /** owner/name on GitHub. */
  readonly repo: string;
  /** The language the per-language figures file it under. */
  readonly language: string;
  readonly license: string;
  /** The commit whose tree is indexed; queries come from the history before it. */
  readonly pin: string;
  /** Commit date of the pin (for the reader; not used). */
  readonly pinDate: string;
}

export const REPOS: readonly RepoRecipe[] = [
  { repo: 'psf/black', language: 'python', license: 'MIT', pin: '8947c48ef2077c3a301b03c1e814dc2e3f78436e', pinDate: '2026-08-20' },
  { repo: 'caddyserver/caddy', language: 'go', license: 'Apache-2.0', pin: '0cf03d32f7d99cf160d5375e8a40fbe3d910d515', pinDate: '2026-08-21' },
  { repo: 'BurntSushi/ripgrep', language: 'rust', license: 'MIT/Unlicense', pin: '3fce3b5bb0236da2df6d99672afb8a719642eca7', pinDate: '2026-08-04' },
  { repo: 'jhy/jsoup', language: 'java', license: 'MIT', pin: '46b620860af930eedc193a705eaf7cea5aec89a6', pinDate: '2026-08-22' },
  { repo: 'rubocop/rubocop', language: 'ruby', license: 'MIT', pin: '3a42c622171794510e03999c8d55129b73c5dc8f', pinDate: '2026-08-22' },
  { repo: 'composer/composer', language: 'php', license: 'MIT', pin: 'eba7baa59eb1b59246cf9800b0120fe78915b6ac', pinDate: '2026-08-21' },
  { repo: 'libuv/libuv', language: 'c', license: 'MIT', pin: '6179e7af87413396d5853a1c3722c8b5749336c8', pinDate: '2026-05-15' },
  { repo: 'eslint/eslint', language: 'javascript', license: 'MIT', pin: 'c27bc926e496985eb7911c09eb60914b2e4b5d0f', pinDate: '2026-08-21' },
  { repo: 'JamesNK/Newtonsoft.Json', language: 'csharp', license: 'MIT', pin: '09bb545d72969ad7fb4ea07db0d5c34f4fc07877', pinDate: '2026-08-13' },
  { repo: 'honojs/hono', language: 'typescript', license: 'MIT', pin: '28a9c128912de19f3fb28b00ae289c9b93f6f392', pinDate: '2026-08-22' },
];

/** Queries per repository: its most recent qualifying commits before the pin. */
export const QUERIES_PER_REPO = 40;
/** A commit's answer: this many source files at most (and at least one). */
export const MAX_SOURCE_FILES = 3;
/** Results asked of Baton per query (the engine's most), collapsed to files. */
export const BATON_LIMIT = 50;
/** Bump when the way trees are materialised changes, so that cached trees are rebuilt. */
export const TREE_FORMAT = 1;

/** The folder name of a repository's clone and tree: "owner+name". */
export function repoSlug(repo: string): string {
  return repo.replace('/', '+');
}
