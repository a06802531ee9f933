// `make test-size`: fails when what a page downloads outgrows its budget in bench/size-budget.json.
// Two ways users get the package, each with its own budget (gzip -9 of every file the page loads,
// each compressed on its own as a server sends it):
//   main  `import … from 'oss-replication'` as a bundler emits it: esbuild, browser platform,
//         bundled and minified, the package resolved through its package.json "exports" (the
//         embedded entry: facade + glue + inflater + the wasm as base64 of its DEFLATE, one file);
//   web   `import … from 'oss-replication/web'` the same way, plus oss_replication_bg.wasm, which
//         the bundle fetches by URL (esbuild leaves `new URL('…wasm', import.meta.url)` alone).
// Both bundles re-export the whole API (`export *` and default), so new exports are counted.
// Usage: node bench/size-budget.mjs [--pkg DIR]
import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT, measure, userBundle } from './lib/sizes.mjs';

// The root devDependency (make setup-node), not bench/'s copy: make test-size installs only the root.
const esbuild = createRequire(path.join(ROOT, 'package.json'))('esbuild');
const budgetFile = path.join(ROOT, 'bench/size-budget.json');
const budget = JSON.parse(readFileSync(budgetFile, 'utf8'));
// `--pkg DIR` measures another build of the package (an A/B of two builds; the budgets still apply).
const pkgArg = process.argv.indexOf('--pkg');
const pkg = path.resolve(pkgArg > 0 ? process.argv[pkgArg + 1] : path.join(ROOT, 'pkg'));
const work = path.join(ROOT, 'target/size-budget');

for (const f of ['embedded/wasm.js', 'web/oss_replication.js', 'web/oss_replication_bg.wasm']) {
  if (!existsSync(path.join(pkg, f))) {
    console.error(`size budget: missing pkg/${f}: run \`make build\` first`);
    process.exit(1);
  }
}

/** Every file a page loads for `specifier`, as esbuild bundles it (lib/sizes.mjs). */
const bundleOf = (name, specifier) =>
  userBundle(esbuild, {
    pkgDir: pkg,
    appDir: path.join(work, name),
    source: `export * from '${specifier}';\nexport { default } from '${specifier}';\n`,
  });

const entries = {
  main: await bundleOf('main', 'oss-replication'),
  web: await bundleOf('web', 'oss-replication/web'),
};
let failed = false;
for (const [name, files] of Object.entries(entries)) {
  const limit = budget.entries?.[name]?.gzipBytes;
  if (!Number.isInteger(limit)) {
    console.error(`size budget: bench/size-budget.json has no entries.${name}.gzipBytes`);
    process.exit(1);
  }
  const total = { raw: 0, gzip: 0, brotli: 0 };
  console.log(`${name} (${name === 'main' ? "'oss-replication'" : "'oss-replication/web'"}, esbuild --bundle --minify, browser):`);
  for (const [f, buf] of Object.entries(files)) {
    const m = measure(buf);
    for (const k of Object.keys(total)) total[k] += m[k];
    console.log(`  ${f.padEnd(44)} raw ${String(m.raw).padStart(7)}  gzip ${String(m.gzip).padStart(7)}  brotli ${String(m.brotli).padStart(7)}`);
  }
  const line = `  total: ${total.raw} B raw, ${total.gzip} B gzip, ${total.brotli} B brotli; gzip budget ${limit} B`;
  if (total.gzip > limit) {
    console.error(`${line}\nsize budget: FAIL: ${name} is ${total.gzip - limit} B (gzip) over its budget in bench/size-budget.json.`);
    console.error('Shrink it (twiggy top on a `wasm-bindgen --keep-debug` build shows where the bytes are), or, if the growth is deliberate, raise its gzipBytes there and say why in the commit.');
    failed = true;
    continue;
  }
  console.log(`${line}: ok (${limit - total.gzip} B headroom)`);
  const proposed = Math.ceil(total.gzip * 1.03);
  if (proposed <= limit - 1000) {
    console.log(`size budget: ${name} has shrunk since its budget was set; lower its gzipBytes to ${proposed} (today's size + 3%).`);
  }
}
if (failed) process.exit(1);
