// The operator calls through the built package against real emulators (each test
// file starts its own, one with --replication-rate): checkRule, lag and ETA,
// diffReplication, replaceRule, waitForRule, and AbortSignal cancellation.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ReplicationClient, OssError, signRequest } from '../../pkg/node/index.mjs';

const bin = process.env.OSS_EMULATOR_BIN ?? 'target/debug/oss-emulator';
const AK = 'LTAI5tInsightKeyId';
const SK = 'InsightSecret0123456789';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function start(extra = []) {
  const buckets = ['ins-src:oss-cn-hangzhou', 'ins-dst:oss-cn-beijing', 'ins-dst-v:oss-cn-beijing',
    'ins-dst-r:oss-cn-shanghai', 'ins-dst-r2:oss-cn-shanghai', 'ins-dst-w:oss-cn-beijing', 'ins-dst-x:oss-cn-shanghai'];
  const args = ['--listen', '127.0.0.1:0', '--access-key-id', AK, '--access-key-secret', SK, '--status-delay-ms', '200', ...extra];
  for (const b of buckets) args.push('--bucket', b);
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`emulator exited ${code}: ${out}`)));
  });
  return { proc, endpoint };
}

const emu = await start();
const slow = await start(['--replication-rate', '10']);
test.after(() => { emu.proc.kill(); slow.proc.kill(); });

const client = (endpoint, bucket = 'ins-src') =>
  new ReplicationClient({ bucket, region: 'cn-hangzhou', endpoint, accessKeyId: AK, accessKeySecret: SK });

/** A signed PUT (object or bucket sub-resource) through the package's own signRequest. */
async function put(endpoint, bucket, region, path, body = '', headers = { 'content-type': 'application/octet-stream' }) {
  const url = `${endpoint}/${bucket}/${path}`;
  const signed = signRequest({ method: 'PUT', bucket, url, headers, body },
    { accessKeyId: AK, accessKeySecret: SK }, { version: 'v4', region, time: Date.now() });
  const r = await fetch(url, { method: 'PUT', headers: signed, body });
  if (!r.ok) throw new Error(`PUT ${path}: ${r.status} ${await r.text()}`);
}

const putObjects = (endpoint, prefix, n, from = 0) =>
  Promise.all(Array.from({ length: n }, (_, i) => put(endpoint, 'ins-src', 'cn-hangzhou', `${prefix}${String(from + i).padStart(3, '0')}`, `body ${from + i}`)));

const codes = (report) => report.problems.map((p) => p.code);

test('checkRule: a versioning mismatch, a region mismatch and a missing destination, reading only', async () => {
  await put(emu.endpoint, 'ins-dst-v', 'cn-beijing', '?versioning', '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>');
  const c = client(emu.endpoint);
  const mismatch = await c.checkRule({ destination: { bucket: 'ins-dst-v', location: 'oss-cn-beijing' } });
  assert.equal(mismatch.ok, false);
  assert.deepEqual(codes(mismatch), ['VersioningMismatch']);
  assert.deepEqual(mismatch.source, { versioning: 'unversioned' });
  assert.deepEqual(mismatch.destination, { exists: true, location: 'oss-cn-beijing', versioning: 'enabled' });

  const region = await c.checkRule({ destination: { bucket: 'ins-dst', location: 'oss-cn-shanghai' } });
  assert.deepEqual(codes(region), ['LocationMismatch']);
  assert.equal(region.problems[0].field, 'destination.location');
  assert.equal(region.destination.location, 'oss-cn-beijing');

  const missing = await c.checkRule({ destination: { bucket: 'ins-nowhere', location: 'oss-cn-beijing' } });
  assert.deepEqual(codes(missing), ['DestinationNotFound']);
  assert.equal(missing.destination.exists, false);

  const good = await c.checkRule({ destination: { bucket: 'ins-dst', location: 'oss-cn-beijing' } });
  assert.deepEqual(good, { ok: true, problems: [], source: { versioning: 'unversioned' }, destination: { exists: true, location: 'oss-cn-beijing', versioning: 'unversioned' } });
  assert.deepEqual((await c.getBucketReplication()).rules, [], 'a check never writes');
  await assert.rejects(c.checkRule({ destination: { bucket: 'ins-dst', location: 'oss-cn-beijing' } }, { destinationEndpont: 'x' }),
    (e) => e instanceof OssError && /destinationEndpont/.test(e.message));
});

