'use strict';
// What index.mjs imports. Node's ESM loader lexes the CommonJS file it imports to find its export
// names, in cold JS (~1 ms per KB): this file stays a few lines and index.cjs keeps its comments.
const m = require('./index.cjs');
exports.ReplicationClient = m.ReplicationClient;
exports.signRequest = m.signRequest;
exports.validateRule = m.validateRule;
exports.replicationPolicies = m.replicationPolicies;
exports.OssError = m.OssError;
exports.initSync = m.initSync;
exports.init = m.init;
exports.__wasmMemoryPages = m.__wasmMemoryPages;
