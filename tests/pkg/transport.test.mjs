// The fetch transport as a caller sees it through the package (src/js/fetch.rs, decisions in
// src/answer.rs): which response headers each answer reads, that values reused between calls
// follow the credentials and the operation, the global fetch looked up per call, and
// Response-like objects whose accessors throw.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ReplicationClient } from '../../pkg/node/index.mjs';

const base = { bucket: 'source-bucket', region: 'cn-hangzhou', endpoint: 'http://127.0.0.1:9', accessKeyId: 'AKID', accessKeySecret: 'secret-value' };
const RULES = '<ReplicationConfiguration><Rule><ID>r1</ID><Destination><Bucket>dest</Bucket><Location>oss-cn-beijing</Location></Destination><Status>doing</Status></Rule></ReplicationConfiguration>';
const PROGRESS = '<ReplicationProgress><Rule><ID>r1</ID><Destination><Bucket>d</Bucket><Location>oss-cn-beijing</Location></Destination><Status>doing</Status><Progress><HistoricalObject>0.5</HistoricalObject><NewObject>2024-04-17T07:59:00.000Z</NewObject></Progress></Rule></ReplicationProgress>';
const LOCATION = '<ReplicationLocation><Location>oss-cn-beijing</Location></ReplicationLocation>';

/** Answers from a script with Response-like objects whose `headers.get` records each name asked. */
function recording(answers) {
  const asked = [];
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, ...init });
    const a = answers.shift();
    const headers = new Headers(a.headers ?? {});
    const body = new TextEncoder().encode(a.body ?? '');
    headers.set('content-length', String(body.length));
    const names = [];
    asked.push(names);
    return {
      status: a.status ?? 200,
      headers: { get: (name) => (names.push(name), headers.get(name)) },
      body: null,
      arrayBuffer: async () => body.buffer,
    };
  };
  return { fetch, asked, sent };
}

const sorted = (xs) => [...xs].sort();

test('each answer reads only the response headers its operation uses', async () => {
  const date = 'Wed, 17 Apr 2024 08:00:00 GMT';
  const { fetch, asked } = recording([
    { body: RULES, headers: { 'x-oss-request-id': 'RID1', date } },
    { headers: { 'x-oss-request-id': 'RID2', 'x-oss-replication-rule-id': 'server-id', date } },
    { body: PROGRESS, headers: { date } },
    { status: 503, headers: { 'retry-after': '0', 'x-oss-ec': '0002-00000503', date } },
    { body: LOCATION, headers: { date } },
  ]);
  const client = new ReplicationClient({ ...base, fetch });
  assert.equal((await client.getBucketReplication()).requestId, 'RID1');
  assert.deepEqual(sorted(asked[0]), ['content-length', 'x-oss-request-id']);
  // A Put's rule ID comes from its answer's header.
  const put = await client.putBucketReplication({ id: 'mine', destination: { bucket: 'dest', location: 'oss-cn-beijing' } });
  assert.equal(put.ruleId, 'server-id');
  assert.deepEqual(sorted(asked[1]), ['content-length', 'x-oss-replication-rule-id', 'x-oss-request-id']);
  // Progress reads Date: lagSeconds is the server's time minus NewObject.
  const p = await client.getBucketReplicationProgress('r1');
  assert.equal(p.lagSeconds, 60);
  assert.deepEqual(sorted(asked[2]), ['content-length', 'date', 'x-oss-request-id']);
  // An error answer reads what retries and skew correction use.
  assert.deepEqual((await client.getBucketReplicationLocation()).locations, ['oss-cn-beijing']);
  assert.deepEqual(sorted(asked[3]), ['content-length', 'date', 'retry-after', 'x-oss-ec', 'x-oss-request-id']);
  assert.deepEqual(sorted(asked[4]), ['content-length', 'x-oss-request-id']);
});

test('a RequestTimeTooSkewed without ServerTime is corrected from the Date header', async () => {
  const server = Date.now() + 3_600_000;
  const { fetch, sent } = recording([
    { status: 403, headers: { date: new Date(server).toUTCString() }, body: '<Error><Code>RequestTimeTooSkewed</Code><Message>skewed</Message></Error>' },
    { body: LOCATION },
  ]);
  const client = new ReplicationClient({ ...base, fetch });
  assert.deepEqual((await client.getBucketReplicationLocation()).locations, ['oss-cn-beijing']);
  assert.ok(Math.abs(client.clockOffset - 3_600_000) < 5_000, `clockOffset ${client.clockOffset}`);
  assert.notEqual(sent[0].headers['x-oss-date'], sent[1].headers['x-oss-date']);
});

