/**
 * The MCP tool contract, defined once: names, input and output schemas.
 * Names and parameters match zilliztech/claude-context so agents prompted for
 * it work unchanged. The server registers these; the extension and tests
 * read results through the same types.
 */
import * as z from 'zod';
import { FILE_ROLES } from './roles.ts';
import { watchSummarySchema } from './watch-state.ts';

export const TOOL_NAMES = {
  index: 'index_codebase',
  search: 'search_code',
  clear: 'clear_index',
  status: 'get_indexing_status',
} as const;

/**
 * Limits of index_codebase's lists. They are the same whether the call runs in
 * the leader or is forwarded to it (the leader endpoint's messages are
 * validated against them too), so a call never passes here and fails there.
 */
export const MAX_CUSTOM_EXTENSIONS = 1000;
export const MAX_EXTENSION_LENGTH = 100;
export const MAX_IGNORE_PATTERNS = 10_000;
export const MAX_PATTERN_LENGTH = 4096;

export const SEARCH_LIMIT_DEFAULT = 10;
export const SEARCH_LIMIT_MAX = 50;
/** Longer queries are refused (see engine/search/search-input.ts): a 1 MB one held the server for minutes. */
export const SEARCH_QUERY_MAX_CHARS = 2000;
export const SEARCH_EXTENSIONS_MAX = 100;

const pathField = z
  .string({ error: 'path must be a string: the absolute path of the codebase folder' })
  .describe('Absolute path of the codebase folder (a sub-folder of an indexed codebase also works for search and status).');

export const indexInput = {
  path: pathField,
  force: z.boolean({ error: 'force must be true or false' }).optional().describe('Start over from an empty index, cancelling a run in progress.'),
  splitter: z
    .enum(['ast', 'langchain'], { error: 'splitter must be "ast" (syntax-aware) or "langchain" (line-based)' })
    .optional()
    .describe('"ast" (default) chunks at functions and classes; "langchain" splits by lines.'),
  customExtensions: z
    .array(z.string().max(MAX_EXTENSION_LENGTH, { error: `an extension in customExtensions is over ${MAX_EXTENSION_LENGTH} characters` }), {
      error: 'customExtensions must be a list of extensions such as [".vue", ".svelte"]',
    })
    .max(MAX_CUSTOM_EXTENSIONS, { error: `customExtensions takes at most ${MAX_CUSTOM_EXTENSIONS} extensions` })
    .optional()
    .describe('Extra file extensions to index, e.g. [".vue", ".svelte"].'),
  ignorePatterns: z
    .array(z.string().max(MAX_PATTERN_LENGTH, { error: `a pattern in ignorePatterns is over ${MAX_PATTERN_LENGTH} characters` }), {
      error: 'ignorePatterns must be a list of .gitignore-style patterns such as ["generated/"]',
    })
    .max(MAX_IGNORE_PATTERNS, { error: `ignorePatterns takes at most ${MAX_IGNORE_PATTERNS} patterns; put long lists in a .batonignore file` })
    .optional()
    .describe('Extra .gitignore-style patterns to exclude, e.g. ["fixtures/", "*.snap"].'),
  waitForCompletion: z
    .boolean({ error: 'waitForCompletion must be true or false' })
    .optional()
    .describe('Keep the call open until indexing ends, sending progress notifications (default false: return at once).'),
  dryRun: z
    .boolean({ error: 'dryRun must be true or false' })
    .optional()
    .describe(
      'Only report what would be indexed — files, bytes, languages, largest folders, what is excluded and why, the estimated time — ' +
        'without indexing or writing anything. Use it before a first index of a large folder.',
    ),
};

export const searchInput = {
  path: pathField,
  query: z
    .string({ error: 'query must be a string' })
    .trim()
    .min(1, { error: 'query is empty: describe what you are looking for, e.g. "where is the config parsed" or "parseConfig"' })
    .max(SEARCH_QUERY_MAX_CHARS, { error: `query is too long: at most ${SEARCH_QUERY_MAX_CHARS} characters. Ask one question, or search for the identifiers it is about` })
    .describe(`What to find: a natural-language question or identifiers (at most ${SEARCH_QUERY_MAX_CHARS} characters).`),
  limit: z
    .number({ error: 'limit must be a number' })
    .int({ error: 'limit must be a whole number' })
    .min(1, { error: `limit must be between 1 and ${SEARCH_LIMIT_MAX}` })
    .max(SEARCH_LIMIT_MAX, { error: `limit must be between 1 and ${SEARCH_LIMIT_MAX}` })
    .optional()
    .describe(`How many results (default ${SEARCH_LIMIT_DEFAULT}, at most ${SEARCH_LIMIT_MAX}).`),
  extensionFilter: z
    .array(z.string(), { error: 'extensionFilter must be a list of extensions such as [".ts", ".py"]' })
    .max(SEARCH_EXTENSIONS_MAX, { error: `extensionFilter has too many entries: at most ${SEARCH_EXTENSIONS_MAX}` })
    .optional()
    .describe('Only files with these extensions, e.g. [".ts", ".py"].'),
  roles: z
    .array(z.enum(FILE_ROLES, { error: (issue) => `unknown role ${JSON.stringify(issue.input)}: roles must be a list of: ${FILE_ROLES.join(', ')} (e.g. ["test"])` }), {
      error: `roles must be a list of: ${FILE_ROLES.join(', ')} (e.g. ["test"])`,
    })
    .optional()
    .describe(
      `Only files of these roles (${FILE_ROLES.join(', ')}), weighed alike, e.g. ["test"] for tests or ["source", "test"]. ` +
        'Default: every role, with source code ranked above tests, examples, docs, config, generated files and changelogs ' +
        '(unless the query asks for one, e.g. "tests for…").',
    ),
};

