// Short wasm import/export names for the package (used by scripts/build-pkg.mjs).
//
// wasm-bindgen names every import `__wbg_<name>_<16 hex hash>` and some exports after the Rust
// path of a closure shim (over 250 characters); each name is in the wasm twice (the import or
// export section, and the glue that supplies or calls it) and barely compresses (the hashes are
// random). Renaming them to `a`, `b`, … in the wasm and in the glue, consistently, saves several
// KB of gzip. The import module ("./oss_replication_bg.js") becomes "a" too.
//
// The wasm side is a byte-level rewrite of the import and export sections (every other section
// is copied as is). The glue side edits only the places wasm-bindgen's layout puts the names:
// the keys of the `import0` object in `__wbg_get_imports()`, the module key of the object it
// returns, and `wasm.<export>` member accesses; then it checks that no old name is left and that
// every `wasm.<x>` in the glue is an export of the renamed wasm. Anything else throws, naming
// what differs: a wasm-bindgen that lays the glue out differently must be looked at, not
// silently mis-patched.

/** Thrown for anything the rewrite does not expect; build-pkg.mjs prints it and fails. */
export class LayoutError extends Error {}

const te = new TextEncoder();
const td = new TextDecoder('utf-8', { fatal: true });

class Reader {
  constructor(bytes, pos = 0, end = bytes.length) {
    this.b = bytes;
    this.p = pos;
    this.end = end;
  }
  byte() {
    if (this.p >= this.end) throw new LayoutError('wasm: unexpected end of section');
    return this.b[this.p++];
  }
  /** Unsigned LEB128 (up to 64 bits, returned as a Number: only used for counts and sizes). */
  uleb() {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const x = this.byte();
      result += (x & 0x7f) * mul;
      if (!(x & 0x80)) return result;
      mul *= 128;
    }
    throw new LayoutError('wasm: LEB128 too long');
  }
  /** Skips a signed LEB128 (heap type indices). */
  sleb() {
    for (let i = 0; i < 10; i++) if (!(this.byte() & 0x80)) return;
    throw new LayoutError('wasm: LEB128 too long');
  }
  name() {
    const n = this.uleb();
    if (this.p + n > this.end) throw new LayoutError('wasm: name past the end of its section');
    const s = td.decode(this.b.subarray(this.p, this.p + n));
    this.p += n;
    return s;
  }
}

function uleb(n) {
  const out = [];
  do {
    let x = n % 128;
    n = Math.floor(n / 128);
    if (n) x |= 0x80;
    out.push(x);
  } while (n);
  return out;
}

function encName(s) {
  const b = te.encode(s);
  return [...uleb(b.length), ...b];
}

function skipRefType(r) {
  const t = r.byte();
  if (t === 0x63 || t === 0x64) r.sleb(); // (ref null? heaptype)
}

function skipLimits(r) {
  const flags = r.byte();
  if (flags > 0x07) throw new LayoutError(`wasm: unknown limits flags 0x${flags.toString(16)}`);
  r.uleb();
  if (flags & 1) r.uleb();
}

/** Skips one import description (function, table, memory, global, tag), returning nothing. */
function skipImportDesc(r) {
  const kind = r.byte();
  switch (kind) {
    case 0x00: r.uleb(); break; // function: type index
    case 0x01: skipRefType(r); skipLimits(r); break; // table
    case 0x02: skipLimits(r); break; // memory
    case 0x03: skipRefType(r); r.byte(); break; // global: value type (ref types have an index), mutability
    case 0x04: r.byte(); r.uleb(); break; // tag
    default: throw new LayoutError(`wasm: unknown import kind 0x${kind.toString(16)}`);
  }
  return kind;
}

/** The module's sections, as { id, start, end } (content bounds). */
function sections(wasm) {
  if (wasm.length < 8 || wasm[0] !== 0 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d || wasm[4] !== 1) {
    throw new LayoutError('wasm: not a version-1 wasm module');
  }
  const out = [];
  const r = new Reader(wasm, 8);
  while (r.p < wasm.length) {
    const id = r.byte();
    const size = r.uleb();
    const start = r.p;
    if (start + size > wasm.length) throw new LayoutError(`wasm: section ${id} runs past the end`);
    out.push({ id, start, end: start + size });
    r.p = start + size;
  }
  return out;
}

/** Imports ({ module, name, kind }) and exports ({ name, kind, index }) of a module. */
export function listNames(wasm) {
  const imports = [];
  const exports = [];
  for (const s of sections(wasm)) {
    const r = new Reader(wasm, s.start, s.end);
    if (s.id === 2) {
      for (let n = r.uleb(); n > 0; n--) {
        const module = r.name();
        const name = r.name();
        imports.push({ module, name, kind: skipImportDesc(r) });
      }
    } else if (s.id === 7) {
      for (let n = r.uleb(); n > 0; n--) exports.push({ name: r.name(), kind: r.byte(), index: r.uleb() });
    }
  }
  return { imports, exports };
}

/** `a`, `b`, …, `Z`, `aa`, `ab`, …: valid JS identifiers, none a keyword (all are 1–2 letters and
 * the two-letter keywords `do`, `if`, `in` are skipped anyway, for readers of the glue). */
export function* shortNames() {
  const first = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const rest = `${first}0123456789_$`;
  for (const c of first) yield c;
  for (const c of first) for (const d of rest) if (!['do', 'if', 'in'].includes(c + d)) yield c + d;
  throw new LayoutError('wasm: more than 3,400 names');
}

