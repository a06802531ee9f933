// The built Node entry of the package, driven through its public API with a
// scripted `fetch` (the `fetch` option): request shape, results, OssError.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ReplicationClient, signRequest, validateRule, OssError } from '../../pkg/node/index.mjs';
import init from '../../pkg/node/index.mjs';

function scripted(answers) {
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, ...init });
    const next = answers.shift();
    if (next instanceof Error) throw next;
    return new Response(next.body ?? '', { status: next.status ?? 200, headers: next.headers ?? {} });
  };
  return { fetch, sent };
}

const base = { bucket: 'source-bucket', region: 'cn-hangzhou', endpoint: 'http://127.0.0.1:9', accessKeyId: 'AKID', accessKeySecret: 'secret-value' };

test('init is a no-op in Node', async () => {
  await init();
});

test('getBucketReplication sends a V4-signed GET and returns plain objects', async () => {
  const { fetch, sent } = scripted([{ body: '<ReplicationConfiguration><Rule><ID>r1</ID><PrefixSet><Prefix>a/</Prefix></PrefixSet><Action>PUT,DELETE</Action><Destination><Bucket>dest</Bucket><Location>oss-cn-beijing</Location><TransferType>oss_acc</TransferType></Destination><Status>doing</Status><HistoricalObjectReplication>enabled</HistoricalObjectReplication><RTC><Status>enabling</Status></RTC></Rule></ReplicationConfiguration>', headers: { 'x-oss-request-id': 'RID1' } }]);
  const client = new ReplicationClient({ ...base, fetch });
  const out = await client.getBucketReplication();
  assert.deepEqual(out, {
    rules: [{ id: 'r1', destination: { bucket: 'dest', location: 'oss-cn-beijing', transferType: 'oss_acc' }, prefixes: ['a/'], actions: ['PUT', 'DELETE'], historicalObjectReplication: true, rtc: true, status: 'doing', rtcStatus: 'enabling' }],
    requestId: 'RID1',
  });
  assert.equal(sent[0].url, 'http://127.0.0.1:9/source-bucket/?replication');
  assert.equal(sent[0].method, 'GET');
  assert.match(sent[0].headers.authorization, /^OSS4-HMAC-SHA256 Credential=AKID\/\d{8}\/cn-hangzhou\/oss\/aliyun_v4_request,Signature=[0-9a-f]{64}$/);
  assert.equal(sent[0].headers['x-oss-content-sha256'], 'UNSIGNED-PAYLOAD');
  assert.equal(sent[0].headers.date, undefined);
});

