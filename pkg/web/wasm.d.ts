// `import wasmModule from 'oss-replication/oss_replication_bg.wasm'` (Cloudflare Workers, wrangler):
// the compiled module, for `initSync({ module: wasmModule })`. `import 'oss-replication'` in a
// Worker already does this; the subpath is kept for code written against 0.1.
declare const wasmModule: typeof globalThis extends { WebAssembly: { Module: { prototype: infer M } } } ? M : object;
export default wasmModule;
