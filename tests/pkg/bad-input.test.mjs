// The bad-input table: options, rules and responses that must fail with a clear
// OssError (code + a message naming the problem, never a secret), after which the
// same client keeps working.
import test from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { ReplicationClient, OssError, signRequest } from '../../pkg/node/index.mjs';

const SECRET = 's3cr3t-SK-value';
const TOKEN = 'tok-SECRET-token+/=';
const base = { bucket: 'source-bucket', region: 'cn-hangzhou', endpoint: 'http://127.0.0.1:9', accessKeyId: 'AKID', accessKeySecret: SECRET, stsToken: TOKEN };
const dest = { bucket: 'dest-bucket', location: 'oss-cn-beijing' };
const OK_LOCATION = '<ReplicationLocation><Location>oss-cn-beijing</Location></ReplicationLocation>';

/** A fetch that serves `next` (set per case) and then the good answer. */
function programmableFetch() {
  const state = { next: null, sent: 0 };
  state.fetch = async (url, init) => {
    state.sent++;
    const answer = state.next;
    state.next = null;
    if (answer instanceof Error) throw answer;
    if (typeof answer === 'function') return answer(url, init);
    if (answer) return new Response(answer.body, { status: answer.status ?? 200, headers: answer.headers ?? {} });
    return new Response(OK_LOCATION, { status: 200 });
  };
  return state;
}

function assertClean(err, label) {
  assert.ok(err instanceof OssError, `${label}: not an OssError: ${err}`);
  for (const text of [err.message, String(err.stack), JSON.stringify(err)]) {
    assert.ok(!text.includes(SECRET) && !text.includes(TOKEN), `${label}: secret leaked in ${text}`);
  }
}

const optionCases = [
  ['bucket missing', { bucket: undefined }, 'InvalidArgument', /options\.bucket is required/],
  ['bucket too short', { bucket: 'ab' }, 'InvalidBucketName', /must be 3 to 63 characters/],
  ['bucket too long', { bucket: 'a'.repeat(64) }, 'InvalidBucketName', /must be 3 to 63 characters/],
  ['bucket uppercase', { bucket: 'MyBucket' }, 'InvalidBucketName', /only lowercase letters, digits and hyphens/],
  ['bucket underscore', { bucket: 'my_bucket' }, 'InvalidBucketName', /only lowercase/],
  ['bucket leading hyphen', { bucket: '-bucket' }, 'InvalidBucketName', /start and end with a lowercase letter or digit/],
  ['region missing', { region: undefined }, 'InvalidArgument', /options\.region is required/],
  ['region malformed', { region: 'CN Hangzhou' }, 'InvalidArgument', /options\.region: region "CN Hangzhou" is not a region ID/],
  ['endpoint scheme', { endpoint: 'ftp://oss.example' }, 'InvalidArgument', /must use http or https/],
  ['endpoint path', { endpoint: 'https://oss.example/path' }, 'InvalidArgument', /without path, query or user info/],
  ['endpoint port', { endpoint: 'oss.example:99999' }, 'InvalidArgument', /invalid port/],
  ['signature version', { signatureVersion: 'v3' }, 'InvalidArgument', /signatureVersion "v3" must be 'v4' or 'v1'/],
  ['timeout zero', { timeout: 0 }, 'InvalidArgument', /timeout must be from 1 to 2147483647/],
  ['timeout above 2^31-1 (setTimeout would fire at once)', { timeout: 2 ** 31 }, 'InvalidArgument', /options\.timeout must be from 1 to 2147483647/],
  ['timeout string', { timeout: '5s' }, 'InvalidArgument', /timeout must be a non-negative number/],
  ['retryMax huge', { retryMax: 1000 }, 'InvalidArgument', /retryMax must be a whole number from 0 to 20/],
  ['fetch not a function', { fetch: {} }, 'InvalidArgument', /options\.fetch must be a function/],
  ['unknown option', { acessKeyId: 'x' }, 'InvalidArgument', /options\.acessKeyId is not a known field/],
  ['no credentials', { accessKeyId: undefined, accessKeySecret: undefined, stsToken: undefined }, 'InvalidArgument', /needs accessKeyId and accessKeySecret/],
  ['secret without id', { accessKeyId: undefined }, 'InvalidArgument', /accessKeyId is required with accessKeySecret/],
  ['control character in token', { stsToken: 'abc\ndef' }, 'InvalidCredentials', /stsToken contains a control character/],
];

