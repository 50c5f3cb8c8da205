import type { Engine } from '../engine/engine.ts';
import { FencedError, RunStoppedError, UserError, errorMessage } from '../engine/errors.ts';
import type { LeaderRequest, LeaderResults, RequestParams } from '../protocol/ipc.ts';
import type { LeaderInfo } from '../protocol/leader.ts';
import type { PeerInfo } from './leader-endpoint.ts';
import { IncompatiblePeerError, NotLeaderError } from './leader-endpoint.ts';
import { incompatibility, protocolOf } from '../protocol/version.ts';

export interface LeaderServiceContext {
  readonly engine: Engine;
  /** Whether this process still holds the seat: a request that arrives after it stepped down is sent on. */
  readonly isLeader: () => boolean;
  /** This leader's own description, for the follower's hello. */
  readonly self: () => LeaderInfo | undefined;
  readonly log: { info(message: string): void };
}

/** Answers one request a follower forwarded: the leader runs the write on its own engine. */
export async function answerFollower<M extends LeaderRequest['method']>(
  context: LeaderServiceContext,
  request: Extract<LeaderRequest, { method: M }>,
  peer: PeerInfo,
): Promise<LeaderResults[M]> {
  try {
    return await answer(context, request, peer);
  } catch (error) {
    // Failing because this process stopped leading meanwhile (fenced, deposed, shutting down) is
    // not the request's fault: "not-leader" makes the follower send it to the next leader.
    if (error instanceof FencedError || error instanceof RunStoppedError || (!context.isLeader() && request.method !== 'hello')) {
      throw new NotLeaderError(`this process stopped leading while answering (${errorMessage(error)})`);
    }
    throw error;
  }
}

async function answer<M extends LeaderRequest['method']>(
  context: LeaderServiceContext,
  request: Extract<LeaderRequest, { method: M }>,
  peer: PeerInfo,
): Promise<LeaderResults[M]> {
  const self = context.self();
  if (!context.isLeader() || !self) throw new NotLeaderError('this process is no longer the leader');
  const { engine } = context;
  switch (request.method) {
    case 'hello': {
      const who = `${peer.label ?? '?'}, Baton ${peer.version ?? '0.1'} (pid ${peer.pid ?? '?'})`;
      const problem = incompatibility(protocolOf(peer), `The follower ${who}`);
      if (problem) {
        context.log.info(`refused follower ${who}: protocol ${protocolOf(peer)}`);
        throw new IncompatiblePeerError(problem);
      }
      context.log.info(`follower connected: ${who}`);
      return { leader: self } as LeaderResults[M];
    }
    case 'index': {
      // `attach` (sent by older followers on a retry) is what every request does now.
      const { path, force, splitter, customExtensions, ignorePatterns } = request.params as RequestParams<'index'>;
      const started = await engine.startIndex(path, { force, splitter, customExtensions, ignorePatterns });
      return { root: started.root, fileCount: started.fileCount, chunkCount: started.codebase.chunkCount, attached: started.attached === true } as LeaderResults[M];
    }
    case 'clear': {
      const removed = await engine.clear((request.params as RequestParams<'clear'>).path);
      return { root: removed.root, fileCount: removed.fileCount, chunkCount: removed.chunkCount } as LeaderResults[M];
    }
    case 'refresh': {
      const { path, files } = request.params as RequestParams<'refresh'>;
      return (await engine.refreshFiles(path, files)) as LeaderResults[M];
    }
    default:
      throw new UserError('unknown method');
  }
}
