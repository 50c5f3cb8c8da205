import { watchStateStamp } from './watch-record.ts';

/** How often a server looks at watch.json's mtime (one stat; the file changes only when a watch changes mode). */
const CHECK_MS = 2000;

/**
 * Calls `changed` when the leader's watch record changes, so that status
 * subscribers (the status bar of every window, leader or follower) hear that
 * a codebase fell back to polling, or that nobody watches any more. One stat
 * of one file every two seconds: followers watch nothing on disk.
 */
export function notifyOnWatchStateChange(home: string, changed: () => void): () => void {
  let stamp = watchStateStamp(home);
  const timer = setInterval(() => {
    const now = watchStateStamp(home);
    if (now === stamp) return;
    stamp = now;
    changed();
  }, CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
