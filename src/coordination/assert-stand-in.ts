/**
 * Stands in, in the server's bundle, for Node's `assert` in signal-exit
 * (proper-lockfile's): esbuild.mjs maps signal-exit's `require('assert')` to
 * this file. signal-exit only calls `assert.equal(typeof handler, 'function',
 * message)`; the real module loads Node's assertion machinery (diffs, call
 * trackers) into every server: 0.8 MB of an idle follower (2026-12-01).
 */
export function equal(actual: unknown, expected: unknown, message?: string): void {
  // The loose comparison of assert.equal.
  if (actual != expected) throw new Error(message ?? `${String(actual)} != ${String(expected)}`);
}