test('bad options throw at construction, naming the field', () => {
  for (const [label, patch, code, re] of optionCases) {
    const opts = { ...base, ...patch };
    for (const k of Object.keys(patch)) if (patch[k] === undefined) delete opts[k];
    let err;
    try {
      new ReplicationClient(opts);
    } catch (e) {
      err = e;
    }
    assert.ok(err, `${label}: accepted`);
    assertClean(err, label);
    assert.equal(err.code, code, `${label}: ${err.message}`);
    assert.match(err.message, re, label);
    assert.equal(err.retryable, false, label);
  }
  assert.throws(() => new ReplicationClient(null), /options must be an object/);
});

const callCases = [
  ['rule missing', (c) => c.putBucketReplication(undefined), 'InvalidArgument', /rule is required/],
  ['rule is an array', (c) => c.putBucketReplication([dest]), 'InvalidArgument', /rule must be an object/],
  ['destination missing', (c) => c.putBucketReplication({ prefixes: ['a'] }), 'InvalidArgument', /rule\.destination is required/],
  ['destination bucket invalid', (c) => c.putBucketReplication({ destination: { ...dest, bucket: 'Dest' } }), 'InvalidBucketName', /rule\.destination\.bucket: bucket name "Dest"/],
  ['location without oss-', (c) => c.putBucketReplication({ destination: { ...dest, location: 'cn-beijing' } }), 'InvalidArgument', /rule\.destination\.location "cn-beijing" must be a region with the oss- prefix/],
  ['transfer type', (c) => c.putBucketReplication({ destination: { ...dest, transferType: 'fast' } }), 'InvalidArgument', /transferType "fast" must be internal or oss_acc/],
  ['eleven prefixes', (c) => c.putBucketReplication({ destination: dest, prefixes: Array.from({ length: 11 }, (_, i) => `p${i}/`) }), 'InvalidArgument', /rule\.prefixes has 11 entries; at most 10/],
  ['prefix too long', (c) => c.putBucketReplication({ destination: dest, prefixes: ['é'.repeat(512)] }), 'InvalidArgument', /rule\.prefixes\[0\] is 1024 bytes long; at most 1023/],
  ['empty prefix', (c) => c.putBucketReplication({ destination: dest, prefixes: ['a/', ''] }), 'InvalidArgument', /rule\.prefixes\[1\] must not be empty/],
  ['NUL in prefix', (c) => c.putBucketReplication({ destination: dest, prefixes: ['a\u0000b'] }), 'InvalidArgument', /rule\.prefixes\[0\] contains the control character U\+0000/],
  ['lowercase action', (c) => c.putBucketReplication({ destination: dest, actions: ['put'] }), 'InvalidArgument', /rule\.actions\[0\] "put" must be one of ALL, PUT, DELETE, ABORT/],
  ['actions not an array', (c) => c.putBucketReplication({ destination: dest, actions: 'PUT' }), 'InvalidArgument', /rule\.actions must be an array of strings/],
  ['non-string action', (c) => c.putBucketReplication({ destination: dest, actions: ['PUT', 7] }), 'InvalidArgument', /rule\.actions\[1\] must be a string/],
  ['sparse huge prefixes array', (c) => c.putBucketReplication({ destination: dest, prefixes: new Array(2 ** 32 - 1) }), 'InvalidArgument', /rule\.prefixes\[0\] must be a string/],
  ['sparse huge tags array', (c) => c.putBucketReplication({ destination: dest, userTaggings: { filterType: 'AND', tags: new Array(2 ** 32 - 1) } }), 'InvalidArgument', /rule\.userTaggings\.tags\[0\] must be an object/],
  ['KMS key without filter', (c) => c.putBucketReplication({ destination: dest, replicaKmsKeyId: 'k' }), 'InvalidArgument', /replicaKmsKeyId is only allowed together with sseKmsEncryptedObjects: true/],
  ['KMS filter without key', (c) => c.putBucketReplication({ destination: dest, sseKmsEncryptedObjects: true }), 'InvalidArgument', /sseKmsEncryptedObjects: true requires rule\.replicaKmsKeyId/],
  ['unknown rule field', (c) => c.putBucketReplication({ destination: dest, prefix: ['a/'] }), 'InvalidArgument', /rule\.prefix is not a known field/],
  ['boolean as string', (c) => c.putBucketReplication({ destination: dest, historicalObjectReplication: 'yes' }), 'InvalidArgument', /historicalObjectReplication must be true or false/],
  ['empty rule id', (c) => c.getBucketReplicationProgress(''), 'InvalidArgument', /ruleId must not be empty/],
  ['numeric rule id', (c) => c.deleteBucketReplication(42), 'InvalidArgument', /ruleId must be a string/],
  ['rtc flag not boolean', (c) => c.putBucketRtc('r1', 'on'), 'InvalidArgument', /enabled must be true or false/],
];

