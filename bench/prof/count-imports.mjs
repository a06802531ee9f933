// Counts the JS imports (JS<->wasm boundary crossings) one call makes: signRequest v1/v4 and
// getBucketReplication with 0/1/100 rules (memory response). Needs a Node package dir in $BENCH_PKG
// whose oss_replication.js may be patched: it is copied to a temporary dir and instrumented.
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CREDS, BUCKET, REGION, TIME_MS, URL_, rulesXml } from '../lib/common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = process.env.BENCH_PKG || path.join(here, '../../pkg/node');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'oss-count-'));
cpSync(src, tmp, { recursive: true });
const glue = path.join(tmp, 'oss_replication.js');
const text = readFileSync(glue, 'utf8');
const hook = 'let wasmInstance = new WebAssembly.Instance(wasmModule, __wbg_get_imports());';
if (!text.includes(hook)) throw new Error('unexpected wasm-bindgen glue: cannot instrument');
writeFileSync(
  glue,
  text.replace(
    hook,
    `const __imports = __wbg_get_imports();
globalThis.__wbgCounts = {};
for (const mod of Object.values(__imports)) for (const k of Object.keys(mod)) {
  const f = mod[k];
  if (typeof f === 'function') mod[k] = function (...a) { globalThis.__wbgCounts[k] = (globalThis.__wbgCounts[k] || 0) + 1; return f.apply(this, a); };
}
let wasmInstance = new WebAssembly.Instance(wasmModule, __imports);`
  )
);
try {
  const { signRequest, ReplicationClient } = await import(pathToFileURL(path.join(tmp, 'index.mjs')).href);
  // wasm-bindgen's generic casts say what they convert in a comment: show it, shortened.
  const label = (k) => {
    const at = text.indexOf(`${k}:`);
    const cast = /Cast intrinsic for `([^`]*)`/.exec(text.slice(at, at + 300));
    if (!cast) return k.replace(/^__wbg_|_[0-9a-f]{16}$/g, '');
    const what = cast[1].startsWith('Closure') ? 'Rust closure -> JS function' : cast[1];
    return `${k.replace(/_0+/, '#')} (${what})`;
  };
  const count = async (name, fn) => {
    globalThis.__wbgCounts = {};
    await fn();
    const c = Object.entries(globalThis.__wbgCounts).sort((a, b) => b[1] - a[1]);
    console.log(`${name}: ${c.reduce((a, [, v]) => a + v, 0)} JS imports called`);
    console.log(`   ${c.map(([k, v]) => `${label(k)} ${v}`).join(', ')}`);
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
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
