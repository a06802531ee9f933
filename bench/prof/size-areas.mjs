// Groups `twiggy top -f json` items into areas of the crate (raw bytes). Usage: node size-areas.mjs top.json
import { readFileSync } from 'node:fs';

const data = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const items = data.items ?? data;
const AREAS = [
  [/function names|custom section|^export |^import |^type\[|^table\[|^elem\[|^memory\[|^global\[/, 'names section and module metadata'],
  [/^data segment/, 'data segments (.rodata: messages, field names, panic locations, tables)'],
  [/externref shim|multivalue shim|wasm_bindgen|__wbindgen|js_sys|__wbg|__externref|convert::closures|JsValue/, 'wasm-bindgen shims, js_sys, closures'],
  [/oss_replication::client|oss_replication::retry/, 'src/client.rs + retry (async state machines)'],
  [/oss_replication::js::/, 'src/js facade'],
  [/quick_xml|oss_replication::xml|oss_replication::replication::parse/, 'XML: quick-xml + src/xml.rs + parsers'],
  [/oss_replication::/, 'other src/ (sign, time, endpoint, builders, validation, errors)'],
  [/sha2|sha1|md5|hmac|digest|block_buffer|base64/, 'crypto + base64'],
  [/dlmalloc|__rdl|__rust_alloc|__rust_dealloc|__rust_realloc|RawVec|alloc::alloc/, 'allocator (dlmalloc) + RawVec'],
  [/core::fmt|fmt::|Formatter|pad_integral|Debug|Display|panicking|panic|slice_error_fail|str_index_overflow/, 'core::fmt + panics'],
  [/core|alloc|std/, 'other core/alloc (sort, str, Vec, String)'],
];
const sums = new Map();
let total = 0;
for (const { name: raw, shallow_size: b } of items) {
  const name = raw.replace(/\[[0-9a-f]{16}\]/g, ''); // v0 mangling (nightly builds)
  let area = 'unnamed/other';
  for (const [re, a] of AREAS) if (re.test(name)) { area = a; break; }
  sums.set(area, (sums.get(area) || 0) + b);
  total += b;
}
console.log('\nraw bytes by area:');
for (const [a, b] of [...sums].sort((x, y) => y[1] - x[1])) console.log(`  ${String(b).padStart(7)}  ${((100 * b) / total).toFixed(1).padStart(5)}%  ${a}`);
console.log(`  ${String(total).padStart(7)}  total`);
