// Byte counts of files as a browser downloads them: raw, gzip (level 9) and brotli (quality 11).
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The browser entry, relative to the package dir: what `import init from 'oss-replication'` pulls into a page. */
export const BROWSER_ENTRY = ['web/index.js', 'web/oss_replication.js', 'web/oss_replication_bg.wasm'];

/** raw/gzip/brotli of one buffer. */
export function measure(buf) {
  return {
    raw: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }).length,
  };
}

/** Each file (relative to `dir`) compressed on its own (as served), summed. */
export function measureFiles(files, dir) {
  const total = { raw: 0, gzip: 0, brotli: 0, files: {} };
  for (const f of files) {
    const m = measure(readFileSync(path.resolve(dir, f)));
    total.files[f] = m;
    total.raw += m.raw;
    total.gzip += m.gzip;
    total.brotli += m.brotli;
  }
  return total;
}