test('diffReplication finds exactly the objects that were never replicated', async () => {
  const c = client(emu.endpoint);
  await putObjects(emu.endpoint, 'd/old-', 12); // before the rule, history off: never copied
  const { ruleId } = await c.putBucketReplication({ destination: { bucket: 'ins-dst', location: 'oss-cn-beijing' }, prefixes: ['d/'], historicalObjectReplication: false });
  await c.waitForRule(ruleId, 'doing', { timeoutMs: 10000, pollMs: 50 });
  await putObjects(emu.endpoint, 'd/new-', 5);
  await putObjects(emu.endpoint, 'other/', 3); // outside the prefix
  // Until the new objects are applied they may count as pending; then they are at the destination.
  let diff;
  const pages = [];
  for (let i = 0; i < 100; i++) {
    pages.length = 0;
    diff = await c.diffReplication(ruleId, { pageSize: 4, onProgress: (p) => pages.push(p) });
    if (diff.pending === 0 && diff.missing.length === 12) break;
    await sleep(100);
  }
  assert.deepEqual(diff.missing.map((o) => o.key), Array.from({ length: 12 }, (_, i) => `d/old-${String(i).padStart(3, '0')}`));
  assert.deepEqual(diff.differing, []);
  assert.deepEqual([diff.pending, diff.extra, diff.truncated], [0, 0, false]);
  assert.deepEqual(diff.scanned, { source: 17, destination: 5 });
  const o = diff.missing[0];
  assert.deepEqual(Object.keys(o).sort(), ['etag', 'key', 'lastModified', 'size']);
  assert.equal(o.size, 'body 0'.length);
  assert.match(o.etag, /^"[0-9A-F]{32}"$/);
  assert.ok(pages.length >= 5, `progress page by page: ${pages.length}`);
  assert.deepEqual(pages.at(-1).scanned, { source: 17, destination: 5 });
  const cut = await c.diffReplication(ruleId, { pageSize: 4, maxListed: 6 });
  assert.equal(cut.truncated, true);
  assert.ok(cut.scanned.source + cut.scanned.destination < 22);
  await c.deleteBucketReplication(ruleId);
  await c.waitForRule(ruleId, 'gone', { timeoutMs: 10000, pollMs: 50 });
});

test('replaceRule deletes, waits until gone and puts; a failing put restores the old rule', async () => {
  const c = client(emu.endpoint);
  const old = await c.putBucketReplication({ id: 'ins-old', destination: { bucket: 'ins-dst-r', location: 'oss-cn-shanghai' }, prefixes: ['x/'] });
  await c.waitForRule(old.ruleId, 'doing', { timeoutMs: 10000, pollMs: 50 });
  const r = await c.replaceRule('ins-old', { id: 'ins-new', destination: { bucket: 'ins-dst-r', location: 'oss-cn-shanghai' }, prefixes: ['y/'] }, { timeoutMs: 10000, pollMs: 50 });
  assert.equal(r.ruleId, 'ins-new');
  const rules = (await c.getBucketReplication()).rules.filter((x) => x.destination.bucket === 'ins-dst-r');
  assert.deepEqual(rules.map((x) => [x.id, x.prefixes]), [['ins-new', ['y/']]]);

  // The emulator refuses internal transfer to a cross-border region: the put fails, the old rule comes back.
  await assert.rejects(
    c.replaceRule('ins-new', { id: 'ins-bad', destination: { bucket: 'ins-dst-r2', location: 'oss-cn-shanghai', transferType: 'oss_acc' }, prefixes: ['z/'], rtc: true, historicalObjectReplication: true, actions: ['PUT'], syncRole: 'r', sseKmsEncryptedObjects: true }, { timeoutMs: 10000, pollMs: 50 }),
    (e) => e instanceof OssError && /^replaceRule failed at step validate \(nothing was changed\)/.test(e.message),
  );
  await c.putBucketReplication({ id: 'ins-blocker', destination: { bucket: 'ins-dst-w', location: 'oss-cn-beijing' } });
  await assert.rejects(
    c.replaceRule('ins-new', { id: 'ins-blocker', destination: { bucket: 'ins-dst-r2', location: 'oss-cn-shanghai' } }, { timeoutMs: 10000, pollMs: 50 }),
    (e) => e instanceof OssError && e.code === 'BucketReplicationAlreadyExist' && /step put \(the new rule was not put; the old rule was put back\)/.test(e.message),
  );
  const after = (await c.getBucketReplication()).rules.map((x) => x.id).sort();
  assert.deepEqual(after, ['ins-blocker', 'ins-new']);
});

