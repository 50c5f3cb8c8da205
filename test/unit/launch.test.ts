import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverEnvironment, serverLaunch, type LaunchInput } from '../../src/extension/launch.ts';
import { withMallocTuning } from '../../src/protocol/malloc-tuning.ts';

const SCRIPT = '/home/me/.vscode/extensions/baton-dev.baton-0.1.0/dist/cli.js';
const SERVER_ENV = { BATON_LABEL: 'VS Code — repo', BATON_HTTP_SECRET: 's3cret', BATON_LOG_LEVEL: 'info' };

function input(overrides: Partial<LaunchInput> = {}): LaunchInput {
  return {
    execPath: '/usr/share/code/code',
    electronVersion: '37.3.1',
    nodePath: '',
    serverScript: SCRIPT,
    // The desktop extension host itself runs with ELECTRON_RUN_AS_NODE=1; undefined values do occur in process.env-like objects.
    baseEnv: { PATH: '/usr/bin:/bin', HOME: '/home/me', ELECTRON_RUN_AS_NODE: '1', UNSET: undefined },
    serverEnv: SERVER_ENV,
    ...overrides,
  };
}

test('under desktop VS Code the server runs on the Electron binary as Node', () => {
  const spec = serverLaunch(input({ baseEnv: { PATH: '/usr/bin:/bin', HOME: '/home/me', UNSET: undefined } }));
  assert.deepEqual(spec, {
    command: '/usr/share/code/code',
    args: [SCRIPT, 'mcp'],
    env: withMallocTuning({ PATH: '/usr/bin:/bin', HOME: '/home/me', ELECTRON_RUN_AS_NODE: '1', ...SERVER_ENV }),
  });
  assert.ok(!('UNSET' in spec.env), 'undefined variables are dropped, not passed as "undefined"');
});

test('under a plain Node host (code-server) the server runs on that Node without ELECTRON_RUN_AS_NODE', () => {
  const spec = serverLaunch(input({ execPath: '/usr/lib/code-server/lib/node', electronVersion: undefined }));
  assert.equal(spec.command, '/usr/lib/code-server/lib/node');
  assert.deepEqual(spec.args, [SCRIPT, 'mcp']);
  assert.ok(!('ELECTRON_RUN_AS_NODE' in spec.env), 'an inherited ELECTRON_RUN_AS_NODE is not passed on');
  assert.deepEqual(spec.env, withMallocTuning({ PATH: '/usr/bin:/bin', HOME: '/home/me', ...SERVER_ENV }));
});

test('baton.server.nodePath picks that executable and drops the inherited ELECTRON_RUN_AS_NODE', () => {
  const spec = serverLaunch(input({ nodePath: '  /opt/node-24/bin/node  ' }));
  assert.equal(spec.command, '/opt/node-24/bin/node', 'the setting is trimmed');
  assert.deepEqual(spec.args, [SCRIPT, 'mcp']);
  assert.ok(!('ELECTRON_RUN_AS_NODE' in spec.env));
  assert.deepEqual(spec.env, withMallocTuning({ PATH: '/usr/bin:/bin', HOME: '/home/me', ...SERVER_ENV }));
});

test('a blank nodePath setting counts as unset', () => {
  for (const nodePath of ['', '   ', undefined]) {
    const spec = serverLaunch(input({ nodePath }));
    assert.equal(spec.command, '/usr/share/code/code');
    assert.equal(spec.env.ELECTRON_RUN_AS_NODE, '1');
  }
});

test("the server's own variables win over inherited ones, and the caller's objects are left alone", () => {
  const baseEnv = { PATH: '/usr/bin', BATON_LOG_LEVEL: 'error', BATON_LABEL: 'stale', ELECTRON_RUN_AS_NODE: '1' };
  const serverEnv = { ...SERVER_ENV };
  const spec = serverLaunch(input({ baseEnv, serverEnv, electronVersion: undefined }));
  assert.equal(spec.env.BATON_LOG_LEVEL, 'info');
  assert.equal(spec.env.BATON_LABEL, 'VS Code — repo');
  assert.deepEqual(baseEnv, { PATH: '/usr/bin', BATON_LOG_LEVEL: 'error', BATON_LABEL: 'stale', ELECTRON_RUN_AS_NODE: '1' });
  assert.deepEqual(serverEnv, SERVER_ENV);
});

