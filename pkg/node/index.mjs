// Node ESM entry: the CommonJS module re-exported, so `import` and `require` in one process share
// one wasm instance and one OssError class.
// Through ./esm.cjs, a few lines for Node to lex instead of index.cjs (see there); named exports
// only, so Node, Bun and bundlers agree on what `default` is.
export { ReplicationClient, signRequest, validateRule, replicationPolicies, OssError, initSync, __wasmMemoryPages, init as default } from './esm.cjs';