test('putBucketReplication generates an ID, sends XML with Content-MD5, returns the rule ID', async () => {
  const { fetch, sent } = scripted([{ headers: { 'x-oss-request-id': 'RID2' } }]);
  const client = new ReplicationClient({ ...base, fetch, signatureVersion: 'v1', stsToken: 'tok+/=' });
  const out = await client.putBucketReplication({ destination: { bucket: 'dest', location: 'oss-cn-beijing' }, prefixes: ['<img src=x>'], rtc: true });
  assert.match(out.ruleId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(out.requestId, 'RID2');
  assert.equal(sent[0].method, 'POST');
  assert.equal(sent[0].url, 'http://127.0.0.1:9/source-bucket/?replication&comp=add');
  assert.equal(sent[0].headers['content-type'], 'application/xml');
  assert.equal(sent[0].headers['x-oss-security-token'], 'tok+/=');
  assert.match(sent[0].headers.authorization, /^OSS AKID:[A-Za-z0-9+/]{27}=$/);
  assert.equal(sent[0].body, `<ReplicationConfiguration><Rule><ID>${out.ruleId}</ID><Destination><Bucket>dest</Bucket><Location>oss-cn-beijing</Location></Destination><PrefixSet><Prefix>&lt;img src=x&gt;</Prefix></PrefixSet><RTC><Status>enabled</Status></RTC></Rule></ReplicationConfiguration>`);
});

test('location and progress results', async () => {
  const { fetch } = scripted([
    { body: '<ReplicationLocation><Location>oss-cn-beijing</Location><LocationTransferTypeConstraint><LocationTransferType><Location>oss-us-west-1</Location><TransferTypes><Type>oss_acc</Type></TransferTypes></LocationTransferType></LocationTransferTypeConstraint><LocationRTCConstraint><Location>oss-cn-beijing</Location></LocationRTCConstraint></ReplicationLocation>' },
    { body: '<ReplicationProgress><Rule><ID>r1</ID><Destination><Bucket>d</Bucket><Location>oss-cn-beijing</Location></Destination><Status>doing</Status><Progress><HistoricalObject>0.85</HistoricalObject><NewObject>2015-09-24T15:28:14.000Z</NewObject></Progress></Rule></ReplicationProgress>' },
  ]);
  const client = new ReplicationClient({ ...base, fetch });
  assert.deepEqual(await client.getBucketReplicationLocation(), {
    locations: ['oss-cn-beijing'],
    transferTypeConstraints: [{ location: 'oss-us-west-1', transferTypes: ['oss_acc'] }],
    rtcLocations: ['oss-cn-beijing'],
  });
  const p = await client.getBucketReplicationProgress('r1');
  assert.deepEqual(p.progress, { historicalObject: 0.85, newObject: '2015-09-24T15:28:14.000Z' });
  assert.equal(p.rule.status, 'doing');
});

test('errors are OssError with the service fields, and never contain the secret', async () => {
  const { fetch } = scripted([{ status: 404, headers: { 'x-oss-request-id': 'RID3', 'x-oss-ec': '0015-00000101' }, body: '<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist.</Message><RequestId>RID3</RequestId><HostId>h.example</HostId><EC>0015-00000101</EC><RecommendDoc>https://api.aliyun.com/troubleshoot?q=0015-00000101</RecommendDoc></Error>' }]);
  const client = new ReplicationClient({ ...base, fetch });
  const err = await client.getBucketReplicationLocation().catch((e) => e);
  assert.ok(err instanceof OssError);
  assert.ok(err instanceof Error);
  assert.equal(err.name, 'OssError');
  assert.equal(err.code, 'NoSuchBucket');
  assert.equal(err.status, 404);
  assert.equal(err.requestId, 'RID3');
  assert.equal(err.hostId, 'h.example');
  assert.equal(err.ec, '0015-00000101');
  assert.equal(err.recommendDoc, 'https://api.aliyun.com/troubleshoot?q=0015-00000101');
  assert.equal(err.retryable, false);
  assert.ok(!String(err.stack).includes('secret-value'));
});

test('options are validated before any request, naming the field', () => {
  const cases = [
    [{ ...base, bucket: 'Bad_Bucket' }, /options\.bucket: bucket name "Bad_Bucket" may contain only lowercase/],
    [{ ...base, region: undefined }, /options\.region is required/],
    [{ ...base, endpoint: 'ftp://x' }, /options\.endpoint: endpoint "ftp:\/\/x" must use http or https/],
    [{ ...base, signatureVersion: 'v2' }, /options\.signatureVersion "v2" must be 'v4' or 'v1'/],
    [{ ...base, accessKeySecret: undefined }, /options\.accessKeySecret is required with accessKeyId/],
    [{ bucket: 'abc', region: 'cn-hangzhou' }, /needs accessKeyId and accessKeySecret/],
    [{ ...base, retryMax: 1.5 }, /options\.retryMax must be a whole number/],
    [{ ...base, timeout: 'soon' }, /options\.timeout must be a non-negative number/],
    [{ ...base, fetch: 'nope' }, /options\.fetch must be a function/],
    [{ ...base, bucketName: 'x' }, /options\.bucketName is not a known field/],
  ];
  for (const [opts, re] of cases) {
    const code = opts.bucket === 'Bad_Bucket' ? 'InvalidBucketName' : 'InvalidArgument';
    assert.throws(() => new ReplicationClient(opts), (e) => e instanceof OssError && e.code === code && re.test(e.message), `${JSON.stringify(opts)}`);
  }
});

test('rule validation rejects before sending', async () => {
  const { fetch, sent } = scripted([]);
  const client = new ReplicationClient({ ...base, fetch });
  const bad = [
    [{ destination: { bucket: 'dest', location: 'cn-beijing' } }, /rule\.destination\.location "cn-beijing" must be a region with the oss- prefix/],
    [{ destination: { bucket: 'dest', location: 'oss-cn-beijing' }, prefixes: Array(11).fill('p') }, /rule\.prefixes has 11 entries/],
    [{ destination: { bucket: 'dest', location: 'oss-cn-beijing' }, prefix: ['x'] }, /rule\.prefix is not a known field/],
    [{ destination: { bucket: 'dest', location: 'oss-cn-beijing' }, actions: ['COPY'] }, /rule\.actions\[0\] "COPY" must be one of/],
    [{ destination: { bucket: 'dest', location: 'oss-cn-beijing' }, replicaKmsKeyId: 'k' }, /only allowed together with sseKmsEncryptedObjects/],
    [{ destination: { location: 'oss-cn-beijing' } }, /rule\.destination\.bucket is required/],
    [{ destination: { bucket: 'dest', location: 'oss-cn-beijing' }, prefixes: 'a/' }, /rule\.prefixes must be an array of strings/],
    [undefined, /rule is required/],
  ];
  for (const [rule, re] of bad) {
    const err = await client.putBucketReplication(rule).catch((e) => e);
    assert.ok(err instanceof OssError && re.test(err.message), `${JSON.stringify(rule)} -> ${err.message}`);
  }
  assert.equal(sent.length, 0);
});

test('network failures and timeouts are retried, then reported', async () => {
  let calls = 0;
  const fetch = (url, init) => {
    calls++;
    return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason)));
  };
  const client = new ReplicationClient({ ...base, fetch, timeout: 20, retryMax: 1 });
  const err = await client.getBucketReplication().catch((e) => e);
  assert.equal(err.code, 'ClientTimeout', 'the client gave up: not OSS\'s RequestTimeout');
  assert.equal(err.status, -1);
  assert.equal(err.retryable, true);
  assert.equal(calls, 2);
});

