/**
 * Phrases of messages that travel between processes as text (a leader's
 * refusal reaches a follower's window as an error message) and that a
 * receiver recognises. Kept free of imports: the extension's activation
 * bundle reads it.
 */

/** In the refusal of a folder with more indexable files than BATON_MAX_FILES ("… has 61,234 files to index, over the limit of 50,000 …"). */
export const OVER_FILE_LIMIT_PHRASE = 'files to index, over the limit of';

export function isOverFileLimit(message: string): boolean {
  return message.includes(OVER_FILE_LIMIT_PHRASE);
}
