'use strict';
// Node entry: the wasm is loaded synchronously on require; no init call needed.
const wasm = require('./oss_replication.js');

/** Every failure: `code`, `status` (-1 without an HTTP answer), `requestId`, `hostId`, `ec`, `recommendDoc`, `retryable`. */
class OssError extends Error {
  constructor(message) {
    super(message);
    this.name = 'OssError';
  }
}
wasm.__setOssErrorClass(OssError);

exports.ReplicationClient = wasm.ReplicationClient;
exports.signRequest = wasm.signRequest;
exports.validateRule = wasm.validateRule;
exports.OssError = OssError;
/** Diagnostic: pages (64 KiB) of wasm memory in use. */
exports.__wasmMemoryPages = wasm.__wasmMemoryPages;
/** Nothing to load in Node; kept so the same code runs everywhere. */
exports.init = async function init() {};
exports.initSync = function initSync() {};
