// One cold-start sample in a fresh Node process (run by bench/cold-node.mjs):
// `ours`: import the package (the Node entry compiles and instantiates the wasm synchronously)
// + the first signRequest; `alioss`: require ali-oss + new OSS + its first request creation.
// Prints {"ms": total, "loadMs": import/require only}.
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { CREDS, BUCKET, REGION, TIME_MS, URL_, loadPackage } from './lib/common.mjs';

const which = process.argv[2];
let t0, t1, out;
if (which === 'ours') {
  t0 = performance.now();
  const { signRequest } = await loadPackage();
  t1 = performance.now();
  out = signRequest({ method: 'GET', bucket: BUCKET, url: URL_ }, CREDS, { version: 'v4', region: REGION, time: TIME_MS }).authorization;
} else if (which === 'alioss') {
  const require = createRequire(import.meta.url);
  t0 = performance.now();
  const OSS = require('ali-oss');
  t1 = performance.now();
  const { createRequest } = require('ali-oss/lib/common/utils/createRequest');
  const client = new OSS({
    region: `oss-${REGION}`,
    bucket: BUCKET,
    accessKeyId: CREDS.accessKeyId,
    accessKeySecret: CREDS.accessKeySecret,
    stsToken: CREDS.stsToken,
    refreshSTSTokenInterval: 300000,
    authorizationV4: true,
  });
  out = createRequest.call(client, client._bucketRequestParams('GET', BUCKET, 'replication', {})).params.headers.authorization;
} else {
  throw new Error(`unknown contender ${which}`);
}
const t2 = performance.now();
if (!out.startsWith('OSS4-HMAC-SHA256 Credential=')) throw new Error(`bad authorization: ${out}`);
process.stdout.write(JSON.stringify({ ms: t2 - t0, loadMs: t1 - t0 }));
