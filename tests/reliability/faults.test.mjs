// Fault injection against oss-emulator: storms, lost answers, cut bodies, stalls,
// clock skew, STS expiry under load. Nothing duplicated, nothing lost, no hang.
import test from 'node:test';
import assert from 'node:assert/strict';
import { client, control, arm, clearFaults, clean, sleep } from './common.mjs';

const dest = { bucket: 'dst-beijing', location: 'oss-cn-beijing' };

test('a 503 storm on Put is retried and leaves exactly one rule', async () => {
  const c = client();
  await clean(c);
  await arm({ match: { method: 'POST', query: 'comp=add', bucket: 'src-rel' }, count: 3, action: { status: 503, code: 'ServiceUnavailable' } });
  const { ruleId } = await c.putBucketReplication({ destination: dest, prefixes: ['storm/'] });
  const { rules } = await c.getBucketReplication();
  assert.deepEqual(rules.map((r) => r.id), [ruleId]);
  assert.equal((await control('GET', 'faults')).faults.length, 0, 'all three 503s were served');
  await clean(c);
});

test('a Put whose answer is lost (stall beyond the timeout) is retried without a second rule', async () => {
  const c = client({ timeout: 400, retryMax: 3 });
  await clean(c);
  await arm({ match: { method: 'POST', query: 'comp=add', bucket: 'src-rel' }, count: 1, action: { stall_ms: 1500 } });
  const { ruleId } = await c.putBucketReplication({ destination: dest, prefixes: ['lost/'] });
  await sleep(1800); // let the stalled first attempt reach the server too
  const { rules } = await c.getBucketReplication();
  assert.deepEqual(rules.map((r) => r.id), [ruleId], 'one rule, with our generated ID');
  await clean(c);
});

test('a connection dropped mid-body and a truncated body are retried', async () => {
  const c = client();
  await arm({ match: { method: 'GET', query: 'replicationLocation', bucket: 'src-rel' }, count: 1, action: { truncate: true } });
  assert.ok((await c.getBucketReplicationLocation()).locations.length > 0);
  await arm({ match: { method: 'GET', query: 'replicationLocation', bucket: 'src-rel' }, count: 2, action: { drop: true } });
  assert.ok((await c.getBucketReplicationLocation()).locations.length > 0);
  assert.equal((await control('GET', 'faults')).faults.length, 0);
});

test('a stall beyond the timeout on every attempt ends in a clear timeout error, not a hang', async () => {
  const c = client({ timeout: 200, retryMax: 2 });
  await arm({ match: { method: 'GET', query: 'replication', bucket: 'src-rel' }, count: 3, action: { stall_ms: 2000 } });
  const started = Date.now();
  const err = await c.getBucketReplication().catch((e) => e);
  assert.equal(err.code, 'ClientTimeout', 'the client gave up: not OSS\'s RequestTimeout');
  assert.match(err.message, /no complete answer within 200 ms/);
  assert.ok(Date.now() - started < 5000, 'gave up promptly');
  await clearFaults();
  await c.getBucketReplication();
});

test('20 minutes of clock skew are corrected and the offset is kept', async () => {
  const c = client();
  await control('POST', 'clock', { offset_secs: 1200 });
  try {
    await c.getBucketReplicationLocation();
    assert.ok(Math.abs(c.clockOffset - 1_200_000) < 5000, `offset ${c.clockOffset}`);
    await c.getBucketReplication();
  } finally {
    await control('DELETE', 'clock');
  }
});

test('STS expiry during 50 concurrent calls: one refresh, all succeed', async () => {
  let refreshes = 0;
  const c = client({
    accessKeyId: undefined,
    accessKeySecret: undefined,
    refreshSTSToken: async () => {
      refreshes++;
      const s = await control('POST', 'sts?lifetime=2');
      // No expiration given: the client learns of the expiry from the server's 403.
      return { accessKeyId: s.accessKeyId, accessKeySecret: s.accessKeySecret, stsToken: s.securityToken };
    },
  });
  await c.getBucketReplicationLocation();
  assert.equal(refreshes, 1);
  await sleep(3500); // the emulator rounds expiry up to a whole second
  const results = await Promise.allSettled(Array.from({ length: 50 }, () => c.getBucketReplicationLocation()));
  const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason.code);
  assert.deepEqual(failed, []);
  assert.equal(refreshes, 2, 'one refresh for the whole burst');
});
