// pkg/embedded/inflate.js beyond tests/pkg/entries.test.mjs's round trips:
// - embeddedWasm's base64 step takes the runtime's native decoder (Uint8Array.fromBase64 in
//   current browsers, Buffer in Node and Bun) before atob and a loop, and every path gives the
//   shipped wasm byte for byte. Each case runs in a fresh process, with the globals it must not
//   use removed and a recording stand-in for Uint8Array.fromBase64 where this Node has none.
// - the lookup decode reads input bytes ahead; a stored block right after a short end-of-block
//   code must get them back (zlib's own streams rarely put one there, so it is built by hand).
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { inflateRaw } from '../../pkg/embedded/inflate.js';

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

/**
 * Raw DEFLATE: a dynamic block whose two codes are 1 bit long ('a' = 0, end of block = 1) holding
 * `n` times 'a', then a final stored block holding `tail`.
 */
function shortCodesThenStored(n, tail) {
  const bytes = [];
  let acc = 0;
  let nbits = 0;
  const put = (value, count) => {
    // Least significant bit first, as DEFLATE packs header fields (and these 1-bit codes).
    for (let i = 0; i < count; i++) {
      acc |= ((value >> i) & 1) << nbits++;
      if (nbits === 8) {
        bytes.push(acc);
        acc = 0;
        nbits = 0;
      }
    }
  };
  put(0, 1); // not the last block
  put(2, 2); // dynamic Huffman codes
  put(0, 5); // 257 literal/length codes
  put(0, 5); // 1 distance code
  put(14, 4); // 18 code length code lengths, in DEFLATE's order: only symbols 18 and 1, 1 bit each
  for (const sym of [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1]) put(sym === 18 || sym === 1 ? 1 : 0, 3);
  // Code lengths (symbol 1 is code 0, symbol 18 "that many zeros" is code 1): 97 zeros, 1 for 'a',
  // 138 + 20 zeros, 1 for end of block, 1 for the distance code.
  put(1, 1); put(97 - 11, 7);
  put(0, 1);
  put(1, 1); put(138 - 11, 7);
  put(1, 1); put(20 - 11, 7);
  put(0, 1);
  put(0, 1);
  for (let i = 0; i < n; i++) put(0, 1);
  put(1, 1); // end of block
  put(1, 1); // the last block
  put(0, 2); // stored
  if (nbits) bytes.push(acc);
  bytes.push(tail.length & 255, tail.length >> 8, ~tail.length & 255, (~tail.length >> 8) & 255, ...tail);
  return Uint8Array.from(bytes);
}

test('inflateRaw: a stored block right after a short code, at every bit alignment', () => {
  const tail = Buffer.from('stored after a 1-bit end-of-block code');
  for (let n = 0; n < 24; n++) {
    const stream = shortCodesThenStored(n, tail);
    const expected = Buffer.concat([Buffer.alloc(n, 'a'), tail]);
    assert.ok(zlib.inflateRawSync(stream).equals(expected), `the hand-built stream ${n} is what zlib reads`);
    assert.ok(Buffer.from(inflateRaw(stream, expected.length)).equals(expected), `${n} times 'a'`);
  }
});
