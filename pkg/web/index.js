// The entry with the wasm as a separate, cacheable file (oss_replication_bg.wasm next to this
// module). Bundlers that emit `new URL('…', import.meta.url)` assets (webpack, Vite builds) or
// no bundler at all (import maps). `await init()` first; `import 'oss-replication'` picks an
// entry that needs no init for each toolchain (see package.json "exports").
import { api } from './facade.js';

const a = api({ url: () => new URL('./oss_replication_bg.wasm', import.meta.url) });

export { OssError } from './facade.js';
export const { ReplicationClient, signRequest, validateRule, initSync, __wasmMemoryPages } = a;
export default a.init;
