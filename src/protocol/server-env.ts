/**
 * Environment variables the VS Code extension sets for its server (kept free
 * of imports: the extension reads these on its activation path).
 */
export const SERVER_ENV = {
  /** Who this server is, for leader.json and other windows' notifications. */
  label: 'BATON_LABEL',
  /** When set, the server also serves MCP over HTTP on 127.0.0.1 with this bearer secret. */
  httpSecret: 'BATON_HTTP_SECRET',
  /** error | warn | info: how much the server logs on stderr. */
  logLevel: 'BATON_LOG_LEVEL',
  /** "0": the server, when leader, does not watch indexed folders for changes (the baton.watch.enabled setting). */
  watch: 'BATON_WATCH',
  /** Worker threads that parse files while indexing (the baton.index.workers setting); unset: one per core but one. */
  indexWorkers: 'BATON_INDEX_WORKERS',
} as const;

/** Exit code of a server whose runtime cannot run it (no node:sqlite): restarting will not help. */
export const EXIT_UNSUITABLE_RUNTIME = 78;
