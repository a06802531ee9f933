// The size step of `make build` (called by scripts/build-pkg.mjs once the glue is patched):
//   1. short wasm import/export names in the wasm and both glues (scripts/wasm-names.mjs);
//   2. both glues minified by esbuild (a transform: one file at a time, ESM stays ESM with the
//      same export names, CommonJS keeps its `exports.x =` assignments);
//   3. proof that nothing else changed: the glues export the same names as before, and the
//      renamed wasm with the minified glue gives the same results as the original pair for
//      signing (V1, V4), a rejected rule and rejected client options.
// Any difference fails the build, naming it.
import { readFileSync, writeFileSync, mkdirSync, rmSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { transformSync } from 'esbuild';
import { LayoutError, listNames, renameWasm, renameGlue } from './wasm-names.mjs';

export { LayoutError };

const require = createRequire(import.meta.url);
const gz = (b) => zlib.gzipSync(b, { level: 9 }).length;
const sizes = (b) => `${b.length} B raw, ${gz(b)} B gzip`;

function minify(file, text, format) {
  const { code, warnings } = transformSync(text, {
    minify: true,
    format,
    target: 'es2020',
    legalComments: 'none',
    logLevel: 'silent',
  });
  if (warnings.length) throw new LayoutError(`${file}: esbuild warned: ${warnings.map((w) => w.text).join('; ')}`);
  return `// wasm-bindgen glue, names shortened and minified by scripts/build-pkg.mjs\n${code}`;
}

/** Calls the API of one loaded glue; the results (or errors) as a JSON-able record. */
function exercise(glue) {
  const run = (f) => {
    try {
      return { ok: f() };
    } catch (e) {
      if (e instanceof TypeError || e instanceof ReferenceError) throw e; // a broken rename, not an API error
      return { error: String(e?.message ?? e), code: e?.code };
    }
  };
  const request = { method: 'GET', bucket: 'src-bucket', url: 'https://src-bucket.oss-cn-hangzhou.aliyuncs.com/?replication', headers: { 'x-oss-meta-é': 'ü' } };
  const credentials = { accessKeyId: 'LTAI-build-check', accessKeySecret: 'build-check-secret', stsToken: 'token' };
  return {
    pages: typeof glue.__wasmMemoryPages(),
    v4: run(() => glue.signRequest(request, credentials, { version: 'v4', region: 'cn-hangzhou', time: 1700000000000 })),
    v1: run(() => glue.signRequest(request, credentials, { version: 'v1', time: 1700000000000 })),
    rule: run(() => glue.validateRule({})),
    client: run(() => new glue.ReplicationClient({ bucket: '' })),
  };
}

function exportNames(mod) {
  return Object.keys(mod).filter((k) => k !== '__esModule').sort().join(', ');
}

/**
 * Shrinks the staged package in place.
 * @param {{ webGlue: string, nodeGlue: string, wasmFile: string, scratch: string }} files
 *   scratch: an empty folder this step may use (removed afterwards)
 * @returns {string[]} size lines for the build log (before/after each step)
 */
export async function shrinkGlue({ webGlue, nodeGlue, wasmFile, scratch }) {
  const log = [];
  const wasm0 = readFileSync(wasmFile);
  const { imports } = listNames(wasm0);
  if (imports.length && imports.every((i) => i.module === 'a')) {
    log.push('shrink: already shrunk (import module "a"), skipped');
    return log;
  }
  const web0 = readFileSync(webGlue, 'utf8');
  const node0 = readFileSync(nodeGlue, 'utf8');

  // 1. Names.
  const names = renameWasm(wasm0);
  const wasm1 = Buffer.from(names.wasm);
  if (!WebAssembly.validate(wasm1)) throw new LayoutError('the renamed wasm does not validate');
  const web1 = renameGlue(webGlue, web0, names);
  const node1 = renameGlue(nodeGlue, node0, names);
  log.push(`shrink: names (${names.imports.size} imports, ${names.exports.size} exports): wasm ${sizes(wasm0)} -> ${sizes(wasm1)}; ` +
    `web glue ${sizes(Buffer.from(web0))} -> ${sizes(Buffer.from(web1))}; node glue ${sizes(Buffer.from(node0))} -> ${sizes(Buffer.from(node1))}`);

  // 2. Minified glue.
  const web2 = minify(webGlue, web1, 'esm');
  const node2 = minify(nodeGlue, node1, 'cjs');
  log.push(`shrink: minified: web glue ${sizes(Buffer.from(web1))} -> ${sizes(Buffer.from(web2))}; node glue ${sizes(Buffer.from(node1))} -> ${sizes(Buffer.from(node2))}`);

  // The original pair, loaded from scratch copies for the comparison.
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const copy = (from, name) => {
    const to = path.join(scratch, name);
    copyFileSync(from, to);
    return to;
  };
  const webOrig = await import(pathToFileURL(copy(webGlue, 'orig-web.mjs')).href);
  const nodeOrig = require(copy(nodeGlue, 'orig-node.cjs'));
  const module0 = new WebAssembly.Module(wasm0);
  try {
    webOrig.initSync({ module: module0 });
    nodeOrig.__wbg_instantiate(module0);
  } catch (e) {
    throw new LayoutError(`the glue as wasm-bindgen wrote it (patched) does not load its wasm: ${e}`);
  }
  const expected = JSON.stringify(exercise(webOrig));
  if (JSON.stringify(exercise(nodeOrig)) !== expected) throw new LayoutError('the original web and node glues already disagree');

  // 3. Same exports, same behaviour.
  writeFileSync(path.join(scratch, 'new-web.mjs'), web2);
  const webNew = await import(pathToFileURL(path.join(scratch, 'new-web.mjs')).href);
  writeFileSync(path.join(scratch, 'new-node.cjs'), node2);
  const nodeNew = require(path.join(scratch, 'new-node.cjs'));
  for (const [file, before, after] of [[webGlue, webOrig, webNew], [nodeGlue, nodeOrig, nodeNew]]) {
    if (exportNames(before) !== exportNames(after)) {
      throw new LayoutError(`${file}: exports changed by shrinking: before ${exportNames(before)}; after ${exportNames(after)}`);
    }
  }
  const module1 = new WebAssembly.Module(wasm1);
  for (const [file, glue, load] of [[webGlue, webNew, () => webNew.initSync({ module: module1 })], [nodeGlue, nodeNew, () => nodeNew.__wbg_instantiate(module1)]]) {
    let got;
    try {
      load();
      got = JSON.stringify(exercise(glue));
    } catch (e) {
      throw new LayoutError(`${file}: the shrunk glue does not work with the renamed wasm: ${e}`);
    }
    if (got !== expected) throw new LayoutError(`${file}: the shrunk glue and wasm answer differently:\n  before ${expected}\n  after  ${got}`);
  }
  rmSync(scratch, { recursive: true, force: true });

  writeFileSync(wasmFile, wasm1);
  writeFileSync(webGlue, web2);
  writeFileSync(nodeGlue, node2);
  return log;
}
