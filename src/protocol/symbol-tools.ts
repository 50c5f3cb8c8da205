/**
 * The symbol tools' contract, defined once: names, input and output schemas.
 * The server registers these; the CLI prints the same objects and the
 * extension reads them through the same types.
 */
import * as z from 'zod';
import { SYMBOL_KINDS } from '../engine/symbols/symbol.ts';
import { fileRoleSchema } from './roles.ts';
import { STATUS_NAMES } from './tools.ts';

export const SYMBOL_TOOL_NAMES = {
  findSymbol: 'find_symbol',
  findReferences: 'find_references',
  outline: 'get_file_outline',
} as const;

export const SYMBOL_LIMIT_DEFAULT = 10;
export const SYMBOL_LIMIT_MAX = 100;
export const REFERENCE_LIMIT_DEFAULT = 50;
export const REFERENCE_LIMIT_MAX = 500;

const pathField = z
  .string({ error: 'path must be a string: the absolute path of the codebase folder' })
  .describe('Absolute path of an indexed codebase folder (a sub-folder limits the answer to it).');

const nameField = z
  .string({ error: 'name must be a string: the identifier to look for, e.g. "parseConfig"' })
  .trim()
  .min(1, { error: 'name is empty: pass an identifier, e.g. "parseConfig" (or camel humps such as "PCL" for ParseConfigLoader)' })
  .max(200, { error: 'name is too long: pass one identifier' })
  .refine((name) => !/\s/.test(name), { error: 'name must be one identifier without spaces, e.g. "parseConfig"; use search_code for questions' });

function limitField(fallback: number, max: number) {
  return z
    .number({ error: 'limit must be a number' })
    .int({ error: 'limit must be a whole number' })
    .min(1, { error: `limit must be between 1 and ${max}` })
    .max(max, { error: `limit must be between 1 and ${max}` })
    .optional()
    .describe(`How many results (default ${fallback}, at most ${max}).`);
}

export const findSymbolInput = {
  path: pathField,
  name: nameField.describe('The name to find: exact, any case, a prefix, or camel humps ("SHCT" finds StreamableHTTPClientTransport).'),
  kind: z
    .enum(SYMBOL_KINDS, { error: `kind must be one of: ${SYMBOL_KINDS.join(', ')}` })
    .optional()
    .describe('Only definitions of this kind.'),
  exact: z.boolean({ error: 'exact must be true or false' }).optional().describe('Only names spelled exactly so (no other case, prefix or camel humps).'),
  limit: limitField(SYMBOL_LIMIT_DEFAULT, SYMBOL_LIMIT_MAX),
  includeSource: z
    .boolean({ error: 'includeSource must be true or false' })
    .optional()
    .describe('Give each result the source of the definition (up to 200 lines); use with a small limit.'),
};

export const findReferencesInput = {
  path: pathField,
  name: nameField.describe('The identifier whose uses to find, e.g. "parseConfig".'),
  limit: limitField(REFERENCE_LIMIT_DEFAULT, REFERENCE_LIMIT_MAX),
  includeDefinitions: z
    .boolean({ error: 'includeDefinitions must be true or false' })
    .optional()
    .describe('Also list the definitions of the name (flagged definition: true), first.'),
};

export const outlineInput = {
  path: pathField,
  file: z
    .string({ error: 'file must be a string: a path in the codebase, e.g. "src/index.ts"' })
    .describe('The file: relative to the codebase folder (e.g. "src/index.ts") or absolute.'),
};

const indexInfo = {
  path: z.string().describe('The codebase root.'),
  subfolder: z.string().optional().describe('The sub-folder the answer is limited to.'),
  indexStatus: z.enum(STATUS_NAMES),
  symbolTable: z.enum(['complete', 'partial']).describe('"partial": some files have no symbols yet (indexing, or indexed before symbols existed).'),
  note: z.string().optional().describe('What to do about a partial symbol table.'),
};

const kindField = z.enum(SYMBOL_KINDS);

export const symbolMatchSchema = z.object({
  name: z.string(),
  kind: kindField,
  container: z.string().optional().describe('The enclosing class, module, namespace, impl or function.'),
  file: z.string().describe('Path relative to the codebase folder.'),
  line: z.number().describe('The line of the name (1-based): where to jump.'),
  startLine: z.number(),
  endLine: z.number(),
  language: z.string(),
  signature: z.string().describe('The line of the name, trimmed.'),
  match: z.enum(['exact', 'case-insensitive', 'prefix', 'camel-hump']),
  role: fileRoleSchema.describe("The file's role (source, test, docs, generated…); tests, examples and generated code come after the codebase's own code."),
  source: z.string().optional(),
  sourceTruncated: z.boolean().optional(),
});

export const findSymbolOutput = {
  ...indexInfo,
  name: z.string(),
  results: z.array(symbolMatchSchema),
  truncated: z.boolean().describe('More matches exist beyond the limit.'),
};

export const referenceMatchSchema = z.object({
  file: z.string().describe('Path relative to the codebase folder.'),
  line: z.number(),
  text: z.string().describe('The line, trimmed.'),
  language: z.string(),
  exactCase: z.boolean().describe('Spelled exactly as asked (false: another case).'),
  definition: z.boolean().describe('A definition of the name rather than a use.'),
  enclosing: z.object({ name: z.string(), kind: kindField, line: z.number() }).optional().describe('The innermost definition the line is in.'),
  role: fileRoleSchema,
});

export const findReferencesOutput = {
  ...indexInfo,
  name: z.string(),
  results: z.array(referenceMatchSchema),
  truncated: z.boolean().describe('More uses exist beyond the limit.'),
  fileCount: z.number().describe('Files that use the name (any case).'),
};

export interface OutlineNode {
  name: string;
  kind: (typeof SYMBOL_KINDS)[number];
  container?: string | undefined;
  line: number;
  startLine: number;
  endLine: number;
  signature: string;
  children: OutlineNode[];
}

export const outlineNodeSchema: z.ZodType<OutlineNode> = z.lazy(() =>
  z.object({
    name: z.string(),
    kind: kindField,
    container: z.string().optional(),
    line: z.number(),
    startLine: z.number(),
    endLine: z.number(),
    signature: z.string(),
    children: z.array(outlineNodeSchema),
  }),
);

export const outlineOutput = {
  ...indexInfo,
  file: z.string().describe('Path relative to the codebase folder.'),
  language: z.string(),
  symbols: z.array(outlineNodeSchema).describe('Definitions in source order, each with the ones inside it as children.'),
};

type Shape<T extends z.ZodRawShape> = z.infer<z.ZodObject<T>>;

export type FindSymbolToolInput = Shape<typeof findSymbolInput>;
export type FindReferencesToolInput = Shape<typeof findReferencesInput>;
export type OutlineToolInput = Shape<typeof outlineInput>;
export type FindSymbolToolOutput = Shape<typeof findSymbolOutput>;
export type FindReferencesToolOutput = Shape<typeof findReferencesOutput>;
export type OutlineToolOutput = Shape<typeof outlineOutput>;
export type SymbolMatchItem = z.infer<typeof symbolMatchSchema>;
