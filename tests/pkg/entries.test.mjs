// The package's loading variants (scripts/build-pkg.mjs, pkg/package.json "exports"), by path:
// the embedded wasm decodes exactly and names corruption; each entry instantiates on first use or
// says how to load; 0.1-style init calls print no deprecation warning; CommonJS interop fields.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { inflateRaw, embeddedWasm } from '../../pkg/embedded/inflate.js';

const require = createRequire(import.meta.url);
const wasmFile = new URL('../../pkg/web/oss_replication_bg.wasm', import.meta.url);
const VECTOR = [
  { method: 'GET', bucket: 'examplebucket', url: 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com/?replication' },
  { accessKeyId: 'LTAI5tExampleAccessKeyId', accessKeySecret: 'ExampleAccessKeySecret0123456789' },
  { version: 'v4', region: 'cn-hangzhou', time: Date.UTC(2024, 3, 17, 8) },
];
const SIGNATURE = 'Signature=df391269a32e219280627fa490a9e0c272d349b900a09af5b90e6695a433c6d9';

/** Runs `fn` and returns what it printed through console.warn / console.error. */
async function printed(fn) {
  const out = [];
  const { warn, error } = console;
  console.warn = (...a) => out.push(a.join(' '));
  console.error = (...a) => out.push(a.join(' '));
  try {
    await fn();
  } finally {
    Object.assign(console, { warn, error });
  }
  return out;
}

test('inflateRaw decodes what zlib deflates, every block type', () => {
  const wasm = readFileSync(wasmFile);
  const inputs = [wasm, Buffer.alloc(0), Buffer.from('a'), crypto.randomBytes(70_000), Buffer.alloc(200_000, 7)];
  for (const input of inputs) {
    for (const [level, strategy] of [[0, 0], [1, 0], [9, 0], [9, zlib.constants.Z_FIXED], [9, zlib.constants.Z_HUFFMAN_ONLY]]) {
      const out = inflateRaw(zlib.deflateRawSync(input, { level, strategy }), input.length);
      assert.ok(Buffer.from(out).equals(input), `${input.length} bytes, level ${level}, strategy ${strategy}`);
    }
  }
});

test('the embedded wasm is the shipped wasm, byte for byte', async () => {
  const { base64, size } = await import('../../pkg/embedded/wasm.js');
  assert.ok(Buffer.from(embeddedWasm(base64, size)).equals(readFileSync(wasmFile)));
  const cjs = require('../../pkg/node/wasm.cjs');
  assert.equal(cjs.base64, base64);
});

test('corrupt or truncated embedded data is a clear error, not a hang or a wrong module', () => {
  const d = zlib.deflateRawSync(readFileSync(wasmFile), { level: 9 });
  assert.throws(() => inflateRaw(d.subarray(0, d.length >> 1), 1 << 20), /embedded wasm is corrupt \(truncated\)/);
  assert.throws(() => inflateRaw(d, 100), /embedded wasm is corrupt/);
  assert.throws(() => inflateRaw(Uint8Array.of(0xff, 0xff, 0xff), 10), /embedded wasm is corrupt/);
});

test('embedded entry: no init needed; 0.1-style initSync(module) and init() print nothing', async () => {
  const m = await import('../../pkg/embedded/index.js');
  const out = await printed(async () => {
    assert.ok(m.signRequest(...VECTOR).authorization.endsWith(SIGNATURE));
    m.initSync(new WebAssembly.Module(readFileSync(wasmFile)));
    m.initSync({ module: readFileSync(wasmFile) });
    await m.default();
  });
  assert.deepEqual(out, []);
  assert.throws(() => m.validateRule({ destination: { bucket: 'dst', location: 'cn-beijing' } }), (e) => e instanceof m.OssError && e.code === 'InvalidArgument');
});

test('web entry (separate file): a clear NotInitialized error before init, then works; init({ module_or_path }) prints nothing', async () => {
  const m = await import('../../pkg/web/index.js');
  assert.throws(() => m.signRequest(...VECTOR), (e) => e instanceof m.OssError && e.code === 'NotInitialized' && /await init\(\)/.test(e.message));
  assert.throws(() => new m.ReplicationClient({ bucket: 'abc', region: 'cn-hangzhou' }), (e) => e.code === 'NotInitialized');
  const out = await printed(async () => {
    await Promise.all([m.default({ module_or_path: readFileSync(wasmFile) }), m.default(readFileSync(wasmFile))]);
  });
  assert.deepEqual(out, []);
  assert.ok(m.signRequest(...VECTOR).authorization.endsWith(SIGNATURE));
});

test('CommonJS entry: __esModule and exports.default for Babel/TypeScript interop; Symbol.dispose frees', () => {
  const m = require('../../pkg/node/index.cjs');
  assert.equal(m.__esModule, true);
  assert.equal(m.default, m.init);
  for (const k of ['ReplicationClient', 'signRequest', 'validateRule', 'OssError', 'init', 'initSync']) assert.equal(typeof m[k], 'function', k);
  const c = new m.ReplicationClient({ bucket: 'abc', region: 'cn-hangzhou', accessKeyId: VECTOR[1].accessKeyId, accessKeySecret: VECTOR[1].accessKeySecret, stsToken: undefined });
  assert.equal(c.bucket, 'abc');
  c[Symbol.dispose]();
  assert.throws(() => c.bucket);
});

test('Node ESM entry shares the CommonJS instance (one OssError class)', async () => {
  const esm = await import('../../pkg/node/index.mjs');
  assert.equal(esm.OssError, require('../../pkg/node/index.cjs').OssError);
  assert.equal(esm.default, require('../../pkg/node/index.cjs').init);
});
