import os from 'node:os';
import path from 'node:path';
import { UserError } from './errors.ts';

/** Everything the engine reads from the environment, read once. */
export interface EngineConfig {
  /** Data folder: the index database, the leader lock and endpoint. */
  readonly home: string;
  readonly maxFileBytes: number;
  readonly maxFiles: number;
  /** Worker threads that parse and chunk files (BATON_INDEX_WORKERS); undefined: one per core but one. */
  readonly indexWorkers?: number | undefined;
  readonly embedding?: { readonly baseUrl: string; readonly model: string; readonly apiKey?: string } | undefined;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_FILES = 50_000;

export function defaultHome(): string {
  return path.join(os.homedir(), '.baton');
}

/** BATON_HOME, resolved, or the default ~/.baton. */
export function homeFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  return env.BATON_HOME?.trim() ? path.resolve(env.BATON_HOME) : defaultHome();
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new UserError(`${name} must be a positive whole number, got "${raw}".`);
  return value;
}

/** BATON_INDEX_WORKERS: 0 parses in the main thread, 1–64 worker threads; unset: the default. */
function workerCount(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.BATON_INDEX_WORKERS?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 64) throw new UserError(`BATON_INDEX_WORKERS must be a whole number from 0 to 64, got "${raw}".`);
  return value;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const home = homeFromEnv(env);
  const baseUrl = env.BATON_EMBEDDING_BASE_URL?.trim();
  const model = env.BATON_EMBEDDING_MODEL?.trim();
  if (baseUrl && !model) throw new UserError('BATON_EMBEDDING_BASE_URL is set but BATON_EMBEDDING_MODEL is not: set both, or neither for lexical search.');
  if (model && !baseUrl) throw new UserError('BATON_EMBEDDING_MODEL is set but BATON_EMBEDDING_BASE_URL is not: set both, or neither for lexical search.');
  const apiKey = env.BATON_EMBEDDING_API_KEY?.trim();
  return {
    home,
    maxFileBytes: positiveInteger(env, 'BATON_MAX_FILE_BYTES', DEFAULT_MAX_FILE_BYTES),
    maxFiles: positiveInteger(env, 'BATON_MAX_FILES', DEFAULT_MAX_FILES),
    indexWorkers: workerCount(env),
    embedding: baseUrl && model ? { baseUrl, model, ...(apiKey ? { apiKey } : {}) } : undefined,
  };
}
