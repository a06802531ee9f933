// Synchronous raw-DEFLATE (RFC 1951) decoder for the embedded wasm, after zlib's puff.c.
// Why not base64 of the raw wasm: base64 breaks the byte alignment gzip and brotli match on,
// so a page would ship ~30% more; base64 of the deflated wasm gzips to within ~1% of the wasm
// itself, and this decoder costs ~1 KB. Why not DecompressionStream: it is async, and the
// constructor, signRequest and validateRule must work synchronously on first use.

const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const FAST = 9;
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/**
 * Canonical Huffman table: how many codes of each length and the symbols in code order (for the
 * bit-by-bit decode, after puff.c), plus a lookup on the next FAST input bits for the codes that
 * fit in them: most symbols then take one step instead of one per bit, which matters most before
 * the JIT has warmed up (cold Chromium 148, 226 KB out: min 17.6 -> 8.3-10.8 ms over 20 fresh
 * contexts). fast[bits] = symbol << 4 | length, or 0 where the code is longer.
 */
function table(lengths, start, n) {
  const count = new Uint16Array(16);
  const offset = new Uint16Array(16);
  const symbol = new Uint16Array(n);
  const fast = new Uint16Array(1 << FAST);
  for (let i = 0; i < n; i++) count[lengths[start + i]]++;
  count[0] = 0;
  for (let len = 1; len < 15; len++) offset[len + 1] = offset[len] + count[len];
  for (let i = 0; i < n; i++) {
    const len = lengths[start + i];
    if (!len) continue;
    const k = offset[len]++;
    symbol[k] = i;
    if (len > FAST) continue;
    // The code of the k-th symbol in code order; DEFLATE sends it most significant bit first.
    let code = 0;
    for (let l = 1, first = 0, index = 0; l <= len; l++) {
      if (l === len) code = first + k - index;
      index += count[l];
      first = (first + count[l]) << 1;
    }
    let rev = 0;
    for (let b = 0; b < len; b++) rev |= ((code >> b) & 1) << (len - 1 - b);
    for (let j = rev; j < 1 << FAST; j += 1 << len) fast[j] = (i << 4) | len;
  }
  return { count, symbol, fast };
}

/**
 * Decodes raw DEFLATE `src` into exactly `size` bytes; throws on corrupt or short input
 * (the wasm compiler would reject a wrong byte anyway, this names the cause).
 * @param {Uint8Array} src
 * @param {number} size
 * @returns {Uint8Array}
 */
export function inflateRaw(src, size) {
  const out = new Uint8Array(size);
  let pos = 0;
  let o = 0;
  let buf = 0;
  let cnt = 0;
  const fail = (why) => {
    throw new Error(`oss-replication: the embedded wasm is corrupt (${why})`);
  };
  const bits = (n) => {
    while (cnt < n) {
      if (pos >= src.length) fail('truncated');
      buf |= src[pos++] << cnt;
      cnt += 8;
    }
    const v = buf & ((1 << n) - 1);
    buf >>>= n;
    cnt -= n;
    return v;
  };
  const decode = (t) => {
    while (cnt < FAST && pos < src.length) {
      buf |= src[pos++] << cnt;
      cnt += 8;
    }
    const e = t.fast[buf & ((1 << FAST) - 1)];
    if (e && (e & 15) <= cnt) {
      buf >>>= e & 15;
      cnt -= e & 15;
      return e >> 4;
    }
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= bits(1);
      const c = t.count[len];
      if (code - first < c) return t.symbol[index + code - first];
      index += c;
      first = (first + c) << 1;
      code <<= 1;
    }
    return fail('bad code');
  };
  let last;
  do {
    last = bits(1);
    const type = bits(2);
    if (type === 0) {
      // Byte-aligned from here: drop the rest of this byte, and give back the whole bytes the
      // lookup read ahead.
      pos -= cnt >> 3;
      buf = 0;
      cnt = 0;
      if (pos + 4 > src.length) fail('truncated');
      const len = src[pos] | (src[pos + 1] << 8);
      if ((len ^ 0xffff) !== (src[pos + 2] | (src[pos + 3] << 8))) fail('stored length');
      pos += 4;
      if (pos + len > src.length || o + len > size) fail('stored block');
      out.set(src.subarray(pos, pos + len), o);
      pos += len;
      o += len;
      continue;
    }
    let lit;
    let dist;
    const lengths = new Uint8Array(320);
    if (type === 1) {
      lengths.fill(8, 0, 144).fill(9, 144, 256).fill(7, 256, 280).fill(8, 280, 288).fill(5, 288, 318);
      lit = table(lengths, 0, 288);
      dist = table(lengths, 288, 30);
    } else if (type === 2) {
      const nlen = bits(5) + 257;
      const ndist = bits(5) + 1;
      const ncode = bits(4) + 4;
      const cl = new Uint8Array(19);
      for (let i = 0; i < ncode; i++) cl[CODE_LENGTH_ORDER[i]] = bits(3);
      const clt = table(cl, 0, 19);
      for (let i = 0; i < nlen + ndist; ) {
        const sym = decode(clt);
        if (sym < 16) {
          lengths[i++] = sym;
          continue;
        }
        let value = 0;
        let repeat;
        if (sym === 16) {
          if (i === 0) fail('repeat without a length');
          value = lengths[i - 1];
          repeat = 3 + bits(2);
        } else repeat = sym === 17 ? 3 + bits(3) : 11 + bits(7);
        if (i + repeat > nlen + ndist) fail('too many lengths');
        while (repeat--) lengths[i++] = value;
      }
      lit = table(lengths, 0, nlen);
      dist = table(lengths, nlen, ndist);
    } else fail('block type 3');
    for (;;) {
      let sym = decode(lit);
      if (sym < 256) {
        if (o >= size) fail('too long');
        out[o++] = sym;
      } else if (sym === 256) break;
      else {
        sym -= 257;
        if (sym >= 29) fail('bad length symbol');
        const len = LEN_BASE[sym] + bits(LEN_EXTRA[sym]);
        const ds = decode(dist);
        if (ds >= 30) fail('bad distance symbol');
        const d = DIST_BASE[ds] + bits(DIST_EXTRA[ds]);
        if (d > o || o + len > size) fail('bad distance');
        for (let k = 0; k < len; k++, o++) out[o] = out[o - d];
      }
    }
  } while (!last);
  if (o !== size) fail(`${o} of ${size} bytes`);
  return out;
}

/**
 * The embedded wasm: base64 of raw DEFLATE, `size` bytes once inflated.
 * @param {string} base64
 * @param {number} size
 * @returns {Uint8Array}
 */
export function embeddedWasm(base64, size) {
  return inflateRaw(base64Bytes(base64), size);
}

/**
 * Base64 to bytes natively where the runtime can (Uint8Array.fromBase64: Chromium 140+, Firefox
 * 133+, Safari 18.2+; Buffer: Node, Bun), else through atob and a loop, which costs a cold page
 * 2-18 ms more for the embedded wasm (Chromium, measured).
 * @param {string} base64
 * @returns {Uint8Array}
 */
function base64Bytes(base64) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(base64);
  if (typeof Buffer === 'function') return Buffer.from(base64, 'base64');
  const text = atob(base64);
  const src = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) src[i] = text.charCodeAt(i);
  return src;
}
