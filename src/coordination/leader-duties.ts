import { errorMessage } from '../engine/errors.ts';

/**
 * A background job that belongs to whoever holds the write seat (the file
 * watch): started when this process takes the seat, stopped — synchronously,
 * before the seat is released — when it gives it up. Followers never run one.
 */
export interface LeaderDuty {
  readonly name: string;
  start(epoch: number): void;
  stop(): void;
}

/** Starts every duty; one that fails to start is logged and does not keep the others from starting. */
export function startDuties(duties: Iterable<LeaderDuty>, epoch: number, log: { warn(message: string): void }): void {
  for (const duty of duties) {
    try {
      duty.start(epoch);
    } catch (error) {
      log.warn(`leader duty "${duty.name}" did not start: ${errorMessage(error)}`);
    }
  }
}

export function stopDuties(duties: Iterable<LeaderDuty>, log: { warn(message: string): void }): void {
  for (const duty of duties) {
    try {
      duty.stop();
    } catch (error) {
      log.warn(`leader duty "${duty.name}" did not stop cleanly: ${errorMessage(error)}`);
    }
  }
}
