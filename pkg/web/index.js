// Browser, Web Worker, Cloudflare Worker and Deno entry: call `await init()` (or
// `initSync({ module })` where the module is already compiled) before use.
import wasmInit, {
  initSync as wasmInitSync,
  ReplicationClient,
  signRequest,
  validateRule,
  __setOssErrorClass,
} from './oss_replication.js';

/** Every failure: `code`, `status` (-1 without an HTTP answer), `requestId`, `hostId`, `ec`, `recommendDoc`, `retryable`. */
export class OssError extends Error {
  constructor(message) {
    super(message);
    this.name = 'OssError';
  }
}

function ready(exports) {
  __setOssErrorClass(OssError);
  return exports;
}

/** Loads the wasm (fetching `oss_replication_bg.wasm` next to this file unless given). */
export default async function init(input) {
  return ready(await wasmInit(input));
}

/** Instantiates from an already compiled `WebAssembly.Module` (Workers: `import m from '.../oss_replication_bg.wasm'`). */
export function initSync(input) {
  return ready(wasmInitSync(input));
}

export { ReplicationClient, signRequest, validateRule };
