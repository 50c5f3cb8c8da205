/**
 * Timing of the seat, the same in every process (they must agree on when a
 * lock is stale). proper-lockfile refreshes the lock's mtime every
 * SEAT_UPDATE_MS; a lock not refreshed for SEAT_STALE_MS may be taken over.
 * That only matters for a leader that is alive but frozen (SIGSTOP, a blocked
 * event loop): a dead leader is detected at once, by its endpoint closing and
 * its pid being gone.
 */
export const SEAT_STALE_MS = 5000;
export const SEAT_UPDATE_MS = 1000;

/** The breaker seat is held for milliseconds; 2 s is proper-lockfile's minimum staleness. */
export const BREAKER_STALE_MS = 2000;
export const BREAKER_RETRIES = { retries: 40, minTimeout: 5, maxTimeout: 50, factor: 1.5 };

/** Followers' safety net: how often they check the seat and leader.json without any event. */
export const SAFETY_POLL_MS = 1000;

/** How long a forwarded request waits for a leader to exist before giving up. */
export const LEADER_WAIT_MS = 30_000;
