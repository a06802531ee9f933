// Sizes (raw, gzip -9, brotli 11) of what a page downloads: our browser entry vs ali-oss's dist
// bundle, @aws-sdk/client-s3 (S3Client + Get/PutBucketReplicationCommand, esbuild --bundle
// --minify, browser platform) and aws4fetch's dist ESM file. Also ours with the JS glue bundled
// and minified by esbuild (the wasm as is), for a like-for-like view, and ours as a user's bundler
// emits it (`bundled`: the package's main entry and `oss-replication/web`). JSON on stdout.
import { mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BROWSER_ENTRY, ROOT, measure, measureFiles, userBundle } from './lib/sizes.mjs';
import { PKG_DIR } from './lib/common.mjs';

const require = createRequire(path.join(ROOT, 'bench/package.json'));
const esbuild = require('esbuild');
const work = path.join(ROOT, 'test-output/bench/size');
mkdirSync(work, { recursive: true });

async function bundle(name, source, resolveDir) {
  const outfile = path.join(work, `${name}.min.js`);
  await esbuild.build({
    stdin: { contents: source, resolveDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    outfile,
    logLevel: 'error',
    legalComments: 'none',
  });
  return measure(readFileSync(outfile));
}

const ours = measureFiles(BROWSER_ENTRY, PKG_DIR);
const oursGlue = await bundle(
  'ours-glue',
  "export { default, initSync, ReplicationClient, signRequest, OssError } from './web/index.js';",
  PKG_DIR
);
const wasm = ours.files['web/oss_replication_bg.wasm'];
const oursMinified = {
  raw: oursGlue.raw + wasm.raw,
  gzip: oursGlue.gzip + wasm.gzip,
  brotli: oursGlue.brotli + wasm.brotli,
};
// Ours as a user's bundler emits it (lib/sizes.mjs): every emitted file plus any wasm fetched by URL.
async function bundledSize(specifier) {
  let files;
  try {
    files = await userBundle(esbuild, {
      pkgDir: PKG_DIR,
      appDir: path.join(work, `app-${specifier.replace(/\W+/g, '_')}`),
      source: `export { ReplicationClient, signRequest } from '${specifier}';`,
    });
  } catch (e) {
    return { error: String(e.message || e).split('\n')[0] };
  }
  const total = { raw: 0, gzip: 0, brotli: 0, files: Object.keys(files) };
  for (const buf of Object.values(files)) {
    const m = measure(buf);
    for (const k of ['raw', 'gzip', 'brotli']) total[k] += m[k];
  }
  return total;
}
const bundled = {
  main: await bundledSize('oss-replication'),
  web: await bundledSize('oss-replication/web'),
};

const s3 = await bundle(
  's3',
  "export { S3Client, GetBucketReplicationCommand, PutBucketReplicationCommand } from '@aws-sdk/client-s3';",
  path.join(ROOT, 'bench')
);
const nm = (p) => path.join(ROOT, 'bench/node_modules', p);
const out = {
  ours,
  oursMinified,
  bundled,
  alioss: measure(readFileSync(nm('ali-oss/dist/aliyun-oss-sdk.min.js'))),
  s3,
  aws4fetch: measure(readFileSync(nm('aws4fetch/dist/aws4fetch.esm.mjs'))),
  versions: Object.fromEntries(
    ['ali-oss', '@aws-sdk/client-s3', 'aws4fetch', 'esbuild'].map((p) => [p, JSON.parse(readFileSync(nm(`${p}/package.json`))).version])
  ),
};
delete out.ours.files;
writeFileSync(path.join(work, 'sizes.json'), JSON.stringify(out, null, 2));
process.stdout.write(JSON.stringify(out));
