// Counts the JS<->wasm boundary crossings one call makes: wasm->JS (the JS imports called) and
// JS->wasm (the wasm exports called), for signRequest v1/v4 and getBucketReplication with 0/1/100
// rules (memory response). The Node package in $BENCH_PKG (default pkg/node) is loaded as is:
// WebAssembly.Instance is wrapped before the package loads, so every function of the imports
// object it is given and of the exports it hands back is counted, whatever the glue looks like
// (minified or not). Names: bench/profile.sh's copy keeps wasm-bindgen's (build-pkg --no-shrink);
// a shipped package has them shortened to a, b, … and says so.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CREDS, BUCKET, REGION, TIME_MS, URL_, rulesXml } from '../lib/common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = process.env.BENCH_PKG || path.join(here, '../../pkg/node');

let counts = {};
let exportCounts = {};
let instances = 0;
const importNames = [];
const RealInstance = WebAssembly.Instance;
function CountingInstance(module, imports) {
  instances++;
  for (const mod of Object.values(imports ?? {})) {
    for (const k of Object.keys(mod)) {
      const f = mod[k];
      if (typeof f !== 'function') continue;
      importNames.push(k);
      mod[k] = function (...a) {
        counts[k] = (counts[k] || 0) + 1;
        return f.apply(this, a);
      };
    }
  }
  // The glue only reads `.exports`: hand it a copy whose functions count their calls (memory and
  // tables pass through as they are).
  const real = new RealInstance(module, imports);
  const exports = {};
  for (const [k, v] of Object.entries(real.exports)) {
    exports[k] = typeof v !== 'function' ? v : (...a) => {
      exportCounts[k] = (exportCounts[k] || 0) + 1;
      return v(...a);
    };
  }
  return { exports };
}
CountingInstance.prototype = RealInstance.prototype;
WebAssembly.Instance = CountingInstance;

const { signRequest, ReplicationClient } = await import(pathToFileURL(path.join(src, 'index.mjs')).href);
signRequest({ method: 'GET', bucket: BUCKET, url: URL_ }, CREDS, { version: 'v4', region: REGION, time: TIME_MS });
if (instances !== 1) throw new Error(`expected the package to instantiate its wasm once through WebAssembly.Instance, saw ${instances}`);

// wasm-bindgen's generic casts say what they convert in a comment: show it, shortened.
const text = readFileSync(path.join(src, 'oss_replication.js'), 'utf8');
const shortened = importNames.every((k) => k.length <= 3);
if (shortened) console.log(`(${src}: import names shortened by make build; bench/profile.sh's copy keeps them)`);
const label = (k) => {
  const at = text.indexOf(`${k}:`);
  const cast = at < 0 ? null : /Cast intrinsic for `([^`]*)`/.exec(text.slice(at, at + 300));
  if (!cast) return k.replace(/^__wbg_|_[0-9a-f]{16}$/g, '');
  const what = cast[1].startsWith('Closure') ? 'Rust closure -> JS function' : cast[1];
  return `${k.replace(/_0+/, '#')} (${what})`;
};
const count = async (name, fn) => {
  counts = {};
  exportCounts = {};
  await fn();
  const c = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  const e = Object.entries(exportCounts).sort((a, b) => b[1] - a[1]);
  const sum = (xs) => xs.reduce((a, [, v]) => a + v, 0);
  console.log(`${name}: wasm->JS ${sum(c)} (JS imports called), JS->wasm ${sum(e)} (wasm exports called)`);
  console.log(`   imports: ${c.map(([k, v]) => `${label(k)} ${v}`).join(', ')}`);
  console.log(`   exports: ${e.map(([k, v]) => `${k.length > 70 ? `${k.slice(0, 40)}…${k.slice(-25)}` : k} ${v}`).join(', ')}`);
};
const req = { method: 'GET', bucket: BUCKET, url: URL_ };
for (const version of ['v1', 'v4']) await count(`signRequest ${version}`, () => signRequest(req, CREDS, { version, region: REGION, time: TIME_MS }));
for (const n of [0, 1, 100]) {
  const body = Buffer.from(rulesXml(n));
  const fetch = async () => ({ status: 200, body: null, headers: { get: (k) => (k === 'content-length' ? String(body.length) : null) },
    arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.length) });
  const c = new ReplicationClient({ bucket: BUCKET, region: REGION, accessKeyId: CREDS.accessKeyId, accessKeySecret: CREDS.accessKeySecret, stsToken: CREDS.stsToken, fetch });
  await c.getBucketReplication();
  await count(`getBucketReplication, ${n} rules (memory response)`, () => c.getBucketReplication());
}
