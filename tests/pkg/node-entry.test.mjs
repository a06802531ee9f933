// The Node entry's way to the wasm bytes (pkg/node/index.cjs): the package's own
// web/oss_replication_bg.wasm from disk when it runs from the installed package and the file has
// the size its glue records; else the embedded copy, inflated by node:zlib where the runtime
// offers it through process.getBuiltinModule, by the package's JS inflater where it does not
// (older Node, a browser bundle of the CommonJS entry); a clear error for a corrupt embedding
// either way. Each case runs in a fresh process: the entry instantiates once per process.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const nodeDir = fileURLToPath(new URL('../../pkg/node/', import.meta.url));
const VECTOR = [
  { method: 'GET', bucket: 'examplebucket', url: 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com/?replication' },
  { accessKeyId: 'LTAI5tExampleAccessKeyId', accessKeySecret: 'ExampleAccessKeySecret0123456789' },
  { version: 'v4', region: 'cn-hangzhou', time: Date.UTC(2024, 3, 17, 8) },
];
const SIGNATURE = 'Signature=df391269a32e219280627fa490a9e0c272d349b900a09af5b90e6695a433c6d9';

/**
 * Runs `setup` (source text, before the entry loads), then signs through the CommonJS entry in
 * `dir`; returns what the child reports: the authorization (or the error), which builtins the
 * entry asked for, and whether the embedded copy (wasm.cjs) and the JS inflater were loaded.
 */
function child(dir, setup = '') {
  const code = `
    const asked = [];
    const get = process.getBuiltinModule;
    if (typeof get === 'function') process.getBuiltinModule = (id) => (asked.push(id), get.call(process, id));
    ${setup}
    const entry = ${JSON.stringify(path.join(dir, 'index.cjs'))};
    const out = { asked };
    try {
      out.authorization = require(entry).signRequest(...${JSON.stringify(VECTOR)}).authorization;
    } catch (e) {
      out.error = String(e && e.message);
    }
    out.jsInflater = Object.keys(require.cache).some((f) => f.endsWith('inflate.cjs'));
    out.embedded = Object.keys(require.cache).some((f) => f.endsWith('wasm.cjs'));
    process.stdout.write(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', code], { encoding: 'utf8' }));
}

/** A package layout in a temporary folder: node/ copied, web/oss_replication_bg.wasm as `wasm` (none if null). */
function layout(wasm) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'oss-node-entry-'));
  cpSync(nodeDir, path.join(dir, 'node'), { recursive: true });
  if (wasm) {
    mkdirSync(path.join(dir, 'web'));
    writeFileSync(path.join(dir, 'web/oss_replication_bg.wasm'), wasm);
  }
  return dir;
}
const shippedWasm = () => readFileSync(new URL('../../pkg/web/oss_replication_bg.wasm', import.meta.url));

test('Node entry in the installed package: reads web/oss_replication_bg.wasm, neither the embedded copy nor zlib loaded', () => {
  const r = child(nodeDir);
  assert.ok(r.authorization?.endsWith(SIGNATURE), JSON.stringify(r));
  assert.ok(r.asked.includes('node:fs'), `asked for ${r.asked}`);
  assert.ok(!r.asked.includes('node:zlib'), `asked for ${r.asked}`);
  assert.equal(r.embedded, false);
  assert.equal(r.jsInflater, false);
});

test('Node entry without the wasm file next to it (a bundle): the embedded copy, inflated by node:zlib', () => {
  const dir = layout(null);
  try {
    const r = child(path.join(dir, 'node'));
    assert.ok(r.authorization?.endsWith(SIGNATURE), JSON.stringify(r));
    assert.ok(r.asked.includes('node:zlib'), `asked for ${r.asked}`);
    assert.equal(r.embedded, true);
    assert.equal(r.jsInflater, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Node entry next to a wasm file of another size (another build): not used, the embedded copy is', () => {
  const wasm = shippedWasm();
  // Stands in for another build's file: valid wasm, 3 bytes longer (an empty custom section).
  const dir = layout(Buffer.concat([wasm, Buffer.from([0, 1, 0])]));
  try {
    assert.ok(WebAssembly.validate(readFileSync(path.join(dir, 'web/oss_replication_bg.wasm'))));
    const r = child(path.join(dir, 'node'));
    assert.ok(r.authorization?.endsWith(SIGNATURE), JSON.stringify(r));
    assert.equal(r.embedded, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Node entry without process.getBuiltinModule (Node < 20.16, a browser bundle): the JS inflater, same wasm', () => {
  const r = child(nodeDir, 'process.getBuiltinModule = undefined;');
  assert.ok(r.authorization?.endsWith(SIGNATURE), JSON.stringify(r));
  assert.equal(r.jsInflater, true);
});

test('Node entry: a corrupt embedding is named as such, through either inflater', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'oss-node-entry-'));
  try {
    cpSync(nodeDir, dir, { recursive: true });
    const file = path.join(dir, 'wasm.cjs');
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf("exports.base64 = '") + 18;
    const bad = text.slice(0, at) + text.slice(at, at + 64000).replace(/[A-Za-z0-9+/]/g, (c) => (c === 'A' ? 'B' : 'A')) + text.slice(at + 64000);
    writeFileSync(file, bad);
    for (const setup of ['', 'process.getBuiltinModule = undefined;']) {
      const r = child(dir, setup);
      assert.equal(r.authorization, undefined, setup);
      assert.match(r.error, /the embedded wasm is corrupt/, setup || 'zlib available');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Node ESM entry re-exports every name of the CommonJS entry, the same objects (default is init)', async () => {
  const esm = await import('../../pkg/node/index.mjs');
  const cjs = createRequire(import.meta.url)('../../pkg/node/index.cjs');
  const expected = Object.keys(cjs).filter((k) => k !== '__esModule' && k !== 'init').sort();
  assert.deepEqual(Object.keys(esm).sort(), expected);
  for (const k of expected) assert.equal(esm[k], cjs[k], k);
  assert.equal(esm.default, cjs.init);
});

// The first init call of a process decides how the wasm is found, and node/index.cjs and
// web/facade.js (behind the embedded entry) each unwrap it in their own code: they must accept
// the same forms (wasm-bindgen 0.1 bare inputs, `{ module }` / `{ module_or_path }`, promises,
// nothing), load the same wasm and print nothing.
const INIT_FORMS = {
  'initSync(Module)': 'm.initSync(new WebAssembly.Module(bytes))',
  'initSync(bytes)': 'm.initSync(bytes)',
  'initSync({ module: Module })': 'm.initSync({ module: new WebAssembly.Module(bytes) })',
  'initSync({ module: bytes })': 'm.initSync({ module: bytes })',
  'initSync({})': 'm.initSync({})',
  'init()': 'await m.default()',
  'init({ module_or_path: bytes })': 'await m.default({ module_or_path: bytes })',
  'init({ module_or_path: Promise<Module> })': 'await m.default({ module_or_path: Promise.resolve(new WebAssembly.Module(bytes)) })',
  'init(Promise<bytes>)': 'await m.default(Promise.resolve(bytes))',
};
const ENTRIES = { 'node/index.mjs': '../../pkg/node/index.mjs', 'embedded/index.js': '../../pkg/embedded/index.js' };

test('Node and embedded entries: every init form loads the wasm, then signs, printing nothing', () => {
  const wasmPath = fileURLToPath(new URL('../../pkg/web/oss_replication_bg.wasm', import.meta.url));
  for (const [entryName, rel] of Object.entries(ENTRIES)) {
    for (const [form, call] of Object.entries(INIT_FORMS)) {
      const code = `
        const printed = [];
        for (const k of ['log', 'warn', 'error', 'info']) console[k] = (...a) => printed.push(a.join(' '));
        const bytes = (await import('node:fs')).readFileSync(${JSON.stringify(wasmPath)});
        const m = await import(${JSON.stringify(new URL(rel, import.meta.url).href)});
        ${call};
        const authorization = m.signRequest(...${JSON.stringify(VECTOR)}).authorization;
        process.stdout.write(JSON.stringify({ authorization, printed }));`;
      const r = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }));
      assert.ok(r.authorization.endsWith(SIGNATURE), `${entryName} ${form}: ${r.authorization}`);
      assert.deepEqual(r.printed, [], `${entryName} ${form}`);
    }
  }
});
