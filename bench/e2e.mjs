// End to end on loopback against a canned server (its own process) answering
// GetBucketReplication (1 rule): ours (`getBucketReplication`, V4, path style) vs a raw
// `fetch` of the same URL (+ reading the body), the same with the headers ours sends (signed
// once, ahead of time: the wire cost of a signed request), the same again with ours' timeout
// timer (AbortController + setTimeout/clearTimeout) vs ali-oss's generic request (`client.request`,
// V4, xmlResponse: what its bucket methods call). One request at a time, keep-alive; the
// contenders take turns in batches (the order rotates). JSON on stdout: per-request latencies
// (ns), batch by batch, per contender. Usage: node bench/e2e.mjs [rounds] [requests per batch]

import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { CREDS, BUCKET, REGION, assert, assertEqual, loadPackage } from './lib/common.mjs';
import { startCanned } from './lib/spawn-server.mjs';

const { ReplicationClient, signRequest } = await loadPackage();

const require = createRequire(import.meta.url);
const OSS = require('ali-oss');

const rounds = Number(process.argv[2] || 15);
const batch = Number(process.argv[3] || 100);

const server = await startCanned(1);
const port = server.port;

try {
  const endpoint = `http://127.0.0.1:${port}`;
  const url = `${endpoint}/${BUCKET}/?replication`;
  const ours = new ReplicationClient({
    bucket: BUCKET,
    region: REGION,
    endpoint,
    accessKeyId: CREDS.accessKeyId,
    accessKeySecret: CREDS.accessKeySecret,
    stsToken: CREDS.stsToken,
  });
  const ali = new OSS({
    region: `oss-${REGION}`,
    bucket: BUCKET,
    endpoint,
    accessKeyId: CREDS.accessKeyId,
    accessKeySecret: CREDS.accessKeySecret,
    stsToken: CREDS.stsToken,
    refreshSTSTokenInterval: 300000,
    authorizationV4: true,
  });
  // The same headers ours sends (signed once): what the signed request costs on the wire alone.
  const signed = signRequest({ method: 'GET', bucket: BUCKET, url }, CREDS, { version: 'v4', region: REGION, time: Date.now() });
  const contenders = {
    fetch: async () => {
      const r = await fetch(url);
      await r.arrayBuffer();
      return r.status;
    },
    fetchSigned: async () => {
      const r = await fetch(url, { headers: signed });
      await r.arrayBuffer();
      return r.status;
    },
    // The same headers and the same timer as ours: an AbortController whose bound abort is
    // armed with setTimeout before fetch and cleared after the body (src/js/fetch.rs). What
    // ours adds over this is signing, parsing and the facade.
    fetchSignedTimer: async () => {
      const controller = new AbortController();
      const timer = setTimeout(controller.abort.bind(controller), 60_000);
      try {
        const r = await fetch(url, { method: 'GET', headers: signed, signal: controller.signal });
        await r.arrayBuffer();
        return r.status;
      } finally {
        clearTimeout(timer);
      }
    },
    ours: async () => (await ours.getBucketReplication()).rules.length,
    alioss: async () => {
      const params = ali._bucketRequestParams('GET', BUCKET, 'replication', {});
      params.successStatuses = [200];
      params.xmlResponse = true;
      const r = await ali.request(params);
      return r.data.Rule.ID;
    },
  };

  // Sanity: every contender got the answer, and the server saw signed requests.
  assertEqual(await contenders.fetch(), 200, 'raw fetch status');
  assertEqual(await contenders.fetchSigned(), 200, 'raw fetch (signed headers) status');
  assertEqual(await contenders.fetchSignedTimer(), 200, 'raw fetch (signed headers, timer) status');
  assertEqual(await contenders.ours(), 1, 'ours: rules');
  assertEqual(await contenders.alioss(), 'rule-0000-8a2f4c1e', 'ali-oss: rule id');
  const stats = await (await fetch(`${endpoint}/__stats`)).json();
  assert(stats.v4 === 4 && stats.none === 1, `canned server saw ${JSON.stringify(stats)}`);

  const names = Object.keys(contenders);
  for (const n of names) for (let i = 0; i < 300; i++) await contenders[n](); // warm-up
  const batches = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length];
      const fn = contenders[name];
      const lat = [];
      for (let i = 0; i < batch; i++) {
        const t0 = performance.now();
        await fn();
        lat.push((performance.now() - t0) * 1e6);
      }
      batches[name].push(lat.map(Math.round));
    }
  }
  process.stdout.write(JSON.stringify({ batch, batches }));
} finally {
  server.stop();
}
