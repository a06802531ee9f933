// Parsing GetBucketReplication answers (1, 10, 100 rules) into JS objects, and a ListObjectsV2
// page of 1,000 keys: ours vs xml2js
// (with ali-oss's options: what ali-oss's parseXML does) vs fast-xml-parser (defaults).
// Ours parses inside `getBucketReplication`, so it is measured through the public API with a
// `fetch` option that answers from memory: the figure includes the whole call (V4 signing,
// the fetch call, promise plumbing, building the result). A 0-rule answer measures that fixed
// part. Interleaved rounds; JSON on stdout. Usage: node bench/parse.mjs [rounds]

import { createRequire } from 'node:module';
import { CREDS, BUCKET, REGION, rulesXml, listObjectsXml, interleave, assert, assertEqual, loadPackage, memoryResponse } from './lib/common.mjs';

const { ReplicationClient } = await loadPackage();

const require = createRequire(import.meta.url);
const xml2js = require('xml2js');
const { XMLParser } = require('fast-xml-parser');

const rounds = Number(process.argv[2] || 15);
const SIZES = [0, 1, 10, 100];
const bodies = Object.fromEntries(SIZES.map((n) => [n, Buffer.from(rulesXml(n))]));

function client(fetch) {
  return new ReplicationClient({
    bucket: BUCKET,
    region: REGION,
    accessKeyId: CREDS.accessKeyId,
    accessKeySecret: CREDS.accessKeySecret,
    stsToken: CREDS.stsToken,
    fetch,
  });
}

const oursClients = Object.fromEntries(
  SIZES.map((n) => [n, client(async () => memoryResponse(bodies[n]))])
);
// The same through a real undici Response (stream body), as a global fetch would return.
const oursResponseClients = Object.fromEntries(
  SIZES.map((n) => [
    n,
    client(async () => new Response(bodies[n], { status: 200, headers: { 'content-type': 'application/xml' } })),
  ])
);

const xml2jsParse = (buf) => {
  let out;
  xml2js.parseString(buf.toString(), { explicitRoot: false, explicitArray: false }, (err, r) => {
    if (err) throw err;
    out = r;
  });
  return out;
};
const fxp = new XMLParser();
const fxpParse = (buf) => fxp.parse(buf.toString());

// --- sanity: every parser sees the same rules.
for (const n of SIZES) {
  const ours = await oursClients[n].getBucketReplication();
  const viaResponse = await oursResponseClients[n].getBucketReplication();
  assertEqual(ours.rules.length, n, `ours: rule count (${n})`);
  assertEqual(JSON.stringify(viaResponse.rules), JSON.stringify(ours.rules), `ours via Response (${n})`);
  if (n === 0) continue;
  const last = ours.rules[n - 1];
  const id = `rule-${String(n - 1).padStart(4, '0')}-8a2f4c1e`;
  assertEqual(last.id, id, 'ours: last rule id');
  assertEqual(last.destination.bucket, `destbucket-${n - 1}`, 'ours: destination bucket');
  assertEqual(JSON.stringify(last.prefixes), JSON.stringify([`source${n - 1}/`, 'video/']), 'ours: prefixes');
  assertEqual(JSON.stringify(last.actions), '["PUT","DELETE"]', 'ours: actions');
  assert(last.rtc === true && last.status === 'doing' && last.historicalObjectReplication === true, 'ours: flags');
  const x = xml2jsParse(bodies[n]).Rule;
  const xr = n === 1 ? [x] : x;
  assertEqual(xr.length, n, 'xml2js rule count');
  assertEqual(xr[n - 1].ID, id, 'xml2js last rule id');
  const f = fxpParse(bodies[n]).ReplicationConfiguration.Rule;
  const fr = n === 1 ? [f] : f;
  assertEqual(fr.length, n, 'fast-xml-parser rule count');
  assertEqual(fr[n - 1].ID, id, 'fast-xml-parser last rule id');
}

// A ListObjectsV2 page of 1,000 keys (issue 13): the peers parse it into generic trees; ours is
// the library's xml::parse_document in the native anchor (examples/bench_native.rs, list_1000),
// the package exposing no generic parser to JavaScript.
const LIST_KEYS = 1000;
const listBody = Buffer.from(listObjectsXml(LIST_KEYS));
{
  const lastKey = `logs/2024/04/17/app-${String(LIST_KEYS - 1).padStart(6, '0')}.log.gz`;
  const x = xml2jsParse(listBody).Contents;
  assertEqual(x.length, LIST_KEYS, 'xml2js: list key count');
  assertEqual(x[LIST_KEYS - 1].Key, lastKey, 'xml2js: last key');
  const f = fxpParse(listBody).ListBucketResult.Contents;
  assertEqual(f.length, LIST_KEYS, 'fast-xml-parser: list key count');
  assertEqual(f[LIST_KEYS - 1].Key, lastKey, 'fast-xml-parser: last key');
}

const contenders = {
  'xml2js.list': () => xml2jsParse(listBody),
  'fxp.list': () => fxpParse(listBody),
};
for (const n of SIZES) {
  contenders[`ours.${n}`] = { fn: () => oursClients[n].getBucketReplication(), async: true };
  contenders[`oursResponse.${n}`] = { fn: () => oursResponseClients[n].getBucketReplication(), async: true };
  if (n === 0) continue;
  contenders[`xml2js.${n}`] = () => xml2jsParse(bodies[n]);
  contenders[`fxp.${n}`] = () => fxpParse(bodies[n]);
}
const samples = await interleave(contenders, { rounds, sliceMs: 30 });
const bytes = Object.fromEntries(SIZES.map((n) => [n, bodies[n].length]));
bytes.list = listBody.length;
process.stdout.write(JSON.stringify({ bytes, samples }));
