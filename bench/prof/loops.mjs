// Hot loops to profile (node --cpu-prof): `sign-v4`, `sign-v1`, `get-0`, `get-100` (getBucketReplication
// with a 0- or 100-rule answer from memory). The package comes from $BENCH_PKG (default ../../pkg/node).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CREDS, BUCKET, REGION, TIME_MS, URL_, rulesXml } from '../lib/common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkgDir = process.env.BENCH_PKG || path.join(here, '../../pkg/node');
const { signRequest, ReplicationClient } = await import(pathToFileURL(path.join(pkgDir, 'index.mjs')).href);
const [which, nArg] = process.argv.slice(2);
const N = Number(nArg || 50000);

export function memoryFetch(n) {
  const body = Buffer.from(rulesXml(n));
  const headers = new Map([['content-type', 'application/xml'], ['content-length', String(body.length)]]);
  return async () => ({
    status: 200,
    headers: { get: (k) => headers.get(k.toLowerCase()) ?? null },
    body: null,
    arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.length),
  });
}

const t0 = performance.now();
if (which.startsWith('sign-')) {
  const req = { method: 'GET', bucket: BUCKET, url: URL_ };
  const opts = { version: which.slice(5), region: REGION, time: TIME_MS };
  for (let i = 0; i < N; i++) signRequest(req, CREDS, opts);
} else if (which.startsWith('get-')) {
  const c = new ReplicationClient({ bucket: BUCKET, region: REGION, accessKeyId: CREDS.accessKeyId,
    accessKeySecret: CREDS.accessKeySecret, stsToken: CREDS.stsToken, fetch: memoryFetch(Number(which.slice(4))) });
  for (let i = 0; i < N; i++) await c.getBucketReplication();
} else throw new Error(`unknown loop ${which}`);
console.log(`${which}: ${(((performance.now() - t0) * 1000) / N).toFixed(1)} µs/call (under the profiler)`);
