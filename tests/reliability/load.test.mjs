// Load from one client in Node: 1,000 concurrent calls, then 10,000 sequential
// calls with wasm memory flat.
import test from 'node:test';
import assert from 'node:assert/strict';
import { __wasmMemoryPages } from '../../pkg/node/index.mjs';
import { client } from './common.mjs';

test('1,000 concurrent calls all complete', async () => {
  const c = client({ bucket: 'src-load', timeout: 30_000 });
  const results = await Promise.allSettled(Array.from({ length: 1000 }, () => c.getBucketReplicationLocation()));
  const failed = results.filter((r) => r.status === 'rejected');
  assert.equal(failed.length, 0, failed.slice(0, 3).map((r) => `${r.reason.code}: ${r.reason.message}`).join('\n'));
});

test('10,000 sequential calls leave the wasm memory flat', async () => {
  const c = client({ bucket: 'src-load' });
  for (let i = 0; i < 200; i++) await c.getBucketReplication(); // warm up the allocator
  const before = __wasmMemoryPages();
  for (let i = 0; i < 10_000; i++) {
    if (i % 2) await c.getBucketReplication();
    else await c.getBucketReplicationLocation();
  }
  const after = __wasmMemoryPages();
  console.log(`wasm memory: ${before} pages before, ${after} pages after 10,000 calls`);
  assert.ok(after <= before + 1, `memory grew from ${before} to ${after} pages`);
});
