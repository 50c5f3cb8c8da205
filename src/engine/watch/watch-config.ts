import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';

/**
 * How the leader keeps indexed codebases fresh, read once from the
 * environment. `events`: change events from the operating system (with a
 * bounded poll as the fallback); `poll`: only the bounded poll (for file
 * systems whose events do not reach this machine and are not recognised);
 * `off`: neither (editors' events and the search-time check still apply).
 */
export interface WatchConfig {
  readonly mode: 'events' | 'poll' | 'off';
  /** Quiet time after the last event before a batch is applied. */
  readonly settleMs: number;
  /** A steady stream of events is still applied at least this often. */
  readonly maxDelayMs: number;
  /** A fixed poll interval; unset, the interval adapts to what a pass costs. */
  readonly pollMs: number | undefined;
  /** How many folders this process may watch on Linux (each costs one inotify watch). */
  readonly maxFolders: number;
}

export const WATCH_ENV = {
  /** on (default) | off | poll */
  mode: 'BATON_WATCH',
  debounceMs: 'BATON_WATCH_DEBOUNCE_MS',
  pollMs: 'BATON_WATCH_POLL_MS',
  maxFolders: 'BATON_WATCH_MAX_FOLDERS',
} as const;

export const DEFAULT_SETTLE_MS = 75;
/** When fs.inotify.max_user_watches cannot be read: the kernel's long-standing default. */
const FALLBACK_MAX_USER_WATCHES = 8192;

export function watchConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WatchConfig {
  const settleMs = whole(env, WATCH_ENV.debounceMs, DEFAULT_SETTLE_MS, 0);
  return {
    mode: watchMode(env[WATCH_ENV.mode]),
    settleMs,
    maxDelayMs: Math.max(400, settleMs * 4),
    pollMs: env[WATCH_ENV.pollMs]?.trim() ? whole(env, WATCH_ENV.pollMs, 0, 50) : undefined,
    // Half of the user's inotify watches at most: editors and other tools need theirs too.
    maxFolders: whole(env, WATCH_ENV.maxFolders, Math.floor(maxUserWatches() / 2), 1),
  };
}

function watchMode(raw: string | undefined): WatchConfig['mode'] {
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '' || value === '1' || value === 'on' || value === 'true') return 'events';
  if (value === '0' || value === 'off' || value === 'false') return 'off';
  if (value === 'poll') return 'poll';
  throw new UserError(`${WATCH_ENV.mode} must be "on", "off" or "poll", got "${raw}".`);
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, minimum: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) throw new UserError(`${name} must be a whole number of at least ${minimum}, got "${raw}".`);
  return value;
}

/** fs.inotify.max_user_watches on Linux (shared by every process of this user). */
export function maxUserWatches(): number {
  try {
    const value = Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim());
    return Number.isInteger(value) && value > 0 ? value : FALLBACK_MAX_USER_WATCHES;
  } catch {
    return FALLBACK_MAX_USER_WATCHES;
  }
}
