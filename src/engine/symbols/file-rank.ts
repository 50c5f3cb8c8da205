import type { FileRole } from '../../protocol/roles.ts';
import { roleOfFile } from '../roles/file-role.ts';

/**
 * Symbol answers put a codebase's own code first: tests, examples and
 * generated code (declaration files included) come after it. Decided from the
 * file's role when it is indexed (see roles/file-role.ts).
 */
const SECONDARY_ROLES: ReadonlySet<FileRole> = new Set(['test', 'example', 'generated']);

export function isSecondary(role: FileRole): boolean {
  return SECONDARY_ROLES.has(role);
}

/** A stored file's role; rows written before roles existed are judged by their path, as search does. */
export function roleOf(stored: { readonly path: string; readonly role: FileRole | null }): FileRole {
  return stored.role ?? roleOfFile(stored.path);
}
