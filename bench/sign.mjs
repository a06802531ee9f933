// Signing GET ?replication (STS, 640-character token), V1 and V4, in one Node process:
// ours (signRequest through the public API), ali-oss core signing functions and its full
// request creation, aws4fetch's AwsV4Signer. Interleaved rounds; JSON on stdout.
// Before timing, checks that the contenders that should agree with us do, byte for byte.
// Usage: node bench/sign.mjs [rounds] [oss2.json] [native.json]

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { TOKEN, CREDS, BUCKET, REGION, TIME_MS, URL_, interleave, assertEqual, assert, loadPackage } from './lib/common.mjs';

const { signRequest } = await loadPackage();

const require = createRequire(import.meta.url);
const OSS = require('ali-oss');
const signUtils = require('ali-oss/lib/common/signUtils');
const { createRequest } = require('ali-oss/lib/common/utils/createRequest');
const { AwsV4Signer } = require('aws4fetch');

const rounds = Number(process.argv[2] || 15);

// ali-oss reads the wall clock (`new Date()` in createRequest): pin it to the signing time so
// its headers and signatures can be compared with ours. Only ali-oss calls `new Date()` here.
const RealDate = Date;
globalThis.Date = class FixedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(TIME_MS);
    else super(...args);
  }
  static now() {
    return TIME_MS;
  }
};

const RFC1123 = 'Wed, 17 Apr 2024 08:00:00 GMT';
const ISO = '20240417T080000Z';
const request = { method: 'GET', bucket: BUCKET, url: URL_ };

// --- ours
const ours = {
  v1: () => signRequest(request, CREDS, { version: 'v1', time: TIME_MS }),
  v4: () => signRequest(request, CREDS, { version: 'v4', region: REGION, time: TIME_MS }),
};

// --- ali-oss core: the functions its client calls, given the headers createRequest makes.
const aliCore = {
  v1: () =>
    signUtils.authorization(
      CREDS.accessKeyId,
      CREDS.accessKeySecret,
      signUtils.buildCanonicalString('GET', `/${BUCKET}/`, {
        headers: { 'x-oss-date': RFC1123, 'x-oss-security-token': TOKEN },
        parameters: 'replication',
      }),
      'utf-8'
    ),
  v4: () =>
    signUtils.authorizationV4(
      CREDS.accessKeyId,
      CREDS.accessKeySecret,
      REGION,
      'GET',
      {
        headers: { 'x-oss-date': ISO, 'x-oss-content-sha256': 'UNSIGNED-PAYLOAD', 'x-oss-security-token': TOKEN },
        queries: { replication: null },
      },
      BUCKET
    ),
};

// --- ali-oss full request creation: what `client.request` does before sending (headers,
// date, encoding, signature, URL), for the params its bucket methods build.
function aliClient(v4) {
  return new OSS({
    region: `oss-${REGION}`,
    bucket: BUCKET,
    accessKeyId: CREDS.accessKeyId,
    accessKeySecret: CREDS.accessKeySecret,
    stsToken: TOKEN,
    refreshSTSTokenInterval: 300000,
    secure: true,
    authorizationV4: v4,
  });
}
const aliV1 = aliClient(false);
const aliV4 = aliClient(true);
const aliFull = {
  v1: () => createRequest.call(aliV1, aliV1._bucketRequestParams('GET', BUCKET, 'replication', {})),
  v4: () => createRequest.call(aliV4, aliV4._bucketRequestParams('GET', BUCKET, 'replication', {})),
};

// --- aws4fetch: a fresh signer per request, with no signing-key cache shared between calls
// (like ours), and with one shared cache (what its AwsClient does: the key derived once a day).
const aws4Cache = new Map();
const aws4 = (cache) =>
  new AwsV4Signer({
    cache,
    url: URL_,
    method: 'GET',
    accessKeyId: CREDS.accessKeyId,
    secretAccessKey: CREDS.accessKeySecret,
    sessionToken: TOKEN,
    service: 's3',
    region: REGION,
    datetime: ISO,
  }).sign();

// --- sanity: the same request must give the same Authorization.
const o1 = ours.v1();
const o4 = ours.v4();
assertEqual(o1['x-oss-date'], RFC1123, 'ours v1 x-oss-date');
assertEqual(o1.authorization, aliCore.v1(), 'V1 Authorization: ours vs ali-oss signUtils');
assertEqual(o4.authorization, aliCore.v4(), 'V4 Authorization: ours vs ali-oss signUtils.authorizationV4');
const f1 = aliFull.v1();
const f4 = aliFull.v4();
assertEqual(f1.url.replace(/=$/, ''), URL_, 'ali-oss request URL'); // it sends ?replication=
assertEqual(o1.authorization, f1.params.headers.authorization, 'V1 Authorization: ours vs ali-oss createRequest');
assertEqual(o4.authorization, f4.params.headers.authorization, 'V4 Authorization: ours vs ali-oss createRequest');
for (const [k, v] of Object.entries(o4)) {
  if (k !== 'authorization') assertEqual(v, f4.params.headers[k], `V4 header ${k}: ours vs ali-oss createRequest`);
}
const a4 = await aws4(undefined);
assertEqual((await aws4(aws4Cache)).headers.get('authorization'), a4.headers.get('authorization'), 'aws4fetch cached = uncached');
assert(/^AWS4-HMAC-SHA256 Credential=STS\.\S+\/20240417\/cn-hangzhou\/s3\/aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/.test(a4.headers.get('authorization')), 'aws4fetch Authorization shape');
assertEqual(a4.headers.get('x-amz-security-token'), TOKEN, 'aws4fetch token header');
// oss2 (Python) and native Rust, signed in their own processes: compare when given.
const [oss2File, nativeFile] = process.argv.slice(3);
if (oss2File) {
  const oss2 = JSON.parse(readFileSync(oss2File, 'utf8'));
  // oss2 V1 signs with a Date header (no x-oss-date); ours does the same when Date is given.
  const oursDate = signRequest({ ...request, headers: { date: RFC1123 } }, CREDS, { version: 'v1', time: TIME_MS });
  assertEqual(oursDate.authorization, oss2.authorization.v1, 'V1 (Date header) Authorization: ours vs oss2');
  // oss2 separates Credential and Signature with ", "; both forms are accepted by OSS.
  assertEqual(o4.authorization.replace(',Signature=', ', Signature='), oss2.authorization.v4, 'V4 Authorization: ours vs oss2');
}
if (nativeFile) {
  const native = JSON.parse(readFileSync(nativeFile, 'utf8'));
  assertEqual(o1.authorization, native.authorization.v1, 'V1 Authorization: wasm vs native');
  assertEqual(o4.authorization, native.authorization.v4, 'V4 Authorization: wasm vs native');
}

// --- timing. aws4fetch is async (WebCrypto): timed with one awaited sign per iteration.
const samples = await interleave(
  {
    'ours.v1': ours.v1,
    'ours.v4': ours.v4,
    'alicore.v1': aliCore.v1,
    'alicore.v4': aliCore.v4,
    'alifull.v1': aliFull.v1,
    'alifull.v4': aliFull.v4,
    'aws4fetch.v4': { fn: () => aws4(undefined), async: true },
    'aws4fetch.v4.cached': { fn: () => aws4(aws4Cache), async: true },
  },
  { rounds }
);
process.stdout.write(JSON.stringify(samples));
