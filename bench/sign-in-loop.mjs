// Signing inside a real request loop: each iteration signs GET ?replication (STS, 640-character
// token) and then sends it with fetch to the canned loopback server (bench/lib/canned-server.mjs)
// and reads the answer; only the signing call is timed. Between two signatures fetch, undici and
// the GC run, so this is the cost a user pays per request, not the tight-loop figure of
// bench/sign.mjs. Ours (signRequest) vs ali-oss's full request creation (createRequest), V1 and
// V4; the contenders take turns in batches (order rotating). JSON on stdout: per-call ns, batch
// by batch. Usage: node bench/sign-in-loop.mjs [rounds] [calls per batch]

import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { CREDS, BUCKET, REGION, assert, loadPackage } from './lib/common.mjs';
import { startCanned } from './lib/spawn-server.mjs';

const { signRequest } = await loadPackage();
const require = createRequire(import.meta.url);
const OSS = require('ali-oss');
const { createRequest } = require('ali-oss/lib/common/utils/createRequest');

const rounds = Number(process.argv[2] || 15);
const batch = Number(process.argv[3] || 100);
const server = await startCanned(1);
try {
  const url = `${server.endpoint}/${BUCKET}/?replication`;
  const request = { method: 'GET', bucket: BUCKET, url };
  const ali = (v4) =>
    new OSS({
      region: `oss-${REGION}`,
      bucket: BUCKET,
      endpoint: server.endpoint,
      accessKeyId: CREDS.accessKeyId,
      accessKeySecret: CREDS.accessKeySecret,
      stsToken: CREDS.stsToken,
      refreshSTSTokenInterval: 300000,
      authorizationV4: v4,
    });
  const [aliV1, aliV4] = [ali(false), ali(true)];
  // Each contender: sign (timed) -> headers to send.
  const contenders = {
    'ours.v1': () => signRequest(request, CREDS, { version: 'v1', time: Date.now() }),
    'ours.v4': () => signRequest(request, CREDS, { version: 'v4', region: REGION, time: Date.now() }),
    'alifull.v1': () => createRequest.call(aliV1, aliV1._bucketRequestParams('GET', BUCKET, 'replication', {})).params.headers,
    'alifull.v4': () => createRequest.call(aliV4, aliV4._bucketRequestParams('GET', BUCKET, 'replication', {})).params.headers,
  };
  const send = async (headers) => {
    const h = {};
    for (const [k, v] of Object.entries(headers)) if (typeof v === 'string' || typeof v === 'number') h[k] = String(v);
    const r = await fetch(url, { headers: h });
    await r.arrayBuffer();
    return r.status;
  };
  // Sanity: every contender's request reaches the server signed the way it claims.
  for (const [name, sign] of Object.entries(contenders)) assert((await send(sign())) === 200, `${name}: status`);
  const stats = await (await fetch(`${server.endpoint}/__stats`)).json();
  assert(stats.v4 === 2 && stats.v1 === 2, `canned server saw ${JSON.stringify(stats)}`);

  const names = Object.keys(contenders);
  for (const n of names) for (let i = 0; i < 200; i++) await send(contenders[n]()); // warm-up
  const batches = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length];
      const sign = contenders[name];
      const lat = [];
      for (let i = 0; i < batch; i++) {
        const t0 = performance.now();
        const headers = sign();
        lat.push(Math.round((performance.now() - t0) * 1e6));
        await send(headers);
      }
      batches[name].push(lat);
    }
  }
  process.stdout.write(JSON.stringify({ batch, batches }));
} finally {
  server.stop();
}
