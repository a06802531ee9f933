// Builds the one markdown table of `make bench` from the raw JSON of one run (bench/run.sh
// writes them to test-output/bench/raw/; passes are pooled). Usage: node bench/report.mjs RAW_DIR
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { median, quantile } from './lib/common.mjs';

const dir = process.argv[2];
const files = readdirSync(dir);
const load = (f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
const passes = (prefix) => files.filter((f) => f.startsWith(`${prefix}-`) && f.endsWith('.json')).sort().map(load);

/** Concatenates `{key: [samples]}` objects of several passes. */
function pool(objs) {
  const out = {};
  for (const o of objs) for (const [k, v] of Object.entries(o)) (out[k] ||= []).push(...v);
  return out;
}

// ---------- formatting
const sig = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const us = (ns) => sig(ns / 1000);
const ms = (x) => sig(x);
const kb = (b) => (b / 1000).toFixed(1);
/** `median (p10 x; min–max)` of samples in the unit `fmt` prints. */
const stat = (xs, fmt, unit) =>
  `${fmt(median(xs))} ${unit} (p10 ${fmt(quantile(xs, 0.1))}; ${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))})`;
function ratio(ours, peer, kind = 'time') {
  // Differences (overheads) can come out at or below zero on a busy machine: no ratio then.
  if (!(ours > 0 && peer > 0)) return 'n/a (a difference at or below zero: within noise)';
  const r = ours / peer;
  const [better, worse] = kind === 'size' ? ['smaller', 'larger'] : ['faster', 'slower'];
  const note = r <= 1 ? `ours ${sig(1 / r)}x ${better}` : `ours ${sig(r)}x ${worse}`;
  return `${r.toFixed(2)} (${note})`;
}

const rows = [];
const row = (figure, ours, peer, peerValue, r) => rows.push([figure, ours, peer, peerValue, r]);

// ---------- signing
const sign = pool(passes('sign'));
const native = passes('native');
const nativePool = (k) => native.flatMap((n) => n[k].samples_ns);
const oss2 = pool(passes('oss2').map((o) => o.samples));
const signPeers = {
  v1: [
    ['ali-oss 6.23 core: signUtils.buildCanonicalString + authorization', sign['alicore.v1']],
    ['ali-oss 6.23 full request creation (createRequest)', sign['alifull.v1']],
    ['oss2 2.19 (Python) StsAuth._sign_request', oss2.v1],
    ['native Rust (this crate, release profile)', nativePool('sign_v1')],
  ],
  v4: [
    ['ali-oss 6.23 core: signUtils.authorizationV4', sign['alicore.v4']],
    ['ali-oss 6.23 full request creation (createRequest)', sign['alifull.v4']],
    ['aws4fetch 1.0.20 AwsV4Signer.sign (SigV4 for s3, WebCrypto, async), fresh signer, no key cache', sign['aws4fetch.v4']],
    ['aws4fetch 1.0.20, the same with a shared signing-key cache (as its AwsClient)', sign['aws4fetch.v4.cached']],
    ['oss2 2.19 (Python) StsAuth._sign_request (v4)', oss2.v4],
    ['native Rust (this crate, release profile)', nativePool('sign_v4')],
  ],
};
for (const v of ['v1', 'v4']) {
  const ours = sign[`ours.${v}`];
  for (const [peer, xs] of signPeers[v]) {
    if (!xs?.length) continue;
    row(`sign GET ?replication, ${v.toUpperCase()}, STS (µs/op)`, stat(ours, us, 'µs'), peer, stat(xs, us, 'µs'), ratio(median(ours), median(xs)));
  }
}

// Signing inside a real request loop (bench/sign-in-loop.mjs): per-call times, pooled.
const loopRuns = passes('signloop');
const loop = {};
for (const run of loopRuns) for (const [k, v] of Object.entries(run.batches)) (loop[k] ||= []).push(...v.flat());
for (const v of ['v1', 'v4']) {
  if (!loop[`ours.${v}`]) continue;
  row(
    `sign ${v.toUpperCase()} inside a real fetch loop (each call followed by a loopback request; µs/call)`,
    stat(loop[`ours.${v}`], us, 'µs'),
    'ali-oss 6.23 full request creation (createRequest), same loop',
    stat(loop[`alifull.${v}`], us, 'µs'),
    ratio(median(loop[`ours.${v}`]), median(loop[`alifull.${v}`]))
  );
}

// ---------- parsing
const parseRuns = passes('parse');
const parse = pool(parseRuns.map((p) => p.samples));
const bytes = parseRuns[0].bytes;
for (const n of [1, 10, 100]) {
  if (native[0][`parse_${n}`].bytes !== bytes[n]) throw new Error(`native and JS parse inputs differ (${n} rules)`);
}
const mbps = (b) => (ns) => `${sig(ns / 1000)} µs, ${sig(b / (ns / 1e9) / 1e6)} MB/s`;
const pstat = (xs, b) => {
  const f = mbps(b);
  return `${f(median(xs))} (p10 ${sig(quantile(xs, 0.1) / 1000)}; ${sig(Math.min(...xs) / 1000)}–${sig(Math.max(...xs) / 1000)} µs)`;
};
for (const n of [1, 10, 100]) {
  const ours = parse[`ours.${n}`];
  const fig = `parse GetBucketReplication, ${n} rule${n > 1 ? 's' : ''} (${kb(bytes[n])} KB)`;
  for (const [peer, xs] of [
    ['xml2js 0.6.2 (ali-oss options)', parse[`xml2js.${n}`]],
    ['fast-xml-parser 5.12.1', parse[`fxp.${n}`]],
    ['native Rust parse_get_bucket_replication', nativePool(`parse_${n}`)],
  ]) {
    row(fig, pstat(ours, bytes[n]), peer, pstat(xs, bytes[n]), ratio(median(ours), median(xs)));
  }
}
row(
  'getBucketReplication with a 0-rule answer: the fixed part of every parse figure above (µs)',
  stat(parse['ours.0'], us, 'µs'),
  '—',
  '—',
  '—'
);
if (bytes.list && native[0].list_1000) {
  if (native[0].list_1000.bytes !== bytes.list) throw new Error('native and JS ListObjectsV2 pages differ');
  const variants = [['xml::parse_document, generic tree', nativePool('list_1000')]];
  if (native[0].list_1000_typed) variants.push(['objects::parse_list_objects_v2, typed page', nativePool('list_1000_typed')]);
  for (const [what, oursList] of variants) {
    for (const [peer, xs] of [
      ['xml2js 0.6.2 (ali-oss options)', parse['xml2js.list']],
      ['fast-xml-parser 5.12.1', parse['fxp.list']],
    ]) {
      row(
        `parse a ListObjectsV2 page, 1,000 keys (${kb(bytes.list)} KB): ours = ${what}, native Rust (no JS API)`,
        pstat(oursList, bytes.list),
        peer,
        pstat(xs, bytes.list),
        ratio(median(oursList), median(xs))
      );
    }
  }
}
row(
  'parse 100 rules, ours fed a real undici `Response` (stream body) instead of the memory response',
  pstat(parse['oursResponse.100'], bytes[100]),
  'xml2js 0.6.2 (ali-oss options)',
  pstat(parse['xml2js.100'], bytes[100]),
  ratio(median(parse['oursResponse.100']), median(parse['xml2js.100']))
);

// ---------- end to end
const e2eRuns = passes('e2e');
const batches = {};
for (const run of e2eRuns) for (const [k, v] of Object.entries(run.batches)) (batches[k] ||= []).push(...v);
const all = (k) => batches[k].flat();
const batchQ = (k, q) => batches[k].map((b) => quantile(b, q));
const e2eStat = (k, q) => {
  const per = batchQ(k, q);
  return `${us(quantile(all(k), q))} µs (batches ${us(Math.min(...per))}–${us(Math.max(...per))})`;
};
for (const [q, name] of [
  [0.1, 'p10'],
  [0.5, 'p50'],
  [0.99, 'p99'],
]) {
  for (const [peer, key] of [
    ['raw fetch of the same URL + body', 'fetch'],
    ['raw fetch with the headers ours sends (signed ahead of time)', 'fetchSigned'],
    ['raw fetch with those headers and ours\' timer (AbortController + setTimeout/clearTimeout)', 'fetchSignedTimer'],
    ['ali-oss 6.23 client.request (V4, xmlResponse)', 'alioss'],
  ]) {
    if (!batches[key]) continue;
    row(
      `end to end on loopback, GetBucketReplication (1 rule), ${name} per request`,
      e2eStat('ours', q),
      peer,
      e2eStat(key, q),
      ratio(quantile(all('ours'), q), quantile(all(key), q))
    );
  }
}
// Overhead over raw fetch: p50 of ours minus p50 of fetch, batch by batch in the same round.
const overhead = (k) => batches[k].map((b, i) => quantile(b, 0.5) - quantile(batches.fetch[i], 0.5));
for (const [peer, key] of [
  ['raw fetch with the headers ours sends (their wire cost alone)', 'fetchSigned'],
  ['raw fetch with those headers and the same timer (what fetch itself costs us)', 'fetchSignedTimer'],
  ['ali-oss 6.23 client.request', 'alioss'],
]) {
  if (!batches[key]) continue;
  row(
    'end to end overhead over raw fetch, p50 (µs; per round: contender p50 − fetch p50)',
    stat(overhead('ours'), us, 'µs'),
    peer,
    stat(overhead(key), us, 'µs'),
    ratio(median(overhead('ours')), median(overhead(key)))
  );
}

// What is ours alone: ours minus "fetch with the same signed headers and timer", round by round.
if (batches.fetchSignedTimer) {
  const ownPart = batches.ours.map((b, i) => quantile(b, 0.5) - quantile(batches.fetchSignedTimer[i], 0.5));
  const aliOver = overhead('alioss');
  row(
    'end to end: ours over "fetch with the same signed headers and timer", p50 (µs; signing, parsing, facade)',
    stat(ownPart, us, 'µs'),
    'ali-oss 6.23 client.request overhead over raw fetch (as above)',
    stat(aliOver, us, 'µs'),
    ratio(median(ownPart), median(aliOver))
  );
}

// ---------- cold start
if (existsSync(path.join(dir, 'cold-node.json'))) {
  const c = load('cold-node.json');
  row(
    'cold start, Node (fresh process): import + instantiate + first V4 sign (ms)',
    stat(c.ours, ms, 'ms'),
    'ali-oss 6.23: require + new OSS + first createRequest',
    stat(c.alioss, ms, 'ms'),
    ratio(median(c.ours), median(c.alioss))
  );
}
if (existsSync(path.join(dir, 'cold-browser.json'))) {
  const c = load('cold-browser.json');
  if (c.skipped) {
    row('cold start, headless Chromium', `skipped: ${c.skipped}`, '—', '—', '—');
  } else {
    row('cold start, headless Chromium (fresh context): `await init()` + first signRequest (ms)', stat(c.ours, ms, 'ms'), '—', '—', '—');
    row(
      'cold start, headless Chromium (fresh context): import entry + init() + first V4 sign (ms)',
      stat(c.oursLoad, ms, 'ms'),
      'ali-oss 6.23 dist: <script> + new OSS + first authorizationV4',
      stat(c.aliossLoad, ms, 'ms'),
      ratio(median(c.oursLoad), median(c.aliossLoad))
    );
    if (c.embeddedLoad?.length) {
      row(
        'cold start, headless Chromium (fresh context): import the main (embedded) entry + first V4 sign, no init (ms)',
        stat(c.embeddedLoad, ms, 'ms'),
        'ali-oss 6.23 dist: <script> + new OSS + first authorizationV4',
        stat(c.aliossLoad, ms, 'ms'),
        ratio(median(c.embeddedLoad), median(c.aliossLoad))
      );
    }
  }
}

// ---------- size
const s = load('sizes.json');
const sz = (m) => `${kb(m.raw)} / ${kb(m.gzip)} / ${kb(m.brotli)} KB`;
for (const [peer, m] of [
  [`ali-oss ${s.versions['ali-oss']} dist/aliyun-oss-sdk.min.js`, s.alioss],
  [`@aws-sdk/client-s3 ${s.versions['@aws-sdk/client-s3']}: S3Client + Get/PutBucketReplicationCommand (esbuild --minify, browser)`, s.s3],
  [`aws4fetch ${s.versions.aws4fetch} dist/aws4fetch.esm.mjs`, s.aws4fetch],
]) {
  row('browser entry as shipped (index.js + glue + wasm), raw / gzip / brotli', sz(s.ours), peer, sz(m), `${ratio(s.ours.gzip, m.gzip, 'size')} gzip`);
}
row(
  'browser entry with the JS glue bundled + minified by esbuild (wasm as is)',
  sz(s.oursMinified),
  '@aws-sdk/client-s3 (as above)',
  sz(s.s3),
  `${ratio(s.oursMinified.gzip, s.s3.gzip, 'size')} gzip`
);

for (const [which, label] of [
  ['main', "`import { ReplicationClient, signRequest } from 'oss-replication'`"],
  ['web', "the same from 'oss-replication/web' (wasm as a separate file)"],
]) {
  const b = s.bundled?.[which];
  if (!b) continue;
  if (b.error) {
    row(`browser bundle as a user's esbuild emits it: ${label}`, `not bundled: ${b.error}`, '—', '—', '—');
    continue;
  }
  row(
    `browser bundle as a user's esbuild emits it (minified; every emitted or URL-referenced file): ${label}`,
    sz(b),
    `ali-oss ${s.versions['ali-oss']} dist/aliyun-oss-sdk.min.js`,
    sz(s.alioss),
    `${ratio(b.gzip, s.alioss.gzip, 'size')} gzip`
  );
}

// ---------- output
const esc = (c) => String(c).replace(/\|/g, '\\|');
const lines = [
  '| figure | ours: median (p10; min–max) | peer | peer: median (p10; min–max) | ours/peer |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`),
];

// Targets of issue 12, from the same run.
const v4Full = median(sign['alifull.v4']) / median(sign['ours.v4']);
const v4Native = median(sign['ours.v4']) / median(nativePool('sign_v4'));
const parse100 = median(parse['xml2js.100']) / median(parse['ours.100']);
const parse1 = median(parse['xml2js.1']) / median(parse['ours.1']);
const overRatio = median(overhead('ours')) / median(overhead('alioss'));
const coldNode = existsSync(path.join(dir, 'cold-node.json')) ? median(load('cold-node.json').ours) : NaN;
const entry = s.bundled?.main?.gzip ?? s.ours.gzip;
const ok = (b) => (b ? 'met' : 'NOT met');
const nSamples = sign['ours.v1'].length;
lines.push(
  '',
  `Targets (issue 12): V4 sign >= 3x faster than ali-oss full request creation: ${sig(v4Full)}x, ${ok(v4Full >= 3)}; ` +
    `V4 within 3x of native: ${sig(v4Native)}x native, ${ok(v4Native <= 3)}; ` +
    `e2e overhead over raw fetch <= 0.5x ali-oss's: ${sig(overRatio)}x, ${ok(overRatio <= 0.5)}; ` +
    `parse 100 rules >= 5x xml2js: ${sig(parse100)}x, ${ok(parse100 >= 5)}; parse 1 rule >= 1.5x: ${sig(parse1)}x, ${ok(parse1 >= 1.5)}; ` +
    `browser entry (main entry as esbuild emits it) <= 52 KB gzip: ${kb(entry)} KB, ${ok(entry <= 52000)}; ` +
    `cold start in Node <= 5 ms: ${sig(coldNode)} ms, ${ok(coldNode <= 5)}.`,
  '',
  `Medians of ${nSamples} interleaved rounds (${e2eRuns.length} passes; the contenders of a figure take turns within each round), min–max across rounds. ` +
    'p10 is the 10th percentile (the figure with the least interference). ' +
    'ours/peer is the ratio of the two medians from this run (for times < 1 means ours is faster). KB = 1000 bytes; gzip -9, brotli 11, each file compressed on its own. ' +
    'Ours is the wasm package through its public API in Node 20 (`signRequest`, `ReplicationClient`); the parse figures for ours are whole `getBucketReplication` calls ' +
    '(V4 signing, the fetch option answering from memory, promise plumbing, building the result objects), so they include call overhead; xml2js and fast-xml-parser ' +
    'only parse text into generic trees. Signatures were checked equal (ours = ali-oss core and createRequest for V1 and V4, = oss2, = native) before timing. ' +
    'Native Rust runs with the repo release profile (opt-level "z", LTO).'
);
if (existsSync(path.join(dir, 'meta.json'))) {
  const m = load('meta.json');
  lines.push(
    '',
    `Run: ${m.date}, commit ${m.commit}${m.dirty ? ' with uncommitted changes in src/' : ''}, Node ${m.node}, ${m.cpus} CPUs (shared with other work).`
  );
}
process.stdout.write(lines.join('\n') + '\n');
