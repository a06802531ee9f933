// Cloudflare Workers (wrangler, workerd): Workers forbid compiling wasm from bytes at run time,
// so the wasm is imported as a module, which wrangler bundles without configuration; it is
// instantiated on first use.
import wasmModule from '../web/oss_replication_bg.wasm';
import { api } from '../web/facade.js';

const a = api({ sync: () => wasmModule });

export { OssError } from '../web/facade.js';
export const { ReplicationClient, signRequest, validateRule, replicationPolicies, initSync, __wasmMemoryPages } = a;
export default a.init;
