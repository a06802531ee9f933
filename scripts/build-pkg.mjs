// Post-processing after wasm-bindgen and wasm-opt (`make build`): turns the generated glue into
// the package's loading variants (see pkg/package.json "exports"):
//   web/oss_replication.js   the ESM glue, minus its default `new URL('…wasm', import.meta.url)`
//                            (the entries say where the wasm is; left in, every bundler of the
//                            embedded entry would emit an unused 158 KB asset);
//   node/oss_replication.js  the CommonJS glue, instantiated on demand from given bytes instead of
//                            reading oss_replication_bg.wasm from disk at require time, and
//                            recording that wasm's size (`__wasmSize`, for node/index.cjs);
//   embedded/wasm.js, node/wasm.cjs   the wasm as base64 of its raw DEFLATE, by zopfli (gzip -9 of that is
//                            ~5% under gzip -9 of the wasm itself; base64 of the raw wasm is ~30% more);
//   node/inflate.cjs         the CommonJS copy of embedded/inflate.js;
//   index.d.cts              the declarations for `require` (the CommonJS entry has the same shape).
// Both glues and the wasm are then shrunk (scripts/shrink-glue.mjs): the wasm-bindgen import and
// export names shortened to `a`, `b`, … consistently in the wasm and the glues, the glues minified.
// Every edit checks that the generated text is what it expects and fails loudly otherwise: a new
// wasm-bindgen that changes the glue's layout must be looked at, not silently mis-patched.
// Usage: node scripts/build-pkg.mjs [dir] [--install pkg-dir] [--no-shrink]
//   dir: wasm-bindgen's output (web/, node/) to process in place (default: pkg/ of this repository);
//   --no-shrink: keep wasm-bindgen's names and the glue unminified (bench/profile.sh's copy, whose
//   profiles and boundary counts name each import); never for the shipped package;
//   --install: then move the generated files into pkg-dir, each by an atomic rename, so tests
//   running while another build is under way never see a half-patched package (make build).
import { readFileSync, writeFileSync, rmSync, existsSync, mkdirSync, renameSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { shrinkGlue, LayoutError } from './shrink-glue.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const installAt = args.indexOf('--install');
const install = installAt >= 0 ? path.resolve(args.splice(installAt, 2)[1]) : null;
const noShrinkAt = args.indexOf('--no-shrink');
const shrink = noShrinkAt < 0;
if (!shrink) args.splice(noShrinkAt, 1);
const pkg = path.resolve(args[0] ?? path.join(root, 'pkg'));
const src = path.join(root, 'pkg');
const at = (...p) => path.join(pkg, ...p);

function fail(message) {
  console.error(`build-pkg: ${message}`);
  process.exit(1);
}

/** The smaller of zopfli's and zlib's raw DEFLATE of `bytes` (zopfli wins on every wasm so far). */
async function smallestDeflate(bytes) {
  const z9 = zlib.deflateRawSync(bytes, { level: 9, memLevel: 9 });
  // Imported here, not at the top: its Emscripten runtime takes over uncaught errors, which
  // would bury the messages of the checks above under its source.
  const { default: zopfli } = await import('@gfx/zopfli');
  const zop = Buffer.from(await zopfli.deflateAsync(bytes, { numiterations: 15, blocksplitting: true, blocksplittingmax: 15 }));
  console.log(`build-pkg: embedded DEFLATE: zlib -9 ${z9.length} B, zopfli ${zop.length} B`);
  return zop.length < z9.length ? zop : z9;
}

/** Replaces exactly one occurrence of `from`; anything else means the glue changed. */
function replaceOnce(file, text, from, to) {
  const n = text.split(from).length - 1;
  if (n !== 1) fail(`${file}: expected exactly one \`${from.split('\n')[0]}…\`, found ${n}: the wasm-bindgen glue changed, update scripts/build-pkg.mjs`);
  return text.replace(from, () => to);
}

// --- ESM glue: no default wasm URL.
const webGlue = at('web/oss_replication.js');
let web = readFileSync(webGlue, 'utf8');
if (!web.includes('oss-replication: no wasm given')) { // patched already (the marker comment is minified away)
  web = replaceOnce(webGlue, web, "module_or_path = new URL('oss_replication_bg.wasm', import.meta.url);",
    "throw new Error('oss-replication: no wasm given'); // __wbg_build_pkg_patched: the entries pass it");
}
if (web.includes('import.meta')) fail(`${webGlue}: still mentions import.meta after patching`);
for (const name of ['initSync', 'ReplicationClient', 'signRequest', 'validateRule', '__setOssErrorClass', '__wasmMemoryPages']) {
  if (!new RegExp(`export (class|function) ${name}\\b|export \\{[^}]*\\b${name}\\b`).test(web)) fail(`${webGlue}: no export ${name}`);
}
writeFileSync(webGlue, web);

// --- CommonJS glue: instantiate when asked, from a module the entry supplies.
const nodeGlue = at('node/oss_replication.js');
let node = readFileSync(nodeGlue, 'utf8');
if (!node.includes('__wbg_instantiate')) {
  node = replaceOnce(nodeGlue, node,
    "const wasmPath = `${__dirname}/oss_replication_bg.wasm`;\n" +
    "const wasmBytes = require('fs').readFileSync(wasmPath);\n" +
    'const wasmModule = new WebAssembly.Module(wasmBytes);\n' +
    'let wasmInstance = new WebAssembly.Instance(wasmModule, __wbg_get_imports());\n' +
    'let wasm = wasmInstance.exports;\n' +
    'wasm.__wbindgen_start();\n',
    '// Patched by scripts/build-pkg.mjs: instantiated by node/index.cjs on first use, from the\n' +
    '// embedded bytes (no file read, so bundles and other realms work).\n' +
    'let wasm;\n' +
    'function __wbg_instantiate(wasmModule) {\n' +
    '    if (wasm !== undefined) return wasm;\n' +
    '    let wasmInstance = new WebAssembly.Instance(wasmModule, __wbg_get_imports());\n' +
    '    wasm = wasmInstance.exports;\n' +
    '    wasm.__wbindgen_start();\n' +
    '    return wasm;\n' +
    '}\n' +
    'exports.__wbg_instantiate = __wbg_instantiate;\n');
}
if (/require\(|__dirname/.test(node)) fail(`${nodeGlue}: still uses require/__dirname after patching`);
writeFileSync(nodeGlue, node);
rmSync(at('node/oss_replication_bg.wasm'), { force: true });

// --- Short wasm import/export names in the wasm and both glues, then the glues minified; checked
// against the original pair (scripts/shrink-glue.mjs). Before the embedding: every variant gets it.
if (!shrink) console.log('build-pkg: --no-shrink: names and glue as wasm-bindgen wrote them');
else try {
  const log = await shrinkGlue({
    webGlue, nodeGlue, wasmFile: at('web/oss_replication_bg.wasm'), scratch: at(`.shrink-${process.pid}`),
  });
  for (const line of log) console.log(`build-pkg: ${line}`);
} catch (e) {
  if (e instanceof LayoutError) fail(e.message);
  throw e;
}

// --- The embedded wasm.
const wasm = readFileSync(at('web/oss_replication_bg.wasm'));
if (!WebAssembly.validate(wasm)) fail('web/oss_replication_bg.wasm is not a valid module');
// The CommonJS glue records the size of its wasm: node/index.cjs reads the package's
// web/oss_replication_bg.wasm from disk when it is there and has this size (a bundle falls back
// to the embedded copy, see there).
writeFileSync(nodeGlue, `${readFileSync(nodeGlue, 'utf8').replace(/\nexports\.__wasmSize = \d+;\n$/, '\n')}exports.__wasmSize = ${wasm.length};\n`);
// Zopfli (an exhaustive DEFLATE encoder; any inflater reads it) makes the stream about 5% smaller
// than zlib -9, and gzip of the base64 follows it: about 5.5 KB less gzip for the main entry
// (measured at 250 KB of wasm: 108829 -> 103221 B deflated). About 8 s of build time.
const deflated = await smallestDeflate(wasm);
const base64 = deflated.toString('base64');
mkdirSync(at('embedded'), { recursive: true });
const banner = '// Generated by scripts/build-pkg.mjs: web/oss_replication_bg.wasm as base64 of its raw DEFLATE.\n';
writeFileSync(at('embedded/wasm.js'), `${banner}export const size = ${wasm.length};\nexport const base64 = '${base64}';\n`);
writeFileSync(at('node/wasm.cjs'), `${banner}'use strict';\nexports.size = ${wasm.length};\nexports.base64 = '${base64}';\n`);

// --- inflate.cjs from the ESM original (two `export function`s, nothing else exported).
const inflateSrc = readFileSync(path.join(src, 'embedded/inflate.js'), 'utf8');
const exported = [...inflateSrc.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
if (exported.join() !== 'inflateRaw,embeddedWasm' || /^export (?!function)/m.test(inflateSrc)) {
  fail('pkg/embedded/inflate.js: expected exactly `export function inflateRaw` and `export function embeddedWasm`');
}
writeFileSync(at('node/inflate.cjs'),
  "'use strict';\n// Generated by scripts/build-pkg.mjs from embedded/inflate.js.\n" +
  inflateSrc.replace(/^export function/gm, 'function') +
  `\n${exported.map((n) => `exports.${n} = ${n};`).join('\n')}\n`);

// The round trip, with the shipped decoder.
const { embeddedWasm } = await import(pathToFileURL(path.join(src, 'embedded/inflate.js')).href);
if (Buffer.compare(Buffer.from(embeddedWasm(base64, wasm.length)), wasm) !== 0) fail('the embedded wasm does not inflate back to the wasm');

// --- Declarations for require: the CommonJS entry exports the same names (and `default`).
if (existsSync(path.join(src, 'index.d.ts'))) {
  writeFileSync(at('index.d.cts'), '// Generated by scripts/build-pkg.mjs from index.d.ts: the CommonJS entry has the same exports.\n' +
    readFileSync(path.join(src, 'index.d.ts'), 'utf8'));
}

if (install) {
  const generated = ['web/oss_replication_bg.wasm', 'web/oss_replication.js', 'node/oss_replication.js', 'node/wasm.cjs', 'node/inflate.cjs', 'embedded/wasm.js', 'index.d.cts'];
  for (const f of generated) {
    const to = path.join(install, f);
    mkdirSync(path.dirname(to), { recursive: true });
    // Same directory as the destination, so the rename is atomic (and never crosses devices).
    const tmp = `${to}.tmp-${process.pid}`;
    copyFileSync(at(f), tmp);
    renameSync(tmp, to);
  }
  rmSync(path.join(install, 'node/oss_replication_bg.wasm'), { force: true });
}

const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
console.log(`build-pkg: wasm ${wasm.length} B (gzip ${gz(wasm)}); embedded ${base64.length} B (gzip ${gz(Buffer.from(base64))})`);