const responseCases = [
  ['HTML page from a proxy', { status: 502, body: '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1>nginx</body></html>' }, 'BadGateway', /not an OSS error \(a proxy or gateway answered\?\): "<!DOCTYPE html><html><body><h1>502 Bad Gateway/],
  ['empty 403', { status: 403, body: '' }, 'AccessDenied', /HTTP 403 with an empty body/],
  ['OSS error body', { status: 403, body: '<Error><Code>AccessDenied</Code><Message>You have no right to access this object.</Message><RequestId>RID-9</RequestId></Error>' }, 'AccessDenied', /You have no right/],
  ['truncated XML', { body: '<ReplicationLocation><Location>oss-cn-bei' }, 'MalformedResponse', /truncated XML: <Location> is not closed/],
  ['wrong root', { body: '<ReplicationConfiguration/>' }, 'MalformedResponse', /expected root element <ReplicationLocation>, got <ReplicationConfiguration>/],
  ['entity expansion', { body: '<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><ReplicationLocation>&b;</ReplicationLocation>' }, 'MalformedResponse', /DOCTYPE declarations are not accepted/],
  ['undeclared entity', { body: '<ReplicationLocation><Location>&xxe;</Location></ReplicationLocation>' }, 'MalformedResponse', /malformed XML/],
  ['invalid UTF-8', { body: new Uint8Array([0x3c, 0x52, 0x65, 0x70, 0x6c, 0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x4c, 0x6f, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x3e, 0xff, 0xfe]) }, 'MalformedResponse', /malformed XML|UTF-8/],
  ['empty 200', { body: '' }, 'MalformedResponse', /empty body where <ReplicationLocation> was expected/],
  ['plain text 200', { body: 'OK' }, 'MalformedResponse', /non-XML text: "OK"/],
  ['huge body', { body: '<ReplicationLocation>' + 'x'.repeat(5 * 1024 * 1024) + '</ReplicationLocation>' }, 'ResponseTooLarge', /larger than 4194304 bytes/],
  ['network failure (Node: not blamed on CORS)', new TypeError('fetch failed'), 'NetworkError', /^fetch failed: fetch failed \(endpoint unreachable, connection refused or reset, or DNS\)$/],
  ['fetch throws synchronously', () => { throw new Error('boom'); }, 'NetworkError', /fetch failed: boom/],
];

test('bad calls and bad answers reject clearly; the client keeps working', async () => {
  const state = programmableFetch();
  const client = new ReplicationClient({ ...base, fetch: state.fetch, retryMax: 0 });
  let n = 0;
  for (const [label, call, code, re] of callCases) {
    const before = state.sent;
    const err = await call(client).then(() => null, (e) => e);
    assert.ok(err, `${label}: resolved`);
    assertClean(err, label);
    assert.equal(err.code, code, `${label}: ${err.message}`);
    assert.match(err.message, re, label);
    assert.equal(state.sent, before, `${label}: a request was sent`);
    n++;
  }
  for (const [label, answer, code, re] of responseCases) {
    state.next = answer;
    const err = await client.getBucketReplicationLocation().then(() => null, (e) => e);
    assert.ok(err, `${label}: resolved`);
    assertClean(err, label);
    assert.equal(err.code, code, `${label}: ${err.message}`);
    assert.match(err.message, re, label);
    const after = await client.getBucketReplicationLocation();
    assert.deepEqual(after.locations, ['oss-cn-beijing'], `${label}: the client stopped working`);
    n++;
  }
  const progress = '<ReplicationProgress><Rule><ID>r</ID><Progress><HistoricalObject>lots</HistoricalObject></Progress></Rule></ReplicationProgress>';
  state.next = { body: progress };
  const err = await client.getBucketReplicationProgress('r').catch((e) => e);
  assert.equal(err.code, 'MalformedResponse');
  assert.match(err.message, /<HistoricalObject> "lots" is not a number/);
  n++;
  assert.ok(n + optionCases.length >= 40, `only ${n + optionCases.length} cases`);
});

test('refresh callbacks that throw or return garbage', async () => {
  const state = programmableFetch();
  const cases = [
    [() => { throw new Error('STS endpoint 500'); }, /refreshSTSToken failed: STS endpoint 500/],
    [async () => Promise.reject(new Error('network down')), /refreshSTSToken failed: network down/],
    [async () => ({ accessKeySecret: 'x', stsToken: 'y' }), /refreshSTSToken failed: accessKeyId is required/],
    [async () => 'not an object', /refreshSTSToken must return an object/],
    [async () => ({ accessKeyId: 'a', accessKeySecret: 'b', stsToken: 'c', expiration: 'tomorrow' }), /expiration "tomorrow" is not an ISO 8601 UTC time/],
  ];
  for (const [refreshSTSToken, re] of cases) {
    const client = new ReplicationClient({ bucket: 'source-bucket', region: 'cn-hangzhou', endpoint: 'http://127.0.0.1:9', refreshSTSToken, fetch: state.fetch });
    const err = await client.getBucketReplication().then(() => null, (e) => e);
    assert.ok(err instanceof OssError, String(err));
    assert.equal(err.code, 'CredentialsRefreshFailed');
    assert.match(err.message, re);
  }
});

test('static keys rejected as invalid: the identical request is not sent again', async () => {
  for (const code of ['InvalidAccessKeyId', 'InvalidSecurityToken']) {
    const state = programmableFetch();
    const client = new ReplicationClient({ ...base, fetch: state.fetch, retryMax: 3 });
    state.next = { status: 403, body: `<Error><Code>${code}</Code><Message>no</Message></Error>` };
    const err = await client.getBucketReplicationLocation().then(() => null, (e) => e);
    assert.equal(err?.code, code);
    assertClean(err, code);
    assert.equal(state.sent, 1, `${code}: sent ${state.sent} times`);
  }
});

test('signRequest: a body is signed (Content-MD5) or rejected; a v4 x-oss-date must be ISO basic', () => {
  const req = { method: 'PUT', bucket: 'examplebucket', url: 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com/?rtc' };
  const creds = { accessKeyId: 'AKID', accessKeySecret: SECRET, stsToken: TOKEN };
  const v4 = { version: 'v4', region: 'cn-hangzhou', time: 1713340800000 };
  const body = '<ReplicationRule><ID>r</ID></ReplicationRule>';
  const md5 = 'NOOLyi+KzbASbQGDFitEkg==';
  for (const b of [body, new TextEncoder().encode(body), new TextEncoder().encode(body).buffer]) {
    const h = signRequest({ ...req, body: b }, creds, v4);
    assert.equal(h['content-md5'], md5, 'the body is covered by the signed Content-MD5');
  }
  const cases = [
    ['body and a wrong Content-MD5', { ...req, body, headers: { 'Content-MD5': 'AAAAAAAAAAAAAAAAAAAAAA==' } }, v4, /request\.headers content-md5 "AAAAAAAAAAAAAAAAAAAAAA==" does not match request\.body/],
    ['body of another type', { ...req, body: { xml: body } }, v4, /request\.body must be a string, a Uint8Array or an ArrayBuffer/],
    ['v4 with an RFC 1123 x-oss-date', { ...req, headers: { 'x-oss-date': 'Wed, 17 Apr 2024 08:00:00 GMT' } }, v4, /x-oss-date "Wed, 17 Apr 2024 08:00:00 GMT" must be ISO 8601 basic format/],
    ['v4 with an extended x-oss-date', { ...req, headers: { 'x-oss-date': '2024-04-17T08:00:00Z' } }, v4, /must be ISO 8601 basic format \(20240417T080000Z\) for v4/],
  ];
  for (const [label, r, o, re] of cases) {
    let err;
    try { signRequest(r, creds, o); } catch (e) { err = e; }
    assert.ok(err, `${label}: accepted`);
    assertClean(err, label);
    assert.equal(err.code, 'InvalidArgument', label);
    assert.match(err.message, re, label);
  }
});

test('absurd server values: historicalObject is clamped to 0..1, far-off times do not crash', async () => {
  const state = programmableFetch();
  const client = new ReplicationClient({ ...base, fetch: state.fetch, retryMax: 0 });
  const progress = (v) => `<ReplicationProgress><Rule><ID>r</ID><Destination><Bucket>d</Bucket><Location>oss-cn-beijing</Location></Destination><Status>doing</Status><Progress><HistoricalObject>${v}</HistoricalObject></Progress></Rule></ReplicationProgress>`;
  for (const [v, want] of [['1.5', 1], ['9'.repeat(400), 1], ['0.25', 0.25]]) {
    state.next = { body: progress(v) };
    const p = await client.getBucketReplicationProgress('r');
    assert.equal(p.progress.historicalObject, want, v);
  }
  state.next = { status: 403, body: '<Error><Code>RequestTimeTooSkewed</Code><Message>skew</Message><ServerTime>99999999999999999-01-01T00:00:00.000Z</ServerTime></Error>', headers: { date: 'Wed, 17 Apr 99999999999 08:00:00 GMT' } };
  const err = await client.getBucketReplicationLocation().catch((e) => e);
  assert.equal(err.code, 'RequestTimeTooSkewed');
  const far = new ReplicationClient({ ...base, accessKeyId: undefined, accessKeySecret: undefined, stsToken: undefined, fetch: state.fetch,
    refreshSTSToken: async () => ({ accessKeyId: 'STS.a', accessKeySecret: SECRET, stsToken: TOKEN, expiration: 1e308 }) });
  assert.deepEqual((await far.getBucketReplicationLocation()).locations, ['oss-cn-beijing']);
});

test('a fetch from another realm (vm context, as in Jest) and Response-like answers work', async () => {
  const realm = vm.createContext({});
  const foreignPromise = vm.runInContext('(v) => new Promise((resolve) => resolve(v))', realm);
  const thenable = (v) => ({ then: (ok) => ok(v) });
  const ok = () => new Response(OK_LOCATION, { status: 200, headers: { 'x-oss-request-id': 'RID-R' } });
  const answers = [
    ['a promise from another realm', () => foreignPromise(ok())],
    ['a bare thenable', () => thenable(ok())],
    ['a Response-like object: plain headers, text()', () => foreignPromise({ status: 200, headers: { 'X-Oss-Request-Id': 'RID-R' }, text: () => foreignPromise(OK_LOCATION) })],
    ['a Response-like object whose body is the text', () => ({ status: 200, headers: new Map([['x-oss-request-id', 'RID-R']]), body: OK_LOCATION })],
  ];
  for (const [label, fetch] of answers) {
    const client = new ReplicationClient({ ...base, fetch, retryMax: 0 });
    const r = await client.getBucketReplicationLocation().catch((e) => e);
    assert.deepEqual(r.locations, ['oss-cn-beijing'], `${label}: ${r.message}`);
    assert.equal(r.requestId, 'RID-R', label);
  }
  const refreshClient = new ReplicationClient({ ...base, accessKeyId: undefined, accessKeySecret: undefined, stsToken: undefined, retryMax: 0,
    fetch: () => foreignPromise(ok()),
    refreshSTSToken: () => foreignPromise({ accessKeyId: 'STS.a', accessKeySecret: SECRET, stsToken: TOKEN }) });
  assert.deepEqual((await refreshClient.getBucketReplicationLocation()).locations, ['oss-cn-beijing'], 'a foreign-realm refresh promise');
});

test('a refresh error that quotes the keys the client holds does not leak them', async () => {
  const state = programmableFetch();
  let refreshes = 0;
  const client = new ReplicationClient({ bucket: 'source-bucket', region: 'cn-hangzhou', endpoint: 'http://127.0.0.1:9', fetch: state.fetch,
    refreshSTSTokenInterval: 0, // refresh before every call
    refreshSTSToken: async () => {
      if (refreshes++ === 0) return { accessKeyId: 'STS.a', accessKeySecret: SECRET, stsToken: TOKEN };
      // The secret reaches the library (first refresh), then comes back in a message.
      throw new Error(`STS endpoint 500; the cached answer was ${JSON.stringify({ accessKeySecret: SECRET, stsToken: TOKEN })}`);
    } });
  await client.getBucketReplicationLocation();
  const err = await client.getBucketReplicationLocation().then(() => null, (e) => e);
  assert.equal(err?.code, 'CredentialsRefreshFailed');
  assert.match(err.message, /refreshSTSToken failed: STS endpoint 500; the cached answer was/);
  assertClean(err, 'refresh error quoting the keys');
});
