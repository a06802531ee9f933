// `oss-replication/web`: the wasm as a separate, cacheable file (oss_replication_bg.wasm next to
// this module, compiled while it streams), for bundlers that emit `new URL('…', import.meta.url)`
// assets (webpack, Vite builds) and for pages without a bundler (import maps).
// `await init()` first. The package's main entry needs no init and works everywhere.
import { api } from './facade.js';

const a = api({ url: () => new URL('./oss_replication_bg.wasm', import.meta.url) });

export { OssError } from './facade.js';
export const { ReplicationClient, signRequest, validateRule, replicationPolicies, initSync, __wasmMemoryPages } = a;
export default a.init;
