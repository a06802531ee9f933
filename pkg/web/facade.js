// The API every ESM entry exports, around the wasm-bindgen glue. Each entry only says where the
// wasm comes from. The wasm is instantiated lazily and synchronously on first use wherever the
// entry can get it synchronously (embedded bytes, a Worker's imported module): no top-level
// await and no init call are needed, and the constructor, signRequest and validateRule stay
// synchronous. `init()` / `initSync({ module })` keep working for code written against 0.1.
import {
  initSync as glueInitSync,
  ReplicationClient as GlueClient,
  signRequest as glueSignRequest,
  validateRule as glueValidateRule,
  replicationPolicies as gluePolicies,
  __setOssErrorClass,
  __wasmMemoryPages as glueMemoryPages,
} from './oss_replication.js';

/** Every failure: `code`, `status` (-1 without an HTTP answer), `requestId`, `hostId`, `ec`, `recommendDoc`, `retryable`. */
export class OssError extends Error {
  constructor(message) {
    super(message);
    this.name = 'OssError';
  }
}

function notLoaded() {
  const e = new OssError(
    'the wasm is not loaded yet: `await init()` first (this entry fetches oss_replication_bg.wasm), ' +
      "or import 'oss-replication', which loads it by itself"
  );
  return Object.assign(e, { code: 'NotInitialized', status: -1, retryable: false });
}

/** `{ module }` (the current form) or a bare module/bytes (0.1 code): never wasm-bindgen's deprecation warning. */
function unwrap(input, key) {
  return input !== null && typeof input === 'object' && Object.getPrototypeOf(input) === Object.prototype ? input[key] : input;
}

async function compile(input) {
  input = await input;
  if (typeof input === 'string' || input instanceof URL || (typeof Request === 'function' && input instanceof Request)) {
    input = await fetch(input);
  }
  if (input instanceof WebAssembly.Module) return input;
  if (typeof Response === 'function' && input instanceof Response) {
    if (!input.ok) throw new Error(`oss-replication: failed to fetch the wasm: ${input.status} ${input.statusText} (${input.url})`);
    if (typeof WebAssembly.compileStreaming === 'function' && input.headers.get('content-type') === 'application/wasm') {
      return WebAssembly.compileStreaming(input);
    }
    input = await input.arrayBuffer();
  }
  return WebAssembly.compile(input);
}

/**
 * The package API for one way of finding the wasm.
 * @param {{ sync?: () => WebAssembly.Module | BufferSource, url?: () => URL }} source
 */
export function api(source) {
  let exports;
  let loading;

  function initSync(input) {
    if (exports) return exports;
    let module = unwrap(input, 'module');
    if (module === undefined) {
      if (!source.sync) throw notLoaded();
      module = source.sync();
    }
    exports = glueInitSync({ module });
    __setOssErrorClass(OssError);
    return exports;
  }

  async function init(input) {
    if (exports) return exports;
    let from = unwrap(input, 'module_or_path');
    if (from === undefined) {
      if (source.sync) return initSync();
      from = source.url();
    }
    loading ??= compile(from).finally(() => (loading = undefined));
    const module = await loading;
    return initSync({ module });
  }

  function ready() {
    if (!exports) initSync();
  }

  /** Manages the replication rules of one bucket. Methods reject with `OssError`. */
  class ReplicationClient extends GlueClient {
    constructor(options) {
      ready();
      super(options);
    }
  }

  return {
    init,
    initSync,
    ReplicationClient,
    signRequest(request, credentials, options) {
      ready();
      return glueSignRequest(request, credentials, options);
    },
    validateRule(rule) {
      ready();
      return glueValidateRule(rule);
    },
    replicationPolicies(input) {
      ready();
      return gluePolicies(input);
    },
    __wasmMemoryPages() {
      ready();
      return glueMemoryPages();
    },
  };
}
