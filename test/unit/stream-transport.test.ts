import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { StreamClientTransport } from '../../src/client/stream-transport.ts';
import { ServerClient } from '../../src/extension/client/server-client.ts';

function transportPair(): { transport: StreamClientTransport; fromServer: PassThrough; toServer: PassThrough } {
  const fromServer = new PassThrough();
  const toServer = new PassThrough();
  return { transport: new StreamClientTransport(fromServer, toServer), fromServer, toServer };
}

test('messages are framed by lines, across chunk boundaries, and sent as lines', async () => {
  const { transport, fromServer, toServer } = transportPair();
  const received: JSONRPCMessage[] = [];
  transport.onmessage = (message) => received.push(message);
  await transport.start();
  fromServer.write('{"jsonrpc":"2.0","method":"a"}\n{"jsonrpc":"2.0",');
  fromServer.write('"method":"b"}\n');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(received.map((message) => (message as { method: string }).method), ['a', 'b']);
  let sent = '';
  toServer.on('data', (data: Buffer) => (sent += data.toString()));
  await transport.send({ jsonrpc: '2.0', id: 1, method: 'ping' });
  assert.equal(sent, '{"jsonrpc":"2.0","id":1,"method":"ping"}\n');
});

test('a line that is not a JSON-RPC message is reported and the next ones still arrive', async () => {
  const { transport, fromServer } = transportPair();
  const errors: Error[] = [];
  const received: JSONRPCMessage[] = [];
  transport.onerror = (error) => errors.push(error);
  transport.onmessage = (message) => received.push(message);
  await transport.start();
  fromServer.write('not json\n{"jsonrpc":"2.0","method":"after"}\n');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(errors.length, 1);
  assert.equal(received.length, 1);
});

test('over 10 MB without a newline: reported and closed, never thrown out of the stream listener', async () => {
  const { transport, fromServer } = transportPair();
  const errors: Error[] = [];
  let closed = false;
  transport.onerror = (error) => errors.push(error);
  transport.onclose = () => (closed = true);
  await transport.start();
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown): void => void uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  try {
    fromServer.write(Buffer.alloc(11 * 1024 * 1024, 0x61));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  assert.deepEqual(uncaught, []);
  assert.match(errors[0]?.message ?? '', /exceeded maximum size/);
  assert.ok(closed);
  await assert.rejects(transport.send({ jsonrpc: '2.0', id: 1, method: 'ping' }), /closed/);
});

test('the stream closing closes the transport once', async () => {
  const { transport, fromServer } = transportPair();
  let closes = 0;
  transport.onclose = () => closes++;
  await transport.start();
  fromServer.destroy();
  await new Promise((resolve) => setImmediate(resolve));
  await transport.close();
  assert.equal(closes, 1);
});

test("the window's client gives up a server that never answers the handshake, within its deadline, and closes", async () => {
  const fromServer = new PassThrough();
  const toServer = new PassThrough();
  toServer.resume(); // the server reads nothing and answers nothing
  const started = Date.now();
  await assert.rejects(ServerClient.connect({ stdout: fromServer, stdin: toServer }, '0.0.0', () => {}, { timeoutMs: 200 }), /timed out/i);
  assert.ok(Date.now() - started < 5000);
});
