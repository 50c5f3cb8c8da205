import { chmodSync, rmSync } from 'node:fs';
import net, { type Server, type Socket } from 'node:net';
import { UserError, errorMessage } from '../engine/errors.ts';
import { HELLO_TIMEOUT_MS, MAX_LINE_BYTES, requestSchema, type ErrorKind, type LeaderEvent, type LeaderRequest, type LeaderResults } from '../protocol/ipc.ts';
import { JsonLineReader, writeLine } from './json-lines.ts';

/** Answers one validated request; throw UserError for a bad request the follower should relay. */
export type RequestHandler = <M extends LeaderRequest['method']>(
  request: Extract<LeaderRequest, { method: M }>,
  peer: PeerInfo,
) => Promise<LeaderResults[M]>;

export interface PeerInfo {
  pid?: number;
  label?: string;
  /** The follower's protocol; undefined for Baton 0.1, which sends none. */
  protocol?: number | undefined;
  version?: string | undefined;
}

interface Peer {
  readonly socket: Socket;
  readonly info: PeerInfo;
  greeted: boolean;
}

/**
 * The leader's side of the endpoint: a Unix socket (0600) or named pipe that
 * followers stay connected to. Each request is validated and answered by id;
 * events go to every greeted follower. Garbage (non-JSON, oversize lines,
 * unknown methods, silent clients) costs the sender its connection or an
 * error reply, never the leader.
 */
export class LeaderEndpoint {
  private readonly server: Server;
  private readonly peers = new Set<Peer>();
  private readonly handler: RequestHandler;
  private readonly onProblem: (message: string) => void;

  private constructor(server: Server, handler: RequestHandler, onProblem: (message: string) => void) {
    this.server = server;
    this.handler = handler;
    this.onProblem = onProblem;
    server.on('connection', (socket) => this.accept(socket));
    // A broken client connection must never take the leader down.
    server.on('error', (error) => onProblem(`endpoint error: ${error.message}`));
  }

  /**
   * Listens at `address`. The caller holds the seat, so a socket file left by
   * a crashed leader is removed first: it must never block a new leader.
   */
  static async listen(address: string, handler: RequestHandler, onProblem: (message: string) => void): Promise<LeaderEndpoint> {
    if (process.platform !== 'win32') rmSync(address, { force: true });
    const server = net.createServer({ allowHalfOpen: false });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (process.platform !== 'win32') chmodSync(address, 0o600);
    return new LeaderEndpoint(server, handler, onProblem);
  }

  get followerCount(): number {
    let count = 0;
    for (const peer of this.peers) if (peer.greeted) count++;
    return count;
  }

  broadcast(event: LeaderEvent): void {
    for (const peer of this.peers) if (peer.greeted) writeLine(peer.socket, event);
  }

  /** Stops listening and drops every follower (they will elect a new leader at once). */
  async close(): Promise<void> {
    for (const peer of this.peers) peer.socket.destroy();
    this.peers.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const peer: Peer = { socket, info: {}, greeted: false };
    this.peers.add(peer);
    socket.setNoDelay(true);
    const helloTimer = setTimeout(() => {
      if (!peer.greeted) socket.destroy();
    }, HELLO_TIMEOUT_MS);
    helloTimer.unref();
    const reader = new JsonLineReader({
      maxLineBytes: MAX_LINE_BYTES,
      onValue: (value) => void this.handle(peer, value),
      onInvalid: (reason, line) => {
        if (reason === 'too-long') {
          this.onProblem(`closed a connection that sent a line over ${MAX_LINE_BYTES} bytes`);
          socket.destroy();
        } else {
          reply(peer, null, 'bad-request', `not JSON: ${line.slice(0, 80)}`);
        }
      },
    });
    socket.on('data', (chunk) => reader.push(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearTimeout(helloTimer);
      this.peers.delete(peer);
    });
  }

  private async handle(peer: Peer, value: unknown): Promise<void> {
    const parsed = requestSchema.safeParse(value);
    if (!parsed.success) {
      const id = typeof (value as { id?: unknown })?.id === 'number' ? (value as { id: number }).id : null;
      reply(peer, id, 'bad-request', `invalid request: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
      return;
    }
    const request = parsed.data;
    if (request.method === 'hello') {
      peer.info.pid = request.params.pid;
      peer.info.label = request.params.label;
      peer.info.protocol = request.params.protocol;
      peer.info.version = request.params.version;
    }
    try {
      const result = await this.handler(request, peer.info);
      // Events go to followers the leader accepted (an incompatible one only hears why not).
      if (request.method === 'hello') peer.greeted = true;
      writeLine(peer.socket, { id: request.id, ok: true, result });
    } catch (error) {
      const kind: ErrorKind = error instanceof UserError ? 'user' : (error as { kind?: ErrorKind }).kind ?? 'internal';
      if (kind === 'internal') this.onProblem(`request ${request.method} failed: ${errorMessage(error)}`);
      reply(peer, request.id, kind, errorMessage(error));
    }
  }
}

function reply(peer: Peer, id: number | null, kind: ErrorKind, message: string): void {
  writeLine(peer.socket, { id, ok: false, error: { kind, message } });
}

/** An error that tells the follower to ask the new leader instead. */
export class NotLeaderError extends Error {
  readonly kind: ErrorKind = 'not-leader';
}

/** The follower's protocol is too old for this leader: the message says which window to reload. */
export class IncompatiblePeerError extends Error {
  readonly kind: ErrorKind = 'incompatible';
}
