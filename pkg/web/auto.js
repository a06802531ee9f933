// webpack's entry: the wasm stays a separate file that webpack emits and the browser caches and
// compiles while streaming; webpack 5 supports top-level await without configuration, so the
// module is ready when the import resolves and the synchronous calls work at once.
import init from './index.js';

await init();

export * from './index.js';
export { default } from './index.js';
