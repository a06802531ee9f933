// Byte counts of files as a browser downloads them: raw, gzip (level 9) and brotli (quality 11).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
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

/**
 * What a user's bundler emits for `source` importing the package at `pkgDir`: esbuild (the caller's
 * copy), browser platform, bundled and minified, the package resolved through its package.json
 * "exports" from a node_modules link in `appDir`; `.wasm` imports emitted as files. A `.wasm` the
 * output only references by URL (`new URL('…wasm', import.meta.url)`, which esbuild leaves alone)
 * is added from the package: the page downloads it all the same. Returns `{ name: Buffer }`.
 */
export async function userBundle(esbuild, { pkgDir, appDir, source }) {
  rmSync(appDir, { recursive: true, force: true });
  mkdirSync(path.join(appDir, 'node_modules'), { recursive: true });
  symlinkSync(pkgDir, path.join(appDir, 'node_modules/oss-replication'), 'dir');
  const outdir = path.join(appDir, 'dist');
  await esbuild.build({
    stdin: { contents: source, resolveDir: appDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    outdir,
    loader: { '.wasm': 'file' },
    assetNames: '[name]',
    logLevel: 'silent',
    legalComments: 'none',
  });
  const files = {};
  for (const f of readdirSync(outdir)) files[`dist/${f}`] = readFileSync(path.join(outdir, f));
  const js = Object.entries(files)
    .filter(([f]) => f.endsWith('.js'))
    .map(([, b]) => b.toString('utf8'))
    .join('\n');
  for (const [, wasm] of js.matchAll(/["'`](?:\.\/)?([\w.-]+\.wasm)["'`]/g)) {
    if (files[`dist/${wasm}`]) continue;
    const inPkg = ['web', 'embedded', 'node'].map((d) => path.join(pkgDir, d, wasm)).find((f) => existsSync(f));
    if (!inPkg) throw new Error(`the bundle of ${JSON.stringify(source)} references ${wasm}, which is not in the package`);
    files[`pkg/${path.relative(pkgDir, inPkg)} (by URL)`] = readFileSync(inPkg);
  }
  return files;
}
