// maxResponseBytes on every way a body can arrive: a declared Content-Length over the cap
// is refused before the body is read, a streamed body without a length stops (and is
// cancelled) at the cap, and a streamed body within the cap is read in full.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ReplicationClient } from '../../pkg/node/index.mjs';

const location = '<ReplicationLocation><Location>oss-cn-beijing</Location></ReplicationLocation>';

function client(fetch) {
  return new ReplicationClient({
    bucket: 'src-limit', region: 'cn-hangzhou', accessKeyId: 'a', accessKeySecret: 'b', retryMax: 0, maxResponseBytes: 1024, fetch,
  });
}

/** A stream of `chunks` that records how far it was read and whether it was cancelled. */
function stream(chunks) {
  const seen = { pulled: 0, cancelled: false };
  const body = new ReadableStream({
    pull(c) {
      if (seen.pulled === chunks.length) return c.close();
      c.enqueue(new TextEncoder().encode(chunks[seen.pulled++]));
    },
    cancel() {
      seen.cancelled = true;
    },
  });
  return { body, seen };
}

test('a declared length over the cap is refused without reading the body', async () => {
  const { body, seen } = stream(['x'.repeat(600), 'x'.repeat(600)]);
  const e = await client(async () => new Response(body, { headers: { 'content-length': '1200' } }))
    .getBucketReplicationLocation().catch((x) => x);
  assert.equal(e.code, 'ResponseTooLarge');
  assert.match(e.message, /larger than 1024 bytes \(maxResponseBytes\)/);
  assert.equal(seen.pulled <= 1, true, `pulled ${seen.pulled} chunks`);
});

test('a streamed body without a length stops at the cap and is cancelled', async () => {
  // 20 chunks of 300 bytes: the cap is passed at the 4th; the stream may pull one ahead.
  const { body, seen } = stream(Array.from({ length: 20 }, () => 'x'.repeat(300)));
  const e = await client(async () => new Response(body)).getBucketReplicationLocation().catch((x) => x);
  assert.equal(e.code, 'ResponseTooLarge');
  assert.equal(seen.cancelled, true);
  assert.ok(seen.pulled <= 5, `pulled ${seen.pulled} chunks`);
});

test('a streamed body within the cap is read in full', async () => {
  const half = location.length >> 1;
  const { body } = stream([location.slice(0, half), location.slice(half)]);
  const r = await client(async () => new Response(body)).getBucketReplicationLocation();
  assert.deepEqual(r.locations, ['oss-cn-beijing']);
});