test('what is sent follows each call: new credentials, another operation, a body', async () => {
  const tokens = ['token-one', 'token-two'];
  const { fetch, sent } = recording([
    { body: RULES },
    { status: 403, body: '<Error><Code>InvalidSecurityToken</Code><Message>expired</Message></Error>' },
    { body: RULES },
    { body: LOCATION },
    { headers: { 'x-oss-replication-rule-id': 'x' } },
    { body: RULES },
  ]);
  const client = new ReplicationClient({
    bucket: base.bucket, region: base.region, endpoint: base.endpoint, fetch,
    refreshSTSToken: async () => ({ accessKeyId: 'STS.id', accessKeySecret: 'sts-secret', stsToken: tokens.shift() }),
  });
  await client.getBucketReplication();
  await client.getBucketReplication(); // refused: refreshes, then sent again with the new token
  await client.getBucketReplicationLocation();
  await client.putBucketReplication({ id: 'r9', destination: { bucket: 'dest', location: 'oss-cn-beijing' } });
  await client.getBucketReplication();
  assert.deepEqual(sent.map((s) => s.headers['x-oss-security-token']), ['token-one', 'token-one', 'token-two', 'token-two', 'token-two', 'token-two']);
  assert.deepEqual(sent.map((s) => `${s.method} ${s.url.slice(base.endpoint.length)}`), [
    'GET /source-bucket/?replication',
    'GET /source-bucket/?replication',
    'GET /source-bucket/?replication',
    'GET /source-bucket/?replicationLocation',
    'POST /source-bucket/?replication&comp=add',
    'GET /source-bucket/?replication',
  ]);
  // Only the Put has a body and its content headers; each request gets its own objects.
  assert.deepEqual(sent.map((s) => 'body' in s), [false, false, false, false, true, false]);
  assert.equal(sent[4].headers['content-type'], 'application/xml');
  assert.equal(sent[5].headers['content-type'], undefined);
  assert.equal(new Set(sent.map((s) => s.headers)).size, sent.length);
  // Each is signed with the keys of its time (same request, same second: same signature).
  for (const s of sent) assert.match(s.headers.authorization, /^OSS4-HMAC-SHA256 Credential=STS\.id\/\d{8}\/cn-hangzhou\//);
  assert.notEqual(sent[0].headers.authorization, sent[2].headers.authorization, 'another token, another signature');
});

test('the global fetch is looked up at each call; without one the error says so', async () => {
  const real = globalThis.fetch;
  try {
    delete globalThis.fetch;
    const client = new ReplicationClient({ ...base, retryMax: 0 });
    const e = await client.getBucketReplicationLocation().catch((x) => x);
    assert.equal(e.code, 'FetchUnavailable');
    assert.match(e.message, /no global fetch: pass the fetch option/);
    // Installed after the client was made: used.
    const { fetch, sent } = recording([{ body: LOCATION, headers: { 'x-oss-request-id': 'RID-G' } }]);
    globalThis.fetch = fetch;
    assert.equal((await client.getBucketReplicationLocation()).requestId, 'RID-G');
    assert.equal(sent.length, 1);
    // A global fetch that throws is a network failure, not "unavailable".
    globalThis.fetch = () => {
      throw new TypeError('fetch failed: refused');
    };
    const n = await client.getBucketReplicationLocation().catch((x) => x);
    assert.equal(n.code, 'NetworkError');
    assert.match(n.message, /refused/);
  } finally {
    globalThis.fetch = real;
  }
});

test('Response-like objects whose accessors throw', async () => {
  const answers = [
    // headers.get throws for one name: that header is absent, the rest is read.
    () => ({
      status: 200,
      headers: { get: (n) => { if (n === 'x-oss-request-id') throw new Error('no'); return null; } },
      text: async () => LOCATION,
    }),
    // A plain object of headers (any case).
    () => ({ status: 200, headers: { 'X-OSS-Request-Id': 'RID-P' }, arrayBuffer: async () => new TextEncoder().encode(LOCATION).buffer }),
  ];
  const results = [];
  for (const answer of answers) {
    const client = new ReplicationClient({ ...base, retryMax: 0, fetch: async () => answer() });
    results.push(await client.getBucketReplicationLocation());
  }
  assert.deepEqual(results.map((r) => [r.locations, r.requestId]), [[['oss-cn-beijing'], undefined], [['oss-cn-beijing'], 'RID-P']]);
  // arrayBuffer that throws, and a status getter that throws: failures, reported and retried.
  let calls = 0;
  const throwing = new ReplicationClient({ ...base, retryMax: 1, fetch: async () => {
    calls++;
    return calls === 1
      ? { status: 200, headers: {}, arrayBuffer() { throw new Error('body gone'); } }
      : { get status() { throw new Error('status gone'); }, headers: {}, arrayBuffer: async () => new ArrayBuffer(0) };
  } });
  const e = await throwing.getBucketReplicationLocation().catch((x) => x);
  assert.equal(calls, 2);
  assert.equal(e.name, 'OssError');
});

test('concurrent calls whose answers settle in any order each get their own answer', async () => {
  // 40 calls in flight at once; their fetches settle in reverse order, every 7th rejects
  // (retryMax 0: reported), each answer's body read by a second await that also settles late.
  const pending = [];
  const fetch = (url, init) => new Promise((resolve, reject) => pending.push({ init, resolve, reject }));
  const client = new ReplicationClient({ ...base, retryMax: 0, fetch });
  const calls = Array.from({ length: 40 }, () => client.getBucketReplicationLocation().then((r) => r.requestId, (e) => `error ${e.code}`));
  while (pending.length < 40) await new Promise((r) => setImmediate(r));
  const bodies = [];
  for (let i = 39; i >= 0; i--) {
    if (i % 7 === 3) {
      pending[i].reject(new TypeError(`refused ${i}`));
      continue;
    }
    const body = new TextEncoder().encode(LOCATION);
    let release;
    const ready = new Promise((r) => (release = r));
    bodies.push(release);
    pending[i].resolve({
      status: 200,
      headers: new Headers({ 'x-oss-request-id': `RID-${i}`, 'content-length': String(body.length) }),
      arrayBuffer: () => ready.then(() => body.buffer),
    });
    await new Promise((r) => setImmediate(r));
  }
  // The bodies arrive in the opposite order of the answers.
  for (const release of bodies.reverse()) release();
  const got = await Promise.all(calls);
  assert.deepEqual(got, Array.from({ length: 40 }, (_, i) => (i % 7 === 3 ? 'error NetworkError' : `RID-${i}`)));
  // And the client keeps working afterwards.
  const { fetch: f2 } = recording([{ body: LOCATION, headers: { 'x-oss-request-id': 'RID-after' } }]);
  const again = new ReplicationClient({ ...base, fetch: f2 });
  assert.equal((await again.getBucketReplicationLocation()).requestId, 'RID-after');
});

test('a body without a length is read from any reader: foreign-realm chunks, ArrayBuffer chunks, empty chunks', async () => {
  const { default: vm } = await import('node:vm');
  const realm = vm.createContext({});
  const bytes = new TextEncoder().encode(LOCATION);
  const third = Math.floor(bytes.length / 3);
  const chunks = [
    vm.runInContext('(b) => new Uint8Array(b)', realm)([...bytes.subarray(0, third)]), // another realm's view
    new Uint8Array(0),
    bytes.slice(third, 2 * third).buffer, // an ArrayBuffer
    bytes.subarray(2 * third), // a view into a larger buffer
  ];
  const fetch = async () => {
    let i = 0;
    return {
      status: 200,
      headers: new Headers({ 'x-oss-request-id': 'RID-S' }),
      body: { getReader: () => ({ read: async () => (i < chunks.length ? { done: false, value: chunks[i++] } : { done: true }), cancel() {} }) },
    };
  };
  const client = new ReplicationClient({ ...base, retryMax: 0, fetch });
  const r = await client.getBucketReplicationLocation();
  assert.deepEqual([r.locations, r.requestId], [['oss-cn-beijing'], 'RID-S']);
});
