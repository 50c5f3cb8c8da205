import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { OpenAiEmbedder, type OpenAiEmbedderOptions } from '../../src/engine/embed/openai-embedder.ts';
import { DIMENSIONS, EmbeddingServer, embedText } from '../helpers/embedding-server.ts';

function length(vector: Float32Array): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

function cosine(a: Float32Array, b: Float32Array): number {
  return a.reduce((sum, value, i) => sum + value * b[i]!, 0);
}

void describe('OpenAiEmbedder', () => {
  let server: EmbeddingServer;
  const embedder = (options: Partial<OpenAiEmbedderOptions> = {}): OpenAiEmbedder =>
    new OpenAiEmbedder({ baseUrl: server.baseUrl, model: 'test-model', retryBaseMs: 20, ...options });

  before(async () => {
    server = await EmbeddingServer.start();
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.reverseOrder = false;
  });

  void it('sends batches of batchSize and returns one vector per input, in input order', async () => {
    server.reverseOrder = true;
    const texts = Array.from({ length: 7 }, (_, i) => `function handler${i}(request) { return respond${i}(request); }`);
    const vectors = await embedder({ batchSize: 3 }).embed(texts);
    assert.deepEqual(
      server.requests.map((request) => request.inputs.length),
      [3, 3, 1],
    );
    assert.deepEqual(server.inputs, texts);
    assert.equal(server.requests[0]!.model, 'test-model');
    assert.equal(vectors.length, texts.length);
    for (const [i, vector] of vectors.entries()) {
      assert.equal(vector.length, DIMENSIONS);
      // Order restored by `index` although the server answered each batch reversed.
      const expected = Float32Array.from(embedText(texts[i]!));
      assert.ok(cosine(vector, Float32Array.from(expected.map((value) => value / length(expected)))) > 0.9999, `vector ${i}`);
    }
  });

  void it('returns unit-length vectors, so a dot product is the cosine', async () => {
    const [a, b, c] = await embedder().embed(['parseConfig reads the config file', 'parse the config file', 'refresh the oauth token']);
    for (const vector of [a!, b!, c!]) assert.ok(Math.abs(length(vector) - 1) < 1e-5);
    assert.ok(cosine(a!, b!) > cosine(a!, c!), 'texts sharing words are nearer');
  });

  void it('makes no request for no texts, and sends a blank for an empty text', async () => {
    assert.deepEqual(await embedder().embed([]), []);
    assert.equal(server.requests.length, 0);
    await embedder().embed(['']);
    assert.deepEqual(server.inputs, [' ']);
  });

  void it('cuts very long inputs', async () => {
    await embedder().embed(['x'.repeat(50_000), `${'x'.repeat(7999)}😀`]);
    assert.equal(server.inputs[0]!.length, 8000);
    assert.equal(server.inputs[1], 'x'.repeat(7999), 'not cut inside a surrogate pair');
  });

  void it('sends an Authorization header only when an API key is given', async () => {
    await embedder({ apiKey: 'sk-secret' }).embed(['a']);
    await embedder().embed(['b']);
    await embedder({ apiKey: '' }).embed(['c']);
    assert.deepEqual(
      server.requests.map((request) => request.authorization),
      ['Bearer sk-secret', undefined, undefined],
    );
  });

  void it('retries a 429, waiting as long as Retry-After says', async () => {
    server.failNext(1, { status: 429, retryAfter: '1' });
    const [vector] = await embedder({ retryBaseMs: 1 }).embed(['rate limited']);
    assert.equal(vector!.length, DIMENSIONS);
    assert.equal(server.requests.length, 2);
    const waited = server.requests[1]!.receivedAt - server.requests[0]!.receivedAt;
    assert.ok(waited >= 950, `waited ${waited} ms for Retry-After: 1`);
  });

  void it('retries 5xx answers with doubling delays', async () => {
    server.failNext(3, { status: 503 });
    await embedder({ retryBaseMs: 50 }).embed(['overloaded']);
    assert.equal(server.requests.length, 4);
    const gaps = server.requests.slice(1).map((request, i) => request.receivedAt - server.requests[i]!.receivedAt);
    assert.ok(gaps[0]! >= 45 && gaps[1]! >= 95 && gaps[2]! >= 195, `gaps ${gaps.join(', ')} ms`);
  });

  void it('gives up after maxAttempts and says what the provider answered', async () => {
    server.failNext(3, { status: 500, message: 'model crashed' });
    await assert.rejects(embedder({ maxAttempts: 3 }).embed(['x']), (error: Error) => {
      assert.match(error.message, /embedding failed: .*\/v1\/embeddings answered 500: model crashed \(after 3 attempts\)/);
      return true;
    });
    assert.equal(server.requests.length, 3);
  });

  void it('does not retry a 400, and fails with the provider message', async () => {
    server.failNext(1, { status: 400, message: "This model's maximum context length is 8192 tokens" });
    await assert.rejects(embedder().embed(['too long']), (error: Error) => {
      assert.match(error.message, /^embedding failed: http:\/\/127\.0\.0\.1:\d+\/v1\/embeddings answered 400: This model's maximum context length/);
      return true;
    });
    assert.equal(server.requests.length, 1);
  });

  void it('does not retry a rejected key', async () => {
    server.failNext(1, { status: 401, message: 'Incorrect API key provided' });
    await assert.rejects(embedder({ apiKey: 'wrong' }).embed(['x']), /answered 401: Incorrect API key provided/);
    assert.equal(server.requests.length, 1);
  });

  void it('retries when the provider cannot be reached, then names the cause', async () => {
    const down = await EmbeddingServer.start();
    const baseUrl = down.baseUrl;
    await down.close();
    const started = Date.now();
    await assert.rejects(embedder({ baseUrl, maxAttempts: 3, retryBaseMs: 50 }).embed(['x']), (error: Error) => {
      assert.match(error.message, /cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/embeddings: .*ECONNREFUSED.* \(after 3 attempts\)/);
      return true;
    });
    assert.ok(Date.now() - started >= 140, 'backed off between attempts');
  });

  void it('recovers when the provider comes back between attempts', async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      if (calls === 1) throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
      return fetch(input, init);
    };
    const [vector] = await embedder({ fetch: flaky }).embed(['back again']);
    assert.equal(vector!.length, DIMENSIONS);
    assert.equal(calls, 2);
  });

  void it('retries a request that does not answer in time', async () => {
    server.failNext(1, { hang: true });
    const [vector] = await embedder({ requestTimeoutMs: 200 }).embed(['slow']);
    assert.equal(vector!.length, DIMENSIONS);
    assert.equal(server.requests.length, 2);
  });

  void it('stops at once when aborted during a request', async () => {
    server.failNext(1, { hang: true });
    const controller = new AbortController();
    const pending = embedder().embed(['never answered'], controller.signal);
    setTimeout(() => controller.abort(), 100);
    await assert.rejects(pending, { name: 'AbortError' });
    assert.equal(server.requests.length, 1);
  });

  void it('stops at once when aborted while backing off', async () => {
    server.failNext(1, { status: 429, retryAfter: '30' });
    const controller = new AbortController();
    const started = Date.now();
    const pending = embedder().embed(['rate limited'], controller.signal);
    setTimeout(() => controller.abort(), 200);
    await assert.rejects(pending, { name: 'AbortError' });
    assert.ok(Date.now() - started < 5000);
    assert.equal(server.requests.length, 1);
  });

  void it('makes no request with an already aborted signal', async () => {
    await assert.rejects(embedder().embed(['x'], AbortSignal.abort()), { name: 'AbortError' });
    assert.equal(server.requests.length, 0);
  });

  void it('embeds a query with a single fast attempt', async () => {
    const vector = await embedder().embedQuery('where is the config parsed');
    assert.ok(Math.abs(length(vector) - 1) < 1e-5);
    server.failNext(1, { status: 429, retryAfter: '30' });
    const started = Date.now();
    await assert.rejects(embedder().embedQuery('rate limited'), /answered 429/);
    assert.ok(Date.now() - started < 1000, 'a waiting search does not sit out a rate limit');
    server.failNext(1, { hang: true });
    await assert.rejects(embedder({ queryTimeoutMs: 100 }).embedQuery('slow'), /did not answer within 0.1s/);
  });

  void it('rejects answers that do not match the request', async () => {
    const answer = (body: unknown): typeof fetch => async () => new Response(JSON.stringify(body), { status: 200 });
    const cases: [unknown, RegExp][] = [
      [{ data: [{ index: 0, embedding: [1, 0] }] }, /expected 2 vectors, the provider returned 1/],
      [{ nothing: true }, /expected 2 vectors, the provider returned none/],
      [{ data: [{ index: 0, embedding: [1, 0] }, { index: 0, embedding: [0, 1] }] }, /bad or repeated index 0/],
      [{ data: [{ index: 0, embedding: [1, 0] }, { index: 1, embedding: 'AAAA' }] }, /not a list of numbers/],
      [{ data: [{ index: 0, embedding: [1, 0] }, { index: 1, embedding: [1, 0, 0] }] }, /vectors of 2 and 3 dimensions/],
    ];
    for (const [body, expected] of cases) {
      await assert.rejects(embedder({ fetch: answer(body) }).embed(['a', 'b']), expected);
    }
    const notJson: typeof fetch = async () => new Response('<html>login</html>', { status: 200 });
    await assert.rejects(embedder({ fetch: notJson }).embed(['a']), /something other than JSON: <html>login/);
  });
});
