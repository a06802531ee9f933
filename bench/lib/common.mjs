// Shared inputs and timing helpers for the benchmarks. Every figure is a list of
// per-round samples; rounds of the contenders of one figure are interleaved
// (the order rotates each round) so background load hits them alike.

import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The package under test: bench/run.sh points BENCH_PKG_DIR at a snapshot of pkg/ taken at the
 * start of the run (so a concurrent `make build` cannot change it mid-run); default pkg/. */
export const PKG_DIR = path.resolve(
  process.env.BENCH_PKG_DIR || path.join(path.dirname(fileURLToPath(import.meta.url)), '../../pkg')
);

/** The Node entry of the package under test (`import ... from 'oss-replication'` in Node). */
export function loadPackage() {
  return import(pathToFileURL(path.join(PKG_DIR, 'node/index.mjs')).href);
}

/** A 640-character STS token (same as examples/bench_native.rs and bench/sign_oss2.py). */
export const TOKEN = 'CAIS' + 'abcdefghijklmnopqrstuvwxyz0123456789+/'.repeat(17).slice(0, 634) + '==';
if (TOKEN.length !== 640) throw new Error('token length');

export const CREDS = {
  accessKeyId: 'STS.NUgYrLnoC37mZZCNnAbez2nN',
  accessKeySecret: '8ZNdXqJ5u1yxvwHrDpJ9NHKwbnTPVk7ZZUpmBzBtX7Hk',
  stsToken: TOKEN,
};
export const BUCKET = 'examplebucket';
export const REGION = 'cn-hangzhou';
/** 2024-04-17 08:00:00 UTC, the signing time everywhere. */
export const TIME_MS = Date.UTC(2024, 3, 17, 8, 0, 0);
export const HOST = `${BUCKET}.oss-${REGION}.aliyuncs.com`;
export const URL_ = `https://${HOST}/?replication`;

/** A GetBucketReplication answer with `n` rules (same shape as examples/bench_native.rs). */
export function rulesXml(n) {
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<ReplicationConfiguration>\n';
  for (let i = 0; i < n; i++) {
    const id = `rule-${String(i).padStart(4, '0')}-8a2f4c1e`;
    xml +=
      `  <Rule>\n    <ID>${id}</ID>\n` +
      `    <PrefixSet><Prefix>source${i}/</Prefix><Prefix>video/</Prefix></PrefixSet>\n` +
      `    <Action>PUT,DELETE</Action>\n` +
      `    <Destination><Bucket>destbucket-${i}</Bucket><Location>oss-cn-beijing</Location><TransferType>oss_acc</TransferType></Destination>\n` +
      `    <Status>doing</Status>\n` +
      `    <HistoricalObjectReplication>enabled</HistoricalObjectReplication>\n` +
      `    <SyncRole>aliyunramrole</SyncRole>\n` +
      `    <RTC><Status>enabled</Status></RTC>\n` +
      `  </Rule>\n`;
  }
  return xml + '</ReplicationConfiguration>\n';
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

let sink;
/** ns per call of `fn` over `n` calls. */
export function timeSync(fn, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink = fn();
  return ((performance.now() - t0) * 1e6) / n;
}
/** ns per awaited call of async `fn` over `n` calls. */
export async function timeAsync(fn, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) sink = await fn();
  return ((performance.now() - t0) * 1e6) / n;
}

async function calibrateAny(fn, isAsync, targetMs) {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    if (isAsync) for (let i = 0; i < n; i++) sink = await fn();
    else for (let i = 0; i < n; i++) sink = fn();
    const dt = performance.now() - t0;
    if (dt >= targetMs / 4) return Math.max(1, Math.round((n * targetMs) / dt));
    n *= 4;
  }
}

/**
 * Interleaved rounds: `{name: fn | {fn, async: true}}` -> `{name: [ns/op per round]}`.
 * Each contender is warmed up, then calibrated to about `sliceMs` per round; the order of the
 * contenders rotates every round.
 */
export async function interleave(contenders, { rounds = 15, sliceMs = 40 } = {}) {
  const names = Object.keys(contenders);
  const spec = Object.fromEntries(
    names.map((n) => {
      const c = contenders[n];
      return [n, typeof c === 'function' ? { fn: c, async: false } : c];
    })
  );
  const iters = {};
  for (const name of names) {
    const { fn, async: isAsync } = spec[name];
    for (let w = 0; w < 3; w++) await calibrateAny(fn, isAsync, sliceMs / 4); // warm-up, JIT
    iters[name] = await calibrateAny(fn, isAsync, sliceMs);
  }
  const out = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length];
      const { fn, async: isAsync } = spec[name];
      out[name].push(isAsync ? await timeAsync(fn, iters[name]) : timeSync(fn, iters[name]));
    }
  }
  return out;
}

export function assert(cond, message) {
  if (!cond) {
    console.error(`bench: sanity check failed: ${message}`);
    process.exit(1);
  }
}

export function assertEqual(actual, expected, what) {
  if (actual !== expected) {
    console.error(`bench: sanity check failed: ${what}\n  ours:  ${actual}\n  peer:  ${expected}`);
    process.exit(1);
  }
}

/** A ListObjectsV2 page (`ListBucketResult`) of `n` keys, as OSS answers `list-type=2`
 * (same text as `list_objects_xml` in examples/bench_native.rs). */
export function listObjectsXml(n) {
  let xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult>\n  <Name>examplebucket</Name>\n  <Prefix></Prefix>\n' +
    `  <MaxKeys>${n}</MaxKeys>\n  <Delimiter></Delimiter>\n  <IsTruncated>true</IsTruncated>\n  <KeyCount>${n}</KeyCount>\n`;
  for (let i = 0; i < n; i++) {
    const hex = ((i * 2654435761) >>> 0).toString(16).toUpperCase().padStart(8, '0');
    xml +=
      `  <Contents>\n    <Key>logs/2024/04/17/app-${String(i).padStart(6, '0')}.log.gz</Key>\n` +
      `    <LastModified>2024-04-17T08:${String(i % 60).padStart(2, '0')}:00.000Z</LastModified>\n` +
      `    <ETag>"5B3C1A2E053D763E1B002CC6${hex}"</ETag>\n    <Type>Normal</Type>\n    <Size>${1000 + i * 37}</Size>\n` +
      `    <StorageClass>Standard</StorageClass>\n  </Contents>\n`;
  }
  return xml + `  <NextContinuationToken>CgJiYw--</NextContinuationToken>\n</ListBucketResult>\n`;
}

/** A minimal fetch Response answering from memory (no stream: the client uses arrayBuffer()). */
export function memoryResponse(buf) {
  const headers = new Map([
    ['content-type', 'application/xml'],
    ['content-length', String(buf.length)],
    ['x-oss-request-id', '5C1B138A109F4E405B2D'],
  ]);
  return {
    status: 200,
    ok: true,
    headers: { get: (name) => headers.get(name.toLowerCase()) ?? null },
    body: null,
    arrayBuffer: async () => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length),
  };
}
