// A refreshSTSToken whose promise never settles must not wedge the client:
// the waiting calls fail within the timeout with a clear code, later calls start
// a fresh refresh. Against the emulator, through the package.
import test from 'node:test';
import assert from 'node:assert/strict';
import { client, control } from './common.mjs';

test('a stuck refresh fails within the timeout; the next call refreshes again', { timeout: 10_000 }, async () => {
  let refreshes = 0;
  let stuck = true;
  const c = client({
    accessKeyId: undefined,
    accessKeySecret: undefined,
    timeout: 300,
    refreshSTSToken: async () => {
      refreshes++;
      if (stuck) return new Promise(() => {});
      const s = await control('POST', 'sts');
      return { accessKeyId: s.accessKeyId, accessKeySecret: s.accessKeySecret, stsToken: s.securityToken };
    },
  });
  const started = Date.now();
  const results = await Promise.allSettled([c.getBucketReplicationLocation(), c.getBucketReplication()]);
  for (const r of results) {
    assert.equal(r.status, 'rejected');
    assert.equal(r.reason.code, 'CredentialsRefreshTimeout', r.reason.message);
    assert.match(r.reason.message, /refreshSTSToken did not settle within 300 ms/);
  }
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  assert.equal(refreshes, 1, 'the two calls shared one refresh');
  stuck = false;
  assert.ok((await c.getBucketReplicationLocation()).locations.length > 0);
  assert.equal(refreshes, 2, 'a fresh refresh');
});

test('the V4 key cache lives with the credentials: replaced keys sign with their own key; free() drops it', { timeout: 20_000 }, async () => {
  // Each refresh vends new STS keys on the same day and region: a derived key cached
  // anywhere but with the credentials that made it would sign with the old secret.
  let refreshes = 0;
  const c = client({
    accessKeyId: undefined,
    accessKeySecret: undefined,
    refreshSTSTokenInterval: 0, // new keys before every call
    refreshSTSToken: async () => {
      refreshes++;
      const s = await control('POST', 'sts');
      return { accessKeyId: s.accessKeyId, accessKeySecret: s.accessKeySecret, stsToken: s.securityToken };
    },
  });
  const other = client(); // static keys, interleaved
  for (let i = 0; i < 5; i++) {
    assert.ok((await c.getBucketReplicationLocation()).locations.length > 0);
    assert.ok((await other.getBucketReplicationLocation()).locations.length > 0);
  }
  assert.equal(refreshes, 5);
  c.free();
  other.free();
  assert.throws(() => c.bucket, /null pointer|destroyed|moved/i, 'a freed client is unusable');
});
