// Sizes (raw, gzip -9, brotli 11) of what a page downloads: our browser entry vs ali-oss's dist
// bundle, @aws-sdk/client-s3 (S3Client + Get/PutBucketReplicationCommand, esbuild --bundle
// --minify, browser platform) and aws4fetch's dist ESM file. Also ours with the JS glue bundled
// and minified by esbuild (the wasm as is), for a like-for-like view, and ours as a user's bundler
// emits it (`bundled`: the package's main entry and `oss-replication/web`). JSON on stdout.
import { mkdirSync, writeFileSync, readFileSync, readdirSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BROWSER_ENTRY, ROOT, measure, measureFiles } from './lib/sizes.mjs';
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
// What a user's bundler emits for `import { ReplicationClient, signRequest } from 'oss-replication'`
// (esbuild, browser platform, minified, package resolved through its package.json exports from
// a node_modules link to the package under test; `.wasm` imports emitted as files). A `.wasm`
// the output only references by URL (`new URL('…wasm', import.meta.url)`, which esbuild leaves
// alone) is counted too, from the package: the page downloads it all the same.
async function userBundle(specifier) {
  const app = path.join(work, `app-${specifier.replace(/\W+/g, '_')}`);
  rmSync(app, { recursive: true, force: true });
  mkdirSync(path.join(app, 'node_modules'), { recursive: true });
  symlinkSync(PKG_DIR, path.join(app, 'node_modules/oss-replication'), 'dir');
  const outdir = path.join(app, 'dist');
  try {
    await esbuild.build({
      stdin: { contents: `export { ReplicationClient, signRequest } from '${specifier}';`, resolveDir: app, loader: 'js' },
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
  } catch (e) {
    return { error: String(e.message || e).split('\n')[0] };
  }
  const emitted = readdirSync(outdir);
  const total = { raw: 0, gzip: 0, brotli: 0, files: [] };
  const add = (name, buf) => {
    const m = measure(buf);
    total.raw += m.raw;
    total.gzip += m.gzip;
    total.brotli += m.brotli;
    total.files.push(name);
  };
  for (const f of emitted) add(f, readFileSync(path.join(outdir, f)));
  const js = emitted.filter((f) => f.endsWith('.js')).map((f) => readFileSync(path.join(outdir, f), 'utf8')).join('\n');
  for (const [, name] of js.matchAll(/["'`](?:\.\/)?([\w.-]+\.wasm)["'`]/g)) {
    if (total.files.includes(name)) continue;
    const inPkg = ['web', 'embedded', 'node'].map((d) => path.join(PKG_DIR, d, name)).find((f) => existsSync(f));
    if (inPkg) add(`${name} (referenced by URL, from the package)`, readFileSync(inPkg));
  }
  return total;
}
const bundled = {
  main: await userBundle('oss-replication'),
  web: await userBundle('oss-replication/web'),
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
