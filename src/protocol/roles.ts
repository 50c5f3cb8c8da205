import * as z from 'zod';

/**
 * What a file is for, as search results report it and `search_code` can
 * restrict to. Decided per file at index time (see src/engine/roles/).
 *
 * - `source`: the code itself
 * - `test`: tests, their fixtures and helpers
 * - `docs`: READMEs, documentation folders, prose formats
 * - `changelog`: CHANGELOG, HISTORY, NEWS, RELEASES and release-note folders
 * - `generated`: generated code and declarations (`*.d.ts`, `*.pb.go`, "DO NOT EDIT" headers, lock files)
 * - `example`: examples, samples, demos and benchmarks
 * - `config`: build and tool configuration, and data (JSON, YAML, TOML, XML…)
 */
export const FILE_ROLES = ['source', 'test', 'docs', 'changelog', 'generated', 'example', 'config'] as const;

export type FileRole = (typeof FILE_ROLES)[number];

export const fileRoleSchema = z.enum(FILE_ROLES, { error: `a role must be one of: ${FILE_ROLES.join(', ')}` });

export function isFileRole(value: unknown): value is FileRole {
  return typeof value === 'string' && (FILE_ROLES as readonly string[]).includes(value);
}
