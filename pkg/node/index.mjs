// Node ESM entry: the CommonJS module re-exported, so `import` and `require` in one process share
// one wasm instance and one OssError class.
import * as ns from './index.cjs';

// Node gives the CommonJS module.exports as `default`; Bun and bundlers honour `__esModule` and
// give `exports.default` (init) instead, with the named exports on the namespace.
const cjs = typeof ns.default === 'function' ? ns : ns.default;

export const { ReplicationClient, signRequest, validateRule, replicationPolicies, OssError, initSync, __wasmMemoryPages } = cjs;
export default cjs.init;