/**
 * Renames every import (module and field) and export of `wasm`.
 * @returns {{ wasm: Uint8Array, module: { from: string, to: string }, imports: Map<string,string>, exports: Map<string,string> }}
 */
export function renameWasm(wasm, importModule = 'a') {
  const { imports, exports } = listNames(wasm);
  const modules = new Set(imports.map((i) => i.module));
  if (modules.size !== 1) throw new LayoutError(`wasm: expected one import module, found ${[...modules].map((m) => JSON.stringify(m)).join(', ')}`);
  const [fromModule] = modules;
  const importMap = new Map();
  let gen = shortNames();
  for (const i of imports) {
    if (importMap.has(i.name)) throw new LayoutError(`wasm: import ${i.name} appears twice`);
    importMap.set(i.name, gen.next().value);
  }
  const exportMap = new Map();
  gen = shortNames();
  for (const e of exports) exportMap.set(e.name, gen.next().value);

  const out = [...wasm.subarray(0, 8)];
  for (const s of sections(wasm)) {
    let body;
    if (s.id === 2 || s.id === 7) {
      const r = new Reader(wasm, s.start, s.end);
      const n = r.uleb();
      body = [...uleb(n)];
      for (let k = 0; k < n; k++) {
        if (s.id === 2) {
          r.name();
          const name = r.name();
          const descStart = r.p;
          skipImportDesc(r);
          body.push(...encName(importModule), ...encName(importMap.get(name)), ...wasm.subarray(descStart, r.p));
        } else {
          const name = r.name();
          const descStart = r.p;
          r.byte();
          r.uleb();
          body.push(...encName(exportMap.get(name)), ...wasm.subarray(descStart, r.p));
        }
      }
      if (r.p !== s.end) throw new LayoutError(`wasm: section ${s.id} has ${s.end - r.p} trailing bytes`);
    } else {
      body = wasm.subarray(s.start, s.end);
    }
    out.push(s.id, ...uleb(body.length));
    for (const b of body) out.push(b);
  }
  return { wasm: Uint8Array.from(out), module: { from: fromModule, to: importModule }, imports: importMap, exports: exportMap };
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Applies a renameWasm() result to one wasm-bindgen glue file (ESM or CommonJS, same layout).
 * @param {string} file for messages
 * @param {string} glue the text
 * @param {ReturnType<typeof renameWasm>} names
 */
export function renameGlue(file, glue, names) {
  const fail = (m) => {
    throw new LayoutError(`${file}: ${m}: the wasm-bindgen glue layout changed, update scripts/wasm-names.mjs`);
  };
  // The import object: `const import0 = {\n        __proto__: null,\n        <name>: function(…` …
  // `    return {\n        __proto__: null,\n        "<module>": import0,\n    };`
  const objStart = glue.indexOf('function __wbg_get_imports() {\n    const import0 = {\n        __proto__: null,\n');
  if (objStart < 0) fail('no `function __wbg_get_imports() { const import0 = { __proto__: null,`');
  const tail = `    return {\n        __proto__: null,\n        ${JSON.stringify(names.module.from)}: import0,\n    };\n}\n`;
  const objEnd = glue.indexOf(tail, objStart);
  if (objEnd < 0) fail(`__wbg_get_imports() does not end with \`return { __proto__: null, ${JSON.stringify(names.module.from)}: import0 }\``);
  let body = glue.slice(objStart, objEnd);
  const keys = [...body.matchAll(/^ {8}([A-Za-z_$][\w$]*): function\(/gm)].map((m) => m[1]);
  const wasmImports = [...names.imports.keys()];
  const missing = wasmImports.filter((n) => !keys.includes(n));
  const extra = keys.filter((k) => !names.imports.has(k));
  if (missing.length || extra.length || keys.length !== wasmImports.length) {
    fail(`the import object's keys differ from the wasm's imports (not in the glue: ${missing.join(', ') || 'none'}; not imported by the wasm: ${extra.join(', ') || 'none'})`);
  }
  body = body.replace(/^ {8}([A-Za-z_$][\w$]*): function\(/gm, (_, k) => `        ${names.imports.get(k)}: function(`);
  const newTail = `    return {\n        __proto__: null,\n        ${names.module.to}: import0,\n    };\n}\n`;
  let out = glue.slice(0, objStart) + body + newTail + glue.slice(objEnd + tail.length);

  // Exports: every `wasm.<name>` access.
  const accessed = new Set([...out.matchAll(/\bwasm\.([A-Za-z_$][\w$]*)/g)].map((m) => m[1]));
  const unknown = [...accessed].filter((n) => !names.exports.has(n));
  if (unknown.length) fail(`uses wasm.${unknown.join(', wasm.')}, not exported by the wasm`);
  out = out.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (_, n) => `wasm.${names.exports.get(n)}`);

  // No old name left: the import names are never JS identifiers; the exports that are also the
  // names of JS functions in the glue (signRequest, the closure shims' wrappers) are checked as
  // member accesses only (`wasm.x` is the one way the glue reaches an export).
  for (const old of wasmImports) if (new RegExp(`\\b${escapeRe(old)}\\b`).test(out)) fail(`import name ${old} is still mentioned after renaming`);
  if (out.includes(JSON.stringify(names.module.from))) fail(`the import module ${names.module.from} is still mentioned after renaming`);
  for (const m of out.matchAll(/\b(?:instance|wasmInstance)\.exports\.([\w$]+)/g)) fail(`reaches export ${m[1]} other than through \`wasm.\``);
  return out;
}
