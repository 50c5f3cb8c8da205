import { realpathSync } from 'node:fs';
import os from 'node:os';
import type { LeaderDuty } from '../coordination/leader-duties.ts';
import type { Engine } from '../engine/engine.ts';
import { errorMessage } from '../engine/errors.ts';
import type { WatchConfig } from '../engine/watch/watch-config.ts';
import type { WatchService } from '../engine/watch/watch-service.ts';
import { WATCH_STATE_VERSION } from '../protocol/watch-state.ts';
import type { Logger } from './logger.ts';
import { removeWatchState, writeWatchState } from './watch-record.ts';

export interface WatchDutyOptions {
  readonly home: string;
  readonly engine: Engine;
  readonly config: WatchConfig;
  readonly log: Logger;
  /** After each publication of the watch record (to tell this server's own status subscribers). */
  readonly onChange?: () => void;
}

/**
 * The leader's file watch as a leader duty: while this process holds the
 * seat it watches every indexed codebase and publishes how in
 * BATON_HOME/watch.json; when it gives the seat up it stops at once and
 * removes the record, and the next leader starts its own. The watch code is
 * loaded when the duty first starts: a follower never loads it.
 */
export function watchDuty(options: WatchDutyOptions): LeaderDuty {
  const { home, engine, config, log } = options;
  const prefixed = { info: (message: string) => log.info(`watch: ${message}`), warn: (message: string) => log.warn(`watch: ${message}`) };
  let service: WatchService | undefined;
  /** Counts starts and stops: a load that lands after a later stop (or start) starts nothing. */
  let generation = 0;
  const begin = (epoch: number, Service: typeof WatchService): void => {
    const started = new Service({
      engine,
      config,
      log: prefixed,
      skipFolders: [realFolder(home)],
      onChange: (codebases) => {
        if (service !== started) return;
        try {
          writeWatchState(home, { version: WATCH_STATE_VERSION, pid: process.pid, host: os.hostname(), epoch, updatedAt: Date.now(), codebases });
        } catch (error) {
          log.warn(`watch: cannot write ${home}/watch.json: ${errorMessage(error)}`);
        }
        options.onChange?.();
      },
    });
    service = started;
    started.start();
  };
  return {
    name: 'watch',
    start(epoch) {
      service?.stop();
      service = undefined;
      const current = ++generation;
      if (config.mode === 'off') log.info('watch: watching is off (BATON_WATCH=0): changes made outside an editor reach the index on re-index or when a search meets them');
      void import('../engine/watch/watch-service.ts')
        .then(({ WatchService: Service }) => {
          if (current === generation) begin(epoch, Service);
        })
        .catch((error: unknown) => log.warn(`leader duty "watch" did not start: ${errorMessage(error)}`));
    },
    stop() {
      generation++;
      service?.stop();
      service = undefined;
      removeWatchState(home, process.pid);
    },
  };
}

function realFolder(folder: string): string {
  try {
    return realpathSync.native(folder);
  } catch {
    return folder;
  }
}
