import assert from 'node:assert/strict';
import diagnostics from 'node:diagnostics_channel';
import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { EngineConfig } from '../../src/engine/config.ts';
import { OpenAiEmbedder } from '../../src/engine/embed/openai-embedder.ts';
import { Engine } from '../../src/engine/engine.ts';
import type { IndexStore } from '../../src/engine/store/index-store.ts';
import { VectorIndex } from '../../src/engine/search/vector-index.ts';
import { EmbeddingServer } from '../helpers/embedding-server.ts';
import { SAMPLE_PROJECT, writeTree } from '../helpers/fixture-repo.ts';
import { tempFolder } from '../helpers/paths.ts';

const TOKEN_QUERY = 'refresh the oauth access token when the session expires';

void describe('hybrid search with an embedding provider', () => {
  let home: { path: string; remove: () => void };
  let project: { path: string; remove: () => void };
  let server: EmbeddingServer;
  const engines: Engine[] = [];

  const config = (embedding?: EngineConfig['embedding']): EngineConfig => ({
    home: home.path,
    maxFileBytes: 1 << 20,
    maxFiles: 50_000,
    embedding: embedding ?? { baseUrl: server.baseUrl, model: 'test-model' },
  });
  const open = (engine: Engine): Engine => {
    engines.push(engine);
    return engine;
  };
  const index = async (engine: Engine): Promise<void> => {
    const started = await engine.startIndex(project.path, {});
    const final = await started.done;
    assert.equal(final.phase, 'done', final.message);
  };

  beforeEach(async () => {
    home = tempFolder('hybrid-home');
    project = tempFolder('hybrid-project');
    writeTree(project.path, SAMPLE_PROJECT);
    server = await EmbeddingServer.start();
  });
  afterEach(async () => {
    for (const engine of engines.splice(0)) engine.close();
    await server.close();
    home.remove();
    project.remove();
  });

  void it('embeds the chunks, then searches in hybrid mode', async () => {
    const engine = open(new Engine(config(), { soleWriter: true }));
    await index(engine);
    assert.ok(server.requests.length > 0);
    assert.ok(server.inputs.some((input) => input.includes('def refresh_access_token')), 'chunk contents were embedded');
    assert.ok(!server.inputs.some((input) => input.includes('parseConfigFromDependency')), 'ignored files are not embedded');
    assert.doesNotMatch(engine.status(project.path).message, /embedding failed/);

    server.requests.length = 0;
    const response = await engine.search(project.path, TOKEN_QUERY, { limit: 5 });
    assert.equal(response.mode, 'hybrid');
    assert.deepEqual(server.inputs, [TOKEN_QUERY], 'the query itself is embedded');
    assert.equal(response.results[0]?.file, 'lib/tokens.py');

    const config_ = await engine.search(project.path, 'parse and validate the configuration file', { limit: 5 });
    assert.equal(config_.mode, 'hybrid');
    assert.equal(config_.results[0]?.file, 'src/config.ts');
  });

  void it('keeps hybrid search within a subfolder and an extension filter', async () => {
    const engine = open(new Engine(config(), { soleWriter: true }));
    await index(engine);
    const inSrc = await engine.search(path.join(project.path, 'src'), TOKEN_QUERY, { limit: 10 });
    assert.equal(inSrc.mode, 'hybrid');
    assert.ok(inSrc.results.length > 0);
    assert.ok(inSrc.results.every((result) => result.file.startsWith('src/')), JSON.stringify(inSrc.results.map((r) => r.file)));
    const pythonOnly = await engine.search(project.path, 'configuration file', { limit: 10, extensionFilter: ['.py'] });
    assert.ok(pythonOnly.results.every((result) => result.file.endsWith('.py')), JSON.stringify(pythonOnly.results.map((r) => r.file)));
    const docsOnly = await engine.search(project.path, 'run the server with a configuration file', { limit: 10, roles: ['docs'] });
    assert.equal(docsOnly.mode, 'hybrid');
    assert.deepEqual([...new Set(docsOnly.results.map((result) => `${result.file} ${result.role}`))], ['docs/guide.md docs'], 'the vector ranking is filtered by role too');
  });

  void it('makes no embedding request when re-indexing unchanged files, even with force', async () => {
    const engine = open(new Engine(config(), { soleWriter: true }));
    await index(engine);
    server.requests.length = 0;
    await index(engine);
    const forced = await engine.startIndex(project.path, { force: true });
    await forced.done;
    assert.equal(server.requests.length, 0);
    assert.equal((await engine.search(project.path, TOKEN_QUERY, { limit: 5 })).mode, 'hybrid');
  });

  void it('reuses vectors by content: a renamed or copied file costs no request, an edit only its new chunk', async () => {
    const engine = open(new Engine(config(), { soleWriter: true }));
    await index(engine);
    server.requests.length = 0;
    renameSync(path.join(project.path, 'src/config.ts'), path.join(project.path, 'src/settings.ts'));
    writeTree(project.path, { 'lib/tokens_copy.py': SAMPLE_PROJECT['lib/tokens.py']! });
    await index(engine);
    assert.equal(server.requests.length, 0, `unexpected inputs: ${JSON.stringify(server.inputs)}`);

    const found = await engine.search(project.path, TOKEN_QUERY, { limit: 5 });
    assert.equal(found.mode, 'hybrid');
    assert.deepEqual(found.results.slice(0, 2).map((result) => result.file).sort(), ['lib/tokens.py', 'lib/tokens_copy.py']);

    server.requests.length = 0;
    writeFileSync(path.join(project.path, 'docs/guide.md'), '# Guide\n\nStart the http server on a custom port.\n');
    await index(engine);
    assert.deepEqual(server.inputs.filter((input) => !input.includes('Start the http server')), [], 'only the edited chunk is embedded');
    assert.equal(server.inputs.length, 1);
  });

  void it('refreshing saved files embeds their new chunks', async () => {
    const engine = open(new Engine(config(), { soleWriter: true }));
    await index(engine);
    server.requests.length = 0;
    writeTree(project.path, { 'src/cache.ts': 'export function evictStaleEntries(cache: Map<string, number>) {\n  cache.clear();\n}\n' });
    await engine.refreshFiles(project.path, ['src/cache.ts']);
    assert.ok(server.inputs.some((input) => input.includes('evictStaleEntries')));
    const response = await engine.search(project.path, 'evict stale cache entries', { limit: 3 });
    assert.equal(response.mode, 'hybrid');
    assert.equal(response.results[0]?.file, 'src/cache.ts');
  });

  void it('answers lexically when the provider is down at search time, after a single attempt', async () => {
    let attempts = 0;
    const countingFetch: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const embedder = new OpenAiEmbedder({ baseUrl: server.baseUrl, model: 'test-model', retryBaseMs: 1, fetch: countingFetch });
    const engine = open(new Engine(config(), { embedder, soleWriter: true }));
    await index(engine);
    await server.close();
    attempts = 0;
    const response = await engine.search(project.path, 'refresh_access_token', { limit: 5 });
    assert.equal(response.mode, 'lexical');
    assert.equal(response.results[0]?.file, 'lib/tokens.py');
    assert.equal(attempts, 1, 'a search does not retry the provider: someone is waiting');
  });

  void it('answers lexically when the provider configured from the environment is down', async () => {
    const engine = open(new Engine(config(), { soleWriter: true }));
    await index(engine);
    await server.close();
    const response = await engine.search(project.path, 'refresh_access_token', { limit: 5 });
    assert.equal(response.mode, 'lexical');
    assert.equal(response.results[0]?.file, 'lib/tokens.py');
  });

  void it('keeps the index usable lexically when embedding fails, says so, and embeds on the next run', async () => {
    const engine = open(new Engine(config(), { soleWriter: true }));
    server.failNext(1, { status: 401, message: 'Incorrect API key provided' });
    await index(engine);
    const status = engine.status(project.path);
    assert.equal(status.status, 'indexed');
    assert.ok(status.chunkCount > 0);
    assert.match(status.message, /embedding failed.*401: Incorrect API key provided/);
    assert.match(status.message, /lexical/);

    const lexical = await engine.search(project.path, 'refresh_access_token', { limit: 5 });
    assert.equal(lexical.mode, 'lexical', 'no vectors yet: nothing to fuse');
    assert.equal(lexical.results[0]?.file, 'lib/tokens.py');

    await index(engine);
    assert.doesNotMatch(engine.status(project.path).message, /embedding failed/);
    assert.equal((await engine.search(project.path, TOKEN_QUERY, { limit: 5 })).mode, 'hybrid');
  });

  void it('makes no network call at all without a provider', async () => {
    const fetchCalls: unknown[] = [];
    const sockets: unknown[] = [];
    const onSocket = (message: unknown): void => void sockets.push(message);
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
      fetchCalls.push(args[0]);
      return realFetch(...args);
    };
    diagnostics.subscribe('net.client.socket', onSocket);
    try {
      const engine = open(new Engine({ ...config(), embedding: undefined }, { soleWriter: true }));
      await index(engine);
      const response = await engine.search(project.path, TOKEN_QUERY, { limit: 5 });
      assert.equal(response.mode, 'lexical');
      assert.equal(response.results[0]?.file, 'lib/tokens.py');
      await engine.refreshFiles(project.path, ['src/config.ts']);
      assert.equal(fetchCalls.length, 0);
      assert.equal(sockets.length, 0);
      assert.equal(server.requests.length, 0);

      // The probes do see a request: the zeros above are not for want of looking.
      await new OpenAiEmbedder({ baseUrl: server.baseUrl, model: 'test-model', fetch: globalThis.fetch }).embed(['control']);
      assert.equal(fetchCalls.length, 1);
      assert.ok(sockets.length >= 1);
    } finally {
      diagnostics.unsubscribe('net.client.socket', onSocket);
      globalThis.fetch = realFetch;
    }
  });
});

