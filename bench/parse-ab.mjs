// A/B of two builds of the package in one process: getBucketReplication with 0/1/10/100 rules
// answered from memory (as bench/parse.mjs), the two builds' contenders interleaved round by
// round, so background load hits both alike. For judging a change to the parser or the
// allocator: `node bench/parse-ab.mjs DIR_A DIR_B [rounds]`, each DIR a package (with
// node/index.mjs). Prints medians and p10 per size and the B/A ratio.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CREDS, BUCKET, REGION, rulesXml, interleave, median, quantile, assertEqual, memoryResponse } from './lib/common.mjs';

const [dirA, dirB, roundsArg] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: node bench/parse-ab.mjs DIR_A DIR_B [rounds]');
  process.exit(2);
}
const rounds = Number(roundsArg || 15);
const load = (d) => import(pathToFileURL(path.resolve(d, 'node/index.mjs')).href);
const builds = { A: await load(dirA), B: await load(dirB) };
const SIZES = [0, 1, 10, 100];

const contenders = {};
for (const [label, { ReplicationClient }] of Object.entries(builds)) {
  for (const n of SIZES) {
    const body = Buffer.from(rulesXml(n));
    const client = new ReplicationClient({
      bucket: BUCKET,
      region: REGION,
      accessKeyId: CREDS.accessKeyId,
      accessKeySecret: CREDS.accessKeySecret,
      stsToken: CREDS.stsToken,
      fetch: async () => memoryResponse(body),
    });
    assertEqual((await client.getBucketReplication()).rules.length, n, `${label}: rule count`);
    contenders[`${label}.${n}`] = { fn: () => client.getBucketReplication(), async: true };
  }
}
const samples = await interleave(contenders, { rounds, sliceMs: 30 });
for (const n of SIZES) {
  const [a, b] = [samples[`A.${n}`], samples[`B.${n}`]];
  const f = (xs) => `${(median(xs) / 1000).toFixed(2)} µs (p10 ${(quantile(xs, 0.1) / 1000).toFixed(2)})`;
  console.log(`${String(n).padStart(3)} rules: A ${f(a)}  B ${f(b)}  B/A ${(median(b) / median(a)).toFixed(3)}`);
}
