// Summarizes a .cpuprofile: self time by category (wasm code by crate area, wasm-bindgen JS glue,
// V8/Node builtins, GC) and the top functions. Usage: node summarize.mjs DIR [TOP]
import { readFileSync, readdirSync } from 'node:fs';

const dir = process.argv[2];
const top = Number(process.argv[3] || 20);
const file = readdirSync(dir).filter((x) => x.endsWith('.cpuprofile')).sort().pop();
const p = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const WASM = [
  [/^wasm-to-js|externref|__wbindgen|shim$|wasm_bindgen::/, 'wasm: boundary shims (externref table, wasm-to-js)'],
  [/sha2::|sha1::|md5::|digest::|hmac|Hmac|block_buffer/, 'wasm: SHA/HMAC/MD5'],
  [/Chars|next_code_point|is_control|CharIndices|encode_utf8/, 'wasm: char-by-char loops'],
  [/malloc|free|dealloc|realloc|RawVec|reserve|to_vec|drop_in_place|__rdl|__rust_alloc|grow_amortized|append_elements/, 'wasm: allocator, Vec growth, drops'],
  [/quick_xml|oss_replication::xml|replication::parse/, 'wasm: XML parsing (quick-xml + xml.rs tree + rule mapping)'],
  [/core::fmt|fmt::|format|write_str|String>::push|push_str/, 'wasm: formatting, String building'],
];
const cats = new Map();
const fns = new Map();
let total = 0;
p.samples.forEach((id, i) => {
  const n = byId.get(id);
  const { url, lineNumber } = n.callFrame;
  // v0-mangled names (nightly builds) carry crate hashes: sha2[a5c58442ee71f628]::...
  const fn = n.callFrame.functionName.replace(/\[[0-9a-f]{16}\]/g, '');
  const dt = p.timeDeltas[i] || 0;
  let c;
  if (url.includes('.wasm')) {
    c = 'wasm: other';
    for (const [re, name] of WASM) if (re.test(fn)) { c = name; break; }
  } else if (url.endsWith('oss_replication.js')) c = 'wasm-bindgen JS glue (oss_replication.js)';
  else if (fn === '(garbage collector)') c = 'GC';
  else if (fn === '(idle)' || fn === '(program)') c = fn;
  else if (url === '' || url.startsWith('node:') || !url.includes('/')) c = 'V8/Node builtins (TextDecoder, Reflect, undici, ...)';
  else c = `JS: ${url.split('/').pop()}`;
  cats.set(c, (cats.get(c) || 0) + dt);
  const key = url.includes('.wasm') ? `wasm ${fn.replace(/::h[0-9a-f]{16}$/, '')}` : `${fn || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
  fns.set(key, (fns.get(key) || 0) + dt);
  total += dt;
});
const pct = (v) => `${((100 * v) / total).toFixed(1).padStart(5)}%`;
console.log(`${file}: self time by category`);
for (const [k, v] of [...cats].sort((a, b) => b[1] - a[1])) console.log(`  ${pct(v)}  ${k}`);
console.log(`top ${top} functions (self time)`);
for (const [k, v] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(v)}  ${k.slice(0, 150)}`);
