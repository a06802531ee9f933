'use strict';
// CommonJS entry (Node's require, Jest, webpack/esbuild require). The wasm also ships inside the
// package JS (./wasm.cjs, generated), so bundled server code and other realms (Jest, vm) work
// without copying files; compiled synchronously on first use.
const glue = require('./oss_replication.js');

/**
 * The wasm's bytes, by the cheapest way that works here (cold start: import + first call):
 * 1. the package's own web/oss_replication_bg.wasm, when this file runs from the installed
 *    package (Node 20.16+, Bun, Jest): one file read, ~0.2 ms. It must have the size this
 *    build's glue records, so a bundle whose folder happens to hold another build's file
 *    never takes it;
 * 2. else the copy in ./wasm.cjs (bundles, no file system), inflated by the runtime's zlib where
 *    it has one (~5 ms with loading node:zlib), else by the package's JS inflater (~30-60 ms
 *    cold: its code runs once, before the JIT has warmed up to it).
 * Builtins come through `process.getBuiltinModule`, never a `require('node:…')` a bundler would
 * try to resolve: a browser bundle of this CommonJS entry must keep building (and take the JS
 * inflater). ./wasm.cjs (128 KB of base64) is only loaded when needed.
 */
function wasmBytes() {
  const get = typeof process === 'object' && process !== null ? process.getBuiltinModule : undefined;
  if (typeof get === 'function' && typeof __dirname === 'string' && typeof glue.__wasmSize === 'number') {
    try {
      const bytes = get('node:fs').readFileSync(get('node:path').join(__dirname, '..', 'web', 'oss_replication_bg.wasm'));
      if (bytes.length === glue.__wasmSize) return bytes;
    } catch {
      // Not there (a bundle, this folder copied alone): the embedded copy.
    }
  }
  const embedded = require('./wasm.cjs');
  if (typeof get === 'function') {
    try {
      const { Buffer } = get('node:buffer');
      const bytes = get('node:zlib').inflateRawSync(Buffer.from(embedded.base64, 'base64'), { maxOutputLength: embedded.size });
      if (bytes.length === embedded.size) return bytes;
    } catch {
      // A corrupt stream: the JS inflater below names the cause.
    }
  }
  return require('./inflate.cjs').embeddedWasm(embedded.base64, embedded.size);
}

/** Every failure: `code`, `status` (-1 without an HTTP answer), `requestId`, `hostId`, `ec`, `recommendDoc`, `retryable`. */
class OssError extends Error {
  constructor(message) {
    super(message);
    this.name = 'OssError';
  }
}

let wasm;

// initSync and init unwrap their input as web/facade.js does, in their own few lines: that file
// is ESM for browsers, this one CommonJS with its own glue, and a shared copy would be one more
// module to load at start-up. tests/pkg/node-entry.test.mjs holds the two to the same forms.

/** `{ module }` (the current form) or a bare module/bytes (0.1 code). */
function initSync(input) {
  if (wasm) return wasm;
  let module = input !== null && typeof input === 'object' && Object.getPrototypeOf(input) === Object.prototype ? input.module : input;
  if (module === undefined) module = wasmBytes();
  if (!(module instanceof WebAssembly.Module)) module = new WebAssembly.Module(module);
  wasm = glue.__wbg_instantiate(module);
  glue.__setOssErrorClass(OssError);
  return wasm;
}

/** Loads the wasm now (it is loaded on first use anyway); kept so the same code runs everywhere. */
async function init(input) {
  const module = input !== null && typeof input === 'object' && Object.getPrototypeOf(input) === Object.prototype ? input.module_or_path : input;
  return initSync(module === undefined ? undefined : { module: await module });
}

/** Manages the replication rules of one bucket. Methods reject with `OssError`. */
class ReplicationClient extends glue.ReplicationClient {
  constructor(options) {
    initSync();
    super(options);
  }
}

Object.defineProperty(exports, '__esModule', { value: true });
exports.ReplicationClient = ReplicationClient;
exports.signRequest = function signRequest(request, credentials, options) {
  initSync();
  return glue.signRequest(request, credentials, options);
};
exports.validateRule = function validateRule(rule) {
  initSync();
  return glue.validateRule(rule);
};
exports.replicationPolicies = function replicationPolicies(input) {
  initSync();
  return glue.replicationPolicies(input);
};
exports.OssError = OssError;
/** Diagnostic: pages (64 KiB) of wasm memory in use. */
exports.__wasmMemoryPages = function __wasmMemoryPages() {
  initSync();
  return glue.__wasmMemoryPages();
};
exports.init = init;
exports.initSync = initSync;
exports.default = init;
