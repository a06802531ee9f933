'use strict';
// CommonJS entry (Node's require, Jest, webpack/esbuild require): the wasm ships inside the
// package JS (./wasm.cjs, generated) rather than being read from disk, so bundled server code
// and other realms (Jest, vm) work without copying files; compiled synchronously on first use.
const glue = require('./oss_replication.js');
const embedded = require('./wasm.cjs');

/**
 * The embedded wasm's bytes. Inflated by the runtime's native zlib where it has one (Node 20.16+,
 * Bun, Deno, Jest's sandbox: ~2 ms), else by the package's JS inflater (~30-60 ms cold: its code
 * runs once, before the JIT has warmed up to it). The zlib module is reached through
 * `process.getBuiltinModule`, never a `require('node:zlib')` a bundler would try to resolve:
 * a browser bundle of this CommonJS entry must keep building and fall back to the JS inflater.
 */
function wasmBytes() {
  const get = typeof process === 'object' && process !== null ? process.getBuiltinModule : undefined;
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
