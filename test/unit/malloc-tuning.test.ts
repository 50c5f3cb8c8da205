import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withMallocTuning } from '../../src/protocol/malloc-tuning.ts';

test('on Linux the server gets a fixed mmap threshold, added to tunables already set', () => {
  assert.equal(withMallocTuning({ PATH: '/bin' }, 'linux').GLIBC_TUNABLES, 'glibc.malloc.mmap_threshold=131072');
  assert.equal(withMallocTuning({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux').GLIBC_TUNABLES, 'glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=131072');
});

test("a threshold the user set is kept, and other platforms' environments are left alone", () => {
  const own = { GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' };
  assert.deepEqual(withMallocTuning(own, 'linux'), own);
  for (const platform of ['darwin', 'win32'] as const) assert.deepEqual(withMallocTuning({ PATH: '/bin' }, platform), { PATH: '/bin' });
});
