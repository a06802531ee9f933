// pkg/embedded/inflate.js's embeddedWasm: the base64 step takes the runtime's native decoder
// (Uint8Array.fromBase64 in current browsers, Buffer in Node and Bun) before atob and a loop, and
// every path gives the shipped wasm byte for byte. Each case runs in a fresh process, with the
// globals it must not use removed and a recording stand-in for Uint8Array.fromBase64 where this
// Node has none.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const inflateUrl = new URL('../../pkg/embedded/inflate.js', import.meta.url).href;
const wasmJsUrl = new URL('../../pkg/embedded/wasm.js', import.meta.url).href;
const shipped = createHash('sha256').update(readFileSync(new URL('../../pkg/web/oss_replication_bg.wasm', import.meta.url))).digest('hex');

/** embeddedWasm in a fresh process after `setup`; the sha256 of what it returned and which decoders it called. */
function decode(setup) {
  const code = `
    const { createHash } = await import('node:crypto');
    const used = [];
    const NodeBuffer = globalThis.Buffer;
    const nodeAtob = globalThis.atob;
    globalThis.atob = (s) => (used.push('atob'), nodeAtob(s));
    ${setup}
    const { embeddedWasm } = await import(${JSON.stringify(inflateUrl)});
    const { base64, size } = await import(${JSON.stringify(wasmJsUrl)});
    const bytes = embeddedWasm(base64, size);
    process.stdout.write(JSON.stringify({ used, sha256: createHash('sha256').update(bytes).digest('hex') }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' }));
}

const fromBase64Stub = `Uint8Array.fromBase64 = (s) => (used.push('fromBase64'), new Uint8Array(NodeBuffer.from(s, 'base64')));`;
const noBuffer = `globalThis.Buffer = undefined;`;

test('embedded wasm: Uint8Array.fromBase64 first where the runtime has it', () => {
  const r = decode(`${fromBase64Stub}\n${noBuffer}`);
  assert.deepEqual(r.used, ['fromBase64']);
  assert.equal(r.sha256, shipped);
});

test('embedded wasm: Buffer without Uint8Array.fromBase64 (Node, Bun), not atob', () => {
  const r = decode('delete Uint8Array.fromBase64;');
  assert.deepEqual(r.used, []);
  assert.equal(r.sha256, shipped);
});

test('embedded wasm: atob and a loop when there is neither', () => {
  const r = decode(`delete Uint8Array.fromBase64;\n${noBuffer}`);
  assert.deepEqual(r.used, ['atob']);
  assert.equal(r.sha256, shipped);
});
