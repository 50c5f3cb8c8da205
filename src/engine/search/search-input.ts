import { SEARCH_EXTENSIONS_MAX, SEARCH_QUERY_MAX_CHARS } from '../../protocol/tools.ts';
import { UserError } from '../errors.ts';
import { normalizeExtension } from '../languages.ts';

/**
 * The bounds of a search's own input, checked where every caller passes (the
 * MCP tool, the CLI, a follower's search): a search runs on the thread that
 * answers the election, IPC and MCP, so a query that would hold it for
 * seconds is refused with what to do instead, before any work is done.
 */
export function checkQueryLength(query: string): void {
  if (query.length > SEARCH_QUERY_MAX_CHARS) {
    throw new UserError(
      `the query is ${query.length.toLocaleString('en-US')} characters long; at most ${SEARCH_QUERY_MAX_CHARS.toLocaleString('en-US')} are searched. ` +
        'Ask one question, or search for the identifiers it is about (e.g. "parseConfig"); find_symbol looks names up directly.',
    );
  }
}

/** Extensions as the index keeps them (".ts"), or a UserError naming the entry that is not one. */
export function checkedExtensions(extensionFilter: readonly string[]): string[] {
  if (extensionFilter.length > SEARCH_EXTENSIONS_MAX) {
    throw new UserError(`extensionFilter has ${extensionFilter.length} entries; at most ${SEARCH_EXTENSIONS_MAX} are allowed.`);
  }
  return extensionFilter.map((entry) => {
    const extension = normalizeExtension(entry);
    // A control character (NUL included) would cut the FTS5 string it is quoted in short.
    if (extension.length < 2 || /[\u0000-\u001f\u007f/\\\s]/u.test(extension)) {
      throw new UserError(`extensionFilter entry ${JSON.stringify(entry)} is not a file extension: use entries such as ".ts" or "py".`);
    }
    return extension;
  });
}
