// Node ESM entry: the same module as index.cjs, with `init` as the default export.
import cjs from './index.cjs';

export const { ReplicationClient, signRequest, validateRule, OssError, initSync, __wasmMemoryPages } = cjs;
export default cjs.init;
