import { SERVER_ENV } from '../protocol/server-env.ts';
import { withMallocTuning } from '../protocol/malloc-tuning.ts';

/** How to start the server: a program, its arguments and its whole environment. */
export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

export interface LaunchInput {
  /** process.execPath of the extension host. */
  readonly execPath: string;
  /** process.versions.electron: set under desktop VS Code, absent under code-server/web hosts. */
  readonly electronVersion?: string | undefined;
  /** The baton.server.nodePath setting (empty when unset). */
  readonly nodePath?: string | undefined;
  /** Absolute path of the bundled dist/cli.js. */
  readonly serverScript: string;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  /** BATON_* variables for this window's server. */
  readonly serverEnv: Readonly<Record<string, string>>;
}

/**
 * The server runs on the Node the user chose (baton.server.nodePath), else on
 * the extension host's own runtime: under desktop VS Code that is Electron,
 * which behaves as plain Node with ELECTRON_RUN_AS_NODE=1; under code-server
 * it is Node already.
 */
export function serverLaunch(input: LaunchInput): LaunchSpec {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.baseEnv)) if (value !== undefined) env[key] = value;
  // A window's own variables must not leak into a server run by another Node.
  delete env.ELECTRON_RUN_AS_NODE;
  Object.assign(env, input.serverEnv);
  const nodePath = input.nodePath?.trim();
  if (nodePath) return { command: nodePath, args: [input.serverScript, 'mcp'], env: withMallocTuning(env) };
  if (input.electronVersion) env.ELECTRON_RUN_AS_NODE = '1';
  return { command: input.execPath, args: [input.serverScript, 'mcp'], env: withMallocTuning(env) };
}

/** The BATON_* environment of a window's server. */
export function serverEnvironment(options: {
  label: string;
  httpSecret: string;
  logLevel: string;
  /** The baton.watch.enabled setting (default on: nothing is set, so BATON_WATCH from the user's environment still applies). */
  watch?: boolean | undefined;
  /** The baton.index.workers setting; null or undefined: the server's default (or BATON_INDEX_WORKERS from the user's environment). */
  indexWorkers?: number | null | undefined;
  embedding?: { baseUrl: string; model: string; apiKey?: string | undefined } | undefined;
}): Record<string, string> {
  const env: Record<string, string> = {
    [SERVER_ENV.label]: options.label,
    [SERVER_ENV.httpSecret]: options.httpSecret,
    [SERVER_ENV.logLevel]: options.logLevel,
  };
  if (options.watch === false) env[SERVER_ENV.watch] = '0';
  if (typeof options.indexWorkers === 'number') env[SERVER_ENV.indexWorkers] = String(options.indexWorkers);
  if (options.embedding?.baseUrl && options.embedding.model) {
    env.BATON_EMBEDDING_BASE_URL = options.embedding.baseUrl;
    env.BATON_EMBEDDING_MODEL = options.embedding.model;
    if (options.embedding.apiKey) env.BATON_EMBEDDING_API_KEY = options.embedding.apiKey;
  }
  return env;
}