void describe('VectorIndex', () => {
  const vector = (...values: number[]): Float32Array => Float32Array.from(values);
  /** A stand-in for the store's vector pages; `loads` counts full loads (first pages). */
  const storeWith = (rows: { chunkId: number; vector: Float32Array }[]) => {
    const store = {
      loads: 0,
      vectors: {
        page: (_codebase: number, _model: string, after: number, limit: number) => {
          if (after === 0) store.loads++;
          return rows.filter((row) => row.chunkId > after).slice(0, limit);
        },
      },
    };
    return store;
  };

  void it('ranks chunks by similarity and reloads only when the codebase version changes', async () => {
    const store = storeWith([
      { chunkId: 1, vector: vector(1, 0) },
      { chunkId: 2, vector: vector(0.6, 0.8) },
      { chunkId: 3, vector: vector(0, 1) },
    ]);
    const index = new VectorIndex();
    const asStore = store as unknown as IndexStore;
    assert.deepEqual(await index.nearest(asStore, 7, 100, 'm', vector(0, 1), 10), [3, 2, 1]);
    assert.deepEqual(await index.nearest(asStore, 7, 100, 'm', vector(1, 0), 2), [1, 2]);
    assert.equal(store.loads, 1);
    await index.nearest(asStore, 7, 101, 'm', vector(1, 0), 2);
    assert.equal(store.loads, 2);
    index.forget(7);
    await index.nearest(asStore, 7, 101, 'm', vector(1, 0), 2);
    assert.equal(store.loads, 3);
  });

  void it('finds nothing for a query without direction, and skips vectors of another size', async () => {
    const store = storeWith([
      { chunkId: 1, vector: vector(1, 0, 0) },
      { chunkId: 2, vector: vector(0, 1) },
    ]) as unknown as IndexStore;
    const index = new VectorIndex();
    assert.deepEqual(await index.nearest(store, 1, 1, 'm', vector(0, 0), 10), []);
    assert.deepEqual(await index.nearest(store, 1, 1, 'm', vector(1, 0), 10), [2]);
  });

  void it('loads a large codebase in pages, yielding to the event loop between them', async () => {
    const rows = Array.from({ length: 5000 }, (_, index) => ({ chunkId: index + 1, vector: vector(1, index / 5000) }));
    const store = storeWith(rows) as unknown as IndexStore;
    // Queued before the load: it runs before the load ends only if the load yields to the event loop.
    let otherWorkRan = false;
    setImmediate(() => (otherWorkRan = true));
    const nearest = await new VectorIndex().nearest(store, 1, 1, 'm', vector(1, 0), 3);
    assert.deepEqual(nearest, [1, 2, 3]);
    assert.ok(otherWorkRan, 'other work ran while the vectors loaded');
  });
});