test('serverEnvironment sets label, HTTP secret and log level', () => {
  assert.deepEqual(serverEnvironment({ label: 'VS Code — repo', httpSecret: 'abc', logLevel: 'warn' }), {
    BATON_LABEL: 'VS Code — repo',
    BATON_HTTP_SECRET: 'abc',
    BATON_LOG_LEVEL: 'warn',
  });
});

test('serverEnvironment turns watching off only when the setting is off', () => {
  const base = { label: 'w', httpSecret: 's', logLevel: 'info' };
  assert.equal(serverEnvironment({ ...base, watch: false }).BATON_WATCH, '0');
  assert.ok(!('BATON_WATCH' in serverEnvironment({ ...base, watch: true })));
  assert.ok(!('BATON_WATCH' in serverEnvironment(base)));
});

test('serverEnvironment passes the index worker count only when the setting holds a number', () => {
  const base = { label: 'x', httpSecret: 's', logLevel: 'info' };
  assert.equal(serverEnvironment({ ...base, indexWorkers: 0 }).BATON_INDEX_WORKERS, '0');
  assert.equal(serverEnvironment({ ...base, indexWorkers: 3 }).BATON_INDEX_WORKERS, '3');
  assert.ok(!('BATON_INDEX_WORKERS' in serverEnvironment({ ...base, indexWorkers: null })));
  assert.ok(!('BATON_INDEX_WORKERS' in serverEnvironment(base)));
});

test('serverEnvironment passes the embedding endpoint only when both base URL and model are set', () => {
  const base = { label: 'w', httpSecret: 's', logLevel: 'info' };
  const keys = (env: Record<string, string>): string[] => Object.keys(env).sort();

  assert.deepEqual(keys(serverEnvironment({ ...base, embedding: { baseUrl: 'http://127.0.0.1:11434/v1', model: '' } })), ['BATON_HTTP_SECRET', 'BATON_LABEL', 'BATON_LOG_LEVEL']);
  assert.deepEqual(keys(serverEnvironment({ ...base, embedding: { baseUrl: '', model: 'nomic-embed-text' } })), ['BATON_HTTP_SECRET', 'BATON_LABEL', 'BATON_LOG_LEVEL']);
  assert.deepEqual(keys(serverEnvironment({ ...base, embedding: undefined })), ['BATON_HTTP_SECRET', 'BATON_LABEL', 'BATON_LOG_LEVEL']);

  assert.deepEqual(serverEnvironment({ ...base, embedding: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'nomic-embed-text' } }), {
    BATON_LABEL: 'w',
    BATON_HTTP_SECRET: 's',
    BATON_LOG_LEVEL: 'info',
    BATON_EMBEDDING_BASE_URL: 'http://127.0.0.1:11434/v1',
    BATON_EMBEDDING_MODEL: 'nomic-embed-text',
  });
});

test('serverEnvironment passes the embedding API key only when one is given', () => {
  const base = { label: 'w', httpSecret: 's', logLevel: 'info' };
  const embedding = { baseUrl: 'https://api.example.com/v1', model: 'text-embedding-3-small' };
  assert.equal(serverEnvironment({ ...base, embedding: { ...embedding, apiKey: 'sk-123' } }).BATON_EMBEDDING_API_KEY, 'sk-123');
  assert.ok(!('BATON_EMBEDDING_API_KEY' in serverEnvironment({ ...base, embedding: { ...embedding, apiKey: '' } })));
  assert.ok(!('BATON_EMBEDDING_API_KEY' in serverEnvironment({ ...base, embedding: { ...embedding, apiKey: undefined } })));
  assert.ok(!('BATON_EMBEDDING_API_KEY' in serverEnvironment({ ...base, embedding })));
  // without an endpoint the key alone is useless and is not passed either
  assert.ok(!('BATON_EMBEDDING_API_KEY' in serverEnvironment({ ...base, embedding: { baseUrl: '', model: '', apiKey: 'sk-123' } })));
});

test('serverLaunch and serverEnvironment compose into the spec a window spawns', () => {
  const spec = serverLaunch(
    input({
      serverEnv: serverEnvironment({ label: 'VS Code — repo', httpSecret: 'abc', logLevel: 'info', embedding: { baseUrl: 'http://localhost:1234/v1', model: 'm', apiKey: 'k' } }),
    }),
  );
  assert.equal(spec.env.BATON_EMBEDDING_BASE_URL, 'http://localhost:1234/v1');
  assert.equal(spec.env.BATON_EMBEDDING_API_KEY, 'k');
  assert.equal(spec.env.BATON_HTTP_SECRET, 'abc');
  assert.equal(spec.env.ELECTRON_RUN_AS_NODE, '1');
});
