import net, { type Socket } from 'node:net';
import { UserError } from '../engine/errors.ts';
import type { LeaderInfo } from '../protocol/leader.ts';
import {
  MAX_LINE_BYTES,
  RESULT_SCHEMAS,
  requestTooLarge,
  eventSchema,
  leaderMessageSchema,
  type ErrorKind,
  type ForwardedMethod,
  type LeaderEvent,
  type LeaderRequest,
  type LeaderResults,
  type RequestParams,
} from '../protocol/ipc.ts';
import { JsonLineReader, writeLine } from './json-lines.ts';

/** The connection dropped before the answer came: the leader is gone. Ask the next one. */
export class ConnectionLostError extends Error {
  override readonly name = 'ConnectionLostError';
}

/** The leader answered with an error that is not the caller's fault (or it stepped down). */
export class LeaderRequestError extends Error {
  override readonly name = 'LeaderRequestError';
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

interface Pending {
  readonly method: LeaderRequest['method'];
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A follower's connection to the leader endpoint. Its closing — which the
 * kernel does the instant the leader process dies, even on SIGKILL — is the
 * follower's signal to try the seat.
 */
export class LeaderConnection {
  readonly leader: LeaderInfo;
  private readonly socket: Socket;
  private readonly pending: Map<number, Pending>;
  private readonly eventListeners = new Set<(event: LeaderEvent) => void>();
  private readonly closeListeners = new Set<() => void>();
  private nextId: number;
  private closed = false;

  private constructor(socket: Socket, leader: LeaderInfo, pending: Map<number, Pending>, nextId: number) {
    this.socket = socket;
    this.leader = leader;
    this.pending = pending;
    this.nextId = nextId;
  }

  /**
   * Connects and greets; resolves with the leader's own description of
   * itself. A leader that accepts but does not answer within `helloTimeoutMs`
   * (frozen) is given up on.
   */
  static async open(address: string, hello: RequestParams<'hello'>, helloTimeoutMs = 2000): Promise<LeaderConnection> {
    const socket = await connectSocket(address);
    const timer = setTimeout(() => socket.destroy(), helloTimeoutMs);
    socket.setNoDelay(true);
    const pending = new Map<number, Pending>();
    const early: LeaderEvent[] = [];
    let connection: LeaderConnection | undefined;
    const reader = new JsonLineReader({
      maxLineBytes: MAX_LINE_BYTES,
      onValue: (value) => {
        const parsed = leaderMessageSchema.safeParse(value);
        if (!parsed.success) return;
        const message = parsed.data;
        if ('event' in message) {
          const event = eventSchema.parse(message);
          if (connection) connection.emitEvent(event);
          else early.push(event);
          return;
        }
        if (message.id === null) return;
        const waiter = pending.get(message.id);
        if (!waiter) return;
        pending.delete(message.id);
        if (message.ok) {
          const checked = RESULT_SCHEMAS[waiter.method].safeParse(message.result);
          if (checked.success) waiter.resolve(checked.data);
          else waiter.reject(new LeaderRequestError('internal', `malformed ${waiter.method} answer from the leader`));
        } else if (message.error.kind === 'user') {
          waiter.reject(new UserError(message.error.message));
        } else {
          waiter.reject(new LeaderRequestError(message.error.kind, message.error.message));
        }
      },
      onInvalid: () => socket.destroy(),
    });
    socket.on('data', (chunk) => reader.push(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      for (const waiter of pending.values()) waiter.reject(new ConnectionLostError('the leader went away'));
      pending.clear();
      connection?.markClosed();
    });
    const helloAnswer = new Promise<LeaderResults['hello']>((resolve, reject) => {
      pending.set(0, { method: 'hello', resolve: (value) => resolve(value as LeaderResults['hello']), reject });
    });
    writeLine(socket, { id: 0, method: 'hello', params: hello });
    const { leader } = await helloAnswer
      .catch((error: unknown) => {
        socket.destroy();
        throw error;
      })
      .finally(() => clearTimeout(timer));
    connection = new LeaderConnection(socket, leader, pending, 1);
    if (socket.destroyed) connection.markClosed();
    for (const event of early) connection.emitEvent(event);
    return connection;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  request<M extends ForwardedMethod>(method: M, params: RequestParams<M>): Promise<LeaderResults[M]> {
    if (this.closed) return Promise.reject(new ConnectionLostError('not connected to the leader'));
    // Sent anyway, it would cost the connection (the leader closes on oversize lines) and look like a lost leader.
    const tooLarge = requestTooLarge(method, params);
    if (tooLarge) return Promise.reject(new UserError(tooLarge));
    const id = this.nextId++;
    return new Promise<LeaderResults[M]>((resolve, reject) => {
      this.pending.set(id, { method, resolve: (value) => resolve(value as LeaderResults[M]), reject });
      writeLine(this.socket, { id, method, params });
    });
  }

  onEvent(listener: (event: LeaderEvent) => void): void {
    this.eventListeners.add(listener);
  }

  onClose(listener: () => void): void {
    if (this.closed) queueMicrotask(listener);
    else this.closeListeners.add(listener);
  }

  close(): void {
    this.socket.destroy();
  }

  private emitEvent(event: LeaderEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
  }
}

function connectSocket(address: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(address);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}
