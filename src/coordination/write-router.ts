import { setTimeout as sleep } from 'node:timers/promises';
import { FencedError, errorMessage } from '../engine/errors.ts';
import type { ForwardedMethod, LeaderResults, RequestParams } from '../protocol/ipc.ts';
import type { LeaderConnection} from './leader-connection.ts';
import { ConnectionLostError, LeaderRequestError } from './leader-connection.ts';
import { LEADER_WAIT_MS } from './timing.ts';

/** What routing a write needs to know of the election. */
export interface WriteTargets {
  /** Waits until this process leads, or follows with an open connection (throws past the deadline). */
  settled(deadline: number): Promise<'leader' | LeaderConnection>;
  isLeader(): boolean;
  /** This leader's write was fenced: it has been replaced, so it steps down before the retry. */
  fenced(): Promise<void>;
  readonly log: { info(message: string): void };
}

/**
 * Runs a write where it belongs: `local` when this process is the leader,
 * else forwarded to the leader. Never refuses for want of a leader: across
 * a failover it waits for the next one (up to LEADER_WAIT_MS) and retries.
 */
export async function routeWrite<M extends ForwardedMethod>(
  targets: WriteTargets,
  method: M,
  params: RequestParams<M>,
  local: () => Promise<LeaderResults[M]>,
): Promise<LeaderResults[M]> {
  const deadline = Date.now() + LEADER_WAIT_MS;
  let attempt = 0;
  for (;;) {
    const target = await targets.settled(deadline);
    try {
      if (target === 'leader') return await local();
      // A retried index joins the run the new leader may already have resumed (older leaders need `attach` for that).
      const retried = attempt > 0 && method === 'index' ? ({ ...params, attach: true } as RequestParams<M>) : params;
      return await target.request(method, retried);
    } catch (error) {
      const leadershipMoved =
        (target === 'leader' && !targets.isLeader()) || // we stepped down while running it
        error instanceof FencedError ||
        error instanceof ConnectionLostError ||
        (error instanceof LeaderRequestError && error.kind === 'not-leader');
      if (!leadershipMoved || Date.now() > deadline) throw error;
      targets.log.info(`${method} is retried with the next leader (${errorMessage(error)})`);
      attempt++;
      if (targets.isLeader() && error instanceof FencedError) await targets.fenced();
      else await sleep(5);
    }
  }
}