test('response size cap', async () => {
  const { fetch } = scripted([{ body: '<ReplicationConfiguration>' + ' '.repeat(2048) + '</ReplicationConfiguration>' }]);
  const client = new ReplicationClient({ ...base, fetch, maxResponseBytes: 1024, retryMax: 0 });
  const err = await client.getBucketReplication().catch((e) => e);
  assert.equal(err.code, 'ResponseTooLarge');
});

test('signRequest reproduces the oss-wire.md V4 vector', () => {
  const headers = signRequest(
    { method: 'GET', bucket: 'examplebucket', url: 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com/?replication' },
    { accessKeyId: 'LTAI5tExampleAccessKeyId', accessKeySecret: 'ExampleAccessKeySecret0123456789' },
    { version: 'v4', region: 'cn-hangzhou', time: Date.UTC(2024, 3, 17, 8, 0, 0) },
  );
  assert.deepEqual(headers, {
    'x-oss-date': '20240417T080000Z',
    'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
    authorization: 'OSS4-HMAC-SHA256 Credential=LTAI5tExampleAccessKeyId/20240417/cn-hangzhou/oss/aliyun_v4_request,Signature=df391269a32e219280627fa490a9e0c272d349b900a09af5b90e6695a433c6d9',
  });
  const v1 = signRequest(
    { method: 'GET', bucket: 'examplebucket', url: 'http://127.0.0.1:9000/examplebucket/?replication', headers: { Date: 'Wed, 17 Apr 2024 08:00:00 GMT' } },
    { accessKeyId: 'LTAI5tExampleAccessKeyId', accessKeySecret: 'ExampleAccessKeySecret0123456789' },
    { version: 'v1', time: 0 },
  );
  assert.equal(v1.authorization, 'OSS LTAI5tExampleAccessKeyId:zhsDI5doXreYRC7gh/AQemUiQ58=');
  assert.equal(v1.Date, 'Wed, 17 Apr 2024 08:00:00 GMT');
});

test('result text survives the JSON hand-off exactly (quotes, backslashes, controls, unicode)', async () => {
  const tricky = 'a"b\\c\td\ne\u0001f é中😀 </x>';
  const xmlText = tricky.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\u0001/g, '&#1;');
  const { fetch } = scripted([{ body: `<ReplicationConfiguration><Rule><ID>${xmlText}</ID><PrefixSet><Prefix>${xmlText}</Prefix></PrefixSet><Destination><Bucket>d</Bucket><Location>oss-cn-beijing</Location></Destination></Rule></ReplicationConfiguration>` }]);
  const client = new ReplicationClient({ ...base, fetch });
  const { rules } = await client.getBucketReplication();
  assert.equal(rules[0].id, tricky);
  assert.deepEqual(rules[0].prefixes, [tricky]);
});

test('validateRule checks a rule without a client or a request', () => {
  assert.equal(validateRule({ destination: { bucket: 'dest', location: 'oss-cn-beijing' }, prefixes: ['a/'] }), undefined);
  assert.throws(() => validateRule({ destination: { bucket: 'dest', location: 'oss-cn-beijing' }, prefixes: Array(11).fill('p') }),
    (e) => e instanceof OssError && e.code === 'InvalidArgument' && /^rule\.prefixes has 11 entries/.test(e.message));
  assert.throws(() => validateRule({ destination: { bucket: 'Dest', location: 'oss-cn-beijing' } }), (e) => e.code === 'InvalidBucketName');
});

test('signRequest rejects unknown fields by name, and signs a body through Content-MD5', () => {
  const req = { method: 'GET', bucket: 'examplebucket', url: 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com/?replication' };
  const creds = { accessKeyId: 'a', accessKeySecret: 'b' };
  const opts = { version: 'v4', region: 'cn-hangzhou', time: 0 };
  assert.throws(() => signRequest({ ...req, header: {} }, creds, opts), (e) => e.code === 'InvalidArgument' && /^request\.header is not a known field/.test(e.message));
  assert.throws(() => signRequest(req, { ...creds, securityToken: 't' }, opts), /credentials\.securityToken is not a known field/);
  assert.throws(() => signRequest(req, creds, { ...opts, regoin: 'x' }), /options\.regoin is not a known field/);
  const withBody = signRequest({ ...req, body: '<x/>' }, { ...creds, stsToken: undefined }, opts);
  assert.ok(withBody.authorization);
  assert.equal(withBody['content-md5'], 'qLWUv43Mplb7HrG2Y0SUCg==');
});