export const pathOnlyInput = { path: pathField };

export const STATUS_NAMES = ['not_found', 'indexing', 'indexed', 'failed'] as const;

const sizeCount = { files: z.number(), bytes: z.number() };

/** What a dry run found (index_codebase with dryRun). */
export const dryRunSchema = z.object({
  root: z.string(),
  files: z.number().describe('Files that would be indexed.'),
  bytes: z.number(),
  overLimit: z.boolean().describe('More files than the limit: an index would be refused.'),
  maxFiles: z.number(),
  capped: z.boolean().describe('The scan stopped counting at countCap files.'),
  countCap: z.number(),
  languages: z.array(z.object({ language: z.string(), ...sizeCount })),
  largestFolders: z.array(z.object({ folder: z.string(), ...sizeCount })),
  excluded: z
    .array(
      z.object({
        source: z.enum(['built-in', 'core.excludesFile', '.git/info/exclude', 'ignorePatterns', '.gitignore', '.batonignore']),
        folders: z.number(),
        files: z.number(),
        examples: z.array(z.string()),
      }),
    )
    .describe('What the ignore rules left out, by the source of the deciding rule.'),
  skipped: z.object({ tooLarge: z.number(), symlinks: z.number(), unsupported: z.number(), unreadable: z.number() }),
  maxFileBytes: z.number(),
  estimatedSeconds: z.number().describe('Estimated time of a first lexical index at rateBytesPerSecond.'),
  rateBytesPerSecond: z.number(),
  rateSource: z.string(),
});

export const indexOutput = {
  path: z.string().describe('The canonical codebase folder.'),
  status: z.enum(STATUS_NAMES),
  fileCount: z.number().describe('Files found to index.'),
  percent: z.number(),
  chunkCount: z.number(),
  message: z.string(),
  attached: z.boolean().optional().describe('True when a run was already going on this folder: this call follows that run instead of starting another.'),
  dryRun: dryRunSchema.optional().describe('Set for a dry run: what an index would take in. Nothing was indexed.'),
};

export const searchResultSchema = z.object({
  file: z.string().describe('Path relative to the codebase folder.'),
  startLine: z.number(),
  endLine: z.number(),
  language: z.string(),
  role: z.enum(FILE_ROLES).describe('What the file is for: source, test, docs, changelog, generated, example or config.'),
  score: z.number(),
  content: z.string(),
  symbol: z
    .object({ name: z.string(), kind: z.string() })
    .optional()
    .describe('The definition the result is about (the one covering most of its lines) or part of, when the file has symbols.'),
  stale: z
    .boolean()
    .optional()
    .describe('The file changed on disk after it was indexed and is being re-indexed; these lines were checked against the file and are still there.'),
});

export const searchOutput = {
  path: z.string(),
  query: z.string(),
  mode: z.enum(['lexical', 'hybrid']),
  indexStatus: z.enum(STATUS_NAMES),
  results: z.array(searchResultSchema),
  leftOut: z
    .number()
    .optional()
    .describe('Results left out because their file was deleted or changed on disk since it was indexed (it is being re-indexed; search again in a moment).'),
};

export const clearOutput = {
  path: z.string(),
  cleared: z.boolean(),
  fileCount: z.number(),
  chunkCount: z.number(),
};

export const statusOutput = {
  path: z.string(),
  status: z.enum(STATUS_NAMES),
  root: z.string().optional(),
  percent: z.number(),
  totalFiles: z.number(),
  processedFiles: z.number(),
  fileCount: z.number(),
  chunkCount: z.number(),
  message: z.string(),
  watch: watchSummarySchema
    .optional()
    .describe('How changes on disk reach the index: "watching" (change events), "polling" (with the reason), "off", or "none" (no Baton server is running to watch).'),
};

type Shape<T extends z.ZodRawShape> = z.infer<z.ZodObject<T>>;

export type IndexToolInput = Shape<typeof indexInput>;
export type SearchToolInput = Shape<typeof searchInput>;
export type IndexToolOutput = Shape<typeof indexOutput>;
export type SearchToolOutput = Shape<typeof searchOutput>;
export type ClearToolOutput = Shape<typeof clearOutput>;
export type StatusToolOutput = Shape<typeof statusOutput>;
export type SearchResultItem = z.infer<typeof searchResultSchema>;
export type DryRunOutput = z.infer<typeof dryRunSchema>;
