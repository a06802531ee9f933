// One diff run in a fresh process (so peak RSS is its own): `ours` (diffReplication
// from the package) or `plain` (fetch + fast-xml-parser, whole listings in Maps, set
// difference), or `idle` (the process baseline). Prints one JSON line.
import { createHmac } from 'node:crypto';

const [mode, endpoint, ak, sk, src, dst, ruleId, prefix] = process.argv.slice(2);
const t0 = performance.now();
let result;

/** V1-signed GET of a ListObjectsV2 page, as a hand-written client does it. */
async function listPage(bucket, token) {
  const date = new Date().toUTCString();
  const sub = token ? `?continuation-token=${token}` : '';
  const sts = `GET\n\n\n${date}\nx-oss-date:${date}\n/${bucket}/${sub}`;
  const sig = createHmac('sha1', sk).update(sts).digest('base64');
  const q = new URLSearchParams({ 'list-type': '2', prefix, 'max-keys': '1000', ...(token ? { 'continuation-token': token } : {}) });
  const r = await fetch(`${endpoint}/${bucket}/?${q}`, { headers: { 'x-oss-date': date, authorization: `OSS ${ak}:${sig}` } });
  if (!r.ok) throw new Error(`${bucket}: ${r.status} ${await r.text()}`);
  return r.text();
}

if (mode === 'ours') {
  const pkg = await import(`${process.env.BENCH_PKG_DIR ?? '../pkg'}/node/index.mjs`);
  const c = new pkg.ReplicationClient({ bucket: src, region: 'cn-hangzhou', endpoint, accessKeyId: ak, accessKeySecret: sk });
  const d = await c.diffReplication(ruleId);
  // The wasm heap (64 KiB pages): what the merge itself holds, apart from JS garbage.
  const wasmMb = (pkg.__wasmMemoryPages?.() ?? NaN) / 16;
  result = { scanned: d.scanned.source + d.scanned.destination, missing: d.missing.length, differing: d.differing.length, extra: d.extra, wasmMb };
} else if (mode === 'plain') {
  const { XMLParser } = await import('fast-xml-parser');
  const parser = new XMLParser({ isArray: (name) => name === 'Contents', parseTagValue: false });
  const listing = async (bucket) => {
    const all = new Map();
    let token;
    do {
      const page = parser.parse(await listPage(bucket, token)).ListBucketResult;
      for (const o of page.Contents ?? []) all.set(o.Key, `${o.Size}/${o.ETag}`);
      token = page.IsTruncated === 'true' ? page.NextContinuationToken : undefined;
    } while (token);
    return all;
  };
  const [s, d] = [await listing(src), await listing(dst)];
  let missing = 0; let differing = 0; let extra = 0;
  for (const [k, v] of s) if (!d.has(k)) missing++; else if (d.get(k) !== v) differing++;
  for (const k of d.keys()) if (!s.has(k)) extra++;
  result = { scanned: s.size + d.size, missing, differing, extra };
} else if (mode !== 'idle') {
  throw new Error(`mode ${mode}`);
}
console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, ...result, maxRssKb: process.resourceUsage().maxRSS }));