test('waitForRule: a timeout and an aborted signal end the wait with clear errors', async () => {
  const c = client(emu.endpoint);
  await c.putBucketReplication({ id: 'ins-wait', destination: { bucket: 'ins-dst-x', location: 'oss-cn-shanghai' } });
  await assert.rejects(c.waitForRule('ins-wait', 'gone', { timeoutMs: 300, pollMs: 50 }),
    (e) => e.code === 'RuleWaitTimeout' && /last status: (starting|doing)/.test(e.message));
  await assert.rejects(c.waitForRule('ins-none', 'doing', { timeoutMs: 300 }), (e) => e.code === 'NoSuchReplicationRule');
  const ac = new AbortController();
  const started = Date.now();
  const waiting = c.waitForRule('ins-wait', 'gone', { timeoutMs: 60000, pollMs: 5000, signal: ac.signal });
  setTimeout(() => ac.abort(), 100);
  await assert.rejects(waiting, (e) => e instanceof OssError && e.code === 'AbortError');
  assert.ok(Date.now() - started < 2000, 'aborted promptly, not after the 5 s poll');
  await assert.rejects(c.waitForRule('x', 'closing'), (e) => /'doing' or 'gone'/.test(e.message));
});

test('lag and ETA move under --replication-rate; watchReplication is cancelled by its signal', async () => {
  const c = client(slow.endpoint);
  await putObjects(slow.endpoint, 'h/', 40);
  const { ruleId } = await c.putBucketReplication({ destination: { bucket: 'ins-dst', location: 'oss-cn-beijing' }, prefixes: ['h/'] });
  const ac = new AbortController();
  const seen = [];
  let wrote = false;
  const started = Date.now();
  await assert.rejects(async () => {
    for await (const s of c.watchReplication(ruleId, { intervalMs: 400, signal: ac.signal })) {
      seen.push(s);
      if (s.rule.status === 'doing' && !wrote) {
        wrote = true;
        await putObjects(slow.endpoint, 'h/new-', 10); // queued behind the history at 10 objects/s
      }
      if (s.progress.historicalObject === 1 || Date.now() - started > 20000) ac.abort();
    }
  }, (e) => e instanceof OssError && e.code === 'AbortError');
  const doing = seen.filter((s) => s.rule.status === 'doing' && s.progress.historicalObject !== undefined);
  assert.ok(doing.length >= 3, `watched ${seen.length} states`);
  const fractions = doing.map((s) => s.progress.historicalObject);
  assert.ok(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]), `${fractions}`);
  assert.ok(fractions.at(-1) > fractions[0], `history moved: ${fractions}`);
  const rated = doing.filter((s) => s.historicalRate > 0);
  assert.ok(rated.length >= 1 && rated.every((s) => Number.isFinite(s.etaSeconds)), JSON.stringify(rated.map((s) => [s.historicalRate, s.etaSeconds])));
  const etas = rated.map((s) => s.etaSeconds);
  assert.ok(etas.at(-1) <= etas[0], `ETA falls: ${etas}`);
  assert.ok(doing.some((s) => s.lagSeconds >= 1), `lag seen: ${doing.map((s) => s.lagSeconds)}`);
  const p = await c.getBucketReplicationProgress(ruleId);
  assert.equal(typeof p.lagSeconds, 'number');

  // An already-aborted signal ends a diff at once; a watch's next() after its end is done.
  const dead = new AbortController();
  dead.abort();
  await assert.rejects(c.diffReplication(ruleId, { signal: dead.signal }), (e) => e.code === 'AbortError');
  const w = c.watchReplication(ruleId, { intervalMs: 20000 });
  assert.equal((await w.next()).done, false);
  assert.deepEqual(await w.return(), { value: undefined, done: true });
  assert.equal((await w.next()).done, true);
  assert.throws(() => c.watchReplication(ruleId, { intervalMs: 0 }), /intervalMs/);
});
