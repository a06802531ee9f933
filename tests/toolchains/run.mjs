// The toolchain matrix (`make test-toolchains`): `npm pack pkg`, install the tarball into fresh
// fixture projects (tests/toolchains/.work/<setup>), build/run each with a real toolchain
// (versions pinned in tests/toolchains/package-lock.json), load every page in headless Chromium
// and call all six methods against the emulator (fixtures/shared/exercise.js) with no console
// error. The fixtures import 'oss-replication' and nothing else: no init, no wasm path, no
// bundler config. One setup at a time; prints a table (setup, result, bundle JS+wasm gzip) and
// exits non-zero on any failure. Needs OSS_TEST_ENDPOINT/AK/SK (scripts/with-emulator.sh).
// Options: --only a,b (setups), PKG_TARBALL=<file> (test another build, e.g. an older one),
// WITH_INIT=1 (fixtures call `await init()` first, as the 0.1 README said).
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const work = path.join(here, '.work');
const bin = (name) => path.join(here, 'node_modules/.bin', name);
const fixtures = path.join(here, 'fixtures');
const env = { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', BROWSERSLIST_IGNORE_OLD_DATA: '1', DO_NOT_TRACK: '1' };
for (const k of ['OSS_TEST_ENDPOINT', 'OSS_TEST_AK', 'OSS_TEST_SK']) {
  if (!env[k]) { console.error(`toolchains: ${k} is not set (run under scripts/with-emulator.sh)`); process.exit(2); }
}
const only = (() => { const i = process.argv.indexOf('--only'); return i > 0 ? process.argv[i + 1].split(',') : null; })();

// --- tools: npm ci when the lock file changed (as bench/run.sh does).
if (!existsSync(path.join(here, 'node_modules/.lock-copy')) || readFileSync(path.join(here, 'package-lock.json'), 'utf8') !== readFileSync(path.join(here, 'node_modules/.lock-copy'), 'utf8')) {
  // npm install, not npm ci: npm 11 leaves Vite 8's Windows-only optional dependency out of the lock
  // file and then refuses `npm ci`; with the lock present, install still takes its exact versions.
  console.log('toolchains: npm install (versions from tests/toolchains/package-lock.json)');
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund'], { cwd: here, stdio: 'inherit' });
  cpSync(path.join(here, 'package-lock.json'), path.join(here, 'node_modules/.lock-copy'));
}

// --- the package as users get it.
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
let tarball = process.env.PKG_TARBALL;
if (!tarball) {
  const name = execFileSync('npm', ['pack', '--silent', '--pack-destination', work, path.join(root, 'pkg')], { encoding: 'utf8' }).trim().split('\n').pop();
  tarball = path.join(work, name);
}
writeFileSync(path.join(work, 'package.json'), JSON.stringify({ name: 'toolchain-fixtures', private: true }));
execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--silent', path.resolve(tarball)], { cwd: work, stdio: 'inherit' });

// --- helpers
function run(cmd, args, cwd, { timeout = 180_000, extraEnv = {} } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => { p.kill('SIGKILL'); reject(new Error(`${cmd} ${args.join(' ')}: timed out\n${tail(out)}`)); }, timeout);
    p.on('close', (code) => { clearTimeout(timer); code === 0 ? resolve(out) : reject(new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${code}\n${tail(out)}`)); });
  });
}
const tail = (s) => s.trim().split('\n').slice(-25).join('\n');

/** A long-running server (dev server, preview, wrangler dev): resolves once `ready` matches its output. */
function serve(cmd, args, cwd, ready, { extraEnv = {} } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    const stop = () => { try { process.kill(-p.pid, 'SIGKILL'); } catch {} };
    const timer = setTimeout(() => { stop(); reject(new Error(`${cmd}: not ready in 90 s\n${tail(out)}`)); }, 90_000);
    const on = (d) => { out += d; if (ready.test(out.replace(/\x1b\[[0-9;]*m/g, ''))) { clearTimeout(timer); resolve({ stop, output: () => out }); } };
    p.stdout.on('data', on);
    p.stderr.on('data', on);
    p.on('close', (code) => { clearTimeout(timer); reject(new Error(`${cmd} exited ${code}\n${tail(out)}`)); });
  });
}

/** A port nothing listens on now (the OS picks it), for a dev server or wrangler. */
function port() {
  return new Promise((resolve, reject) => {
    const s = http.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port: p } = s.address(); s.close(() => resolve(p)); });
  });
}

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css' };
function staticServer(dir) {
  return new Promise((resolve) => {
    const s = http.createServer((req, res) => {
      const p = path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
      const f = existsSync(p) && statSync(p).isDirectory() ? path.join(p, 'index.html') : p;
      if (!f.startsWith(dir) || !existsSync(f)) { res.writeHead(404).end('not found'); return; }
      res.writeHead(200, { 'content-type': MIME[path.extname(f)] ?? 'application/octet-stream' }).end(readFileSync(f));
    });
    s.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${s.address().port}/`, stop: () => s.close() }));
  });
}

/** gzip -9 of the given files (each as a server sends it). */
function filesSize(dir, files) {
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const b = readFileSync(path.join(dir, f));
    raw += b.length;
    gzip += zlib.gzipSync(b, { level: 9 }).length;
  }
  return { raw, gzip };
}

/** gzip -9 of every .js/.mjs/.cjs/.wasm a bundler emitted. */
function bundleSize(dir) {
  let raw = 0;
  let gzip = 0;
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(m?js|cjs|wasm)$/.test(e.name)) {
        const b = readFileSync(p);
        raw += b.length;
        gzip += zlib.gzipSync(b, { level: 9 }).length;
      }
    }
  };
  walk(dir);
  return { raw, gzip };
}

let browser;
async function openPage(url, setup, worker) {
  if (!browser) {
    const { chromium } = await import(path.join(root, 'node_modules/playwright-core/index.mjs'));
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    // Chromium logs every HTTP error answer; the emulator's 404 (no rules) and 403 (the wrong-secret
    // check) are expected answers the library turns into results and OssErrors.
    const from = m.location()?.url ?? '';
    if (/^Failed to load resource: the server responded with a status of (403|404)/.test(m.text()) && (from.startsWith(env.OSS_TEST_ENDPOINT) || from.endsWith('/favicon.ico'))) return;
    errors.push(`console.${m.type()}: ${m.text()} (${from})`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  // The page's own bundle: JS and wasm it loads from the app server before its first OSS request
  // (the worker's copy is loaded later).
  const loaded = new Set();
  let calling = false;
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (r.url().startsWith(env.OSS_TEST_ENDPOINT)) calling = true;
    else if (!calling && u.origin === new URL(url).origin && /\.(m?js|wasm)$/.test(u.pathname)) loaded.add(decodeURIComponent(u.pathname));
  });
  const params = { endpoint: env.OSS_TEST_ENDPOINT, accessKeyId: env.OSS_TEST_AK, accessKeySecret: env.OSS_TEST_SK, setup, worker };
  await page.addInitScript((p) => { window.__params = p; }, params);
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.__result, null, { timeout: 60_000 }).catch(() => {});
    const result = await page.evaluate(() => window.__result);
    if (!result) throw new Error(`no result in 60 s${errors.length ? `\n${errors.join('\n')}` : ''}`);
    if (!result.ok) throw new Error(`${result.error}${errors.length ? `\n${errors.join('\n')}` : ''}`);
    if (errors.length) throw new Error(`console errors:\n${errors.join('\n')}`);
    return { result: result.result.join('; '), loaded: [...loaded] };
  } finally {
    await context.close();
  }
}

/** A fresh fixture project: the fixture folder plus the shared exercise (ESM and a CommonJS copy). */
function fixture(setup, from) {
  const dir = path.join(work, setup);
  cpSync(path.join(fixtures, from), dir, { recursive: true });
  let ex = readFileSync(path.join(fixtures, 'shared/exercise.js'), 'utf8');
  // WITH_INIT=1: the 0.1 README's way (`await init()` first), to compare an older package fairly.
  if (env.WITH_INIT === '1') {
    ex = ex.replace("from 'oss-replication';", "from 'oss-replication';\nimport init from 'oss-replication';")
      .replace(/(export async function exercise\([^)]*\) \{)/, '$1\n  await init();');
  }
  writeFileSync(path.join(dir, 'exercise.js'), ex);
  writeFileSync(path.join(dir, 'exercise.cjs'), ex
    .replace("import { ReplicationClient, signRequest, validateRule, OssError } from 'oss-replication';", "const { ReplicationClient, signRequest, validateRule, OssError } = require('oss-replication');")
    .replace("import init from 'oss-replication';", "const { init } = require('oss-replication');")
    .replace('export async function exercise', 'exports.exercise = async function exercise'));
  return dir;
}

const vite = { vite8: path.join(here, 'node_modules/vite/bin/vite.js'), vite6: path.join(here, 'node_modules/vite6/bin/vite.js') };
const node = process.execPath;
const deno = path.join(root, 'node_modules/.bin/deno');
const bun = path.join(root, 'node_modules/.bin/bun');
const tsc5 = bin('tsc');
const tsc7 = path.join(root, 'node_modules/.bin/tsc');

const setups = [];
const add = (name, fn) => setups.push({ name, fn });

for (const v of ['vite8', 'vite6']) {
  add(`${v} build+preview (page, worker)`, async () => {
    const dir = fixture(`${v}-build`, 'web');
    await run(node, [vite[v], 'build'], dir);
    const p = await port();
    const srv = await serve(node, [vite[v], 'preview', '--port', String(p), '--strictPort', '--host', '127.0.0.1'], dir, /Local:/);
    try {
      const r = await openPage(`http://127.0.0.1:${p}/`, `${v}-build`, true);
      return { result: r.result, size: filesSize(path.join(dir, 'dist'), r.loaded) };
    } finally { srv.stop(); }
  });
  add(`${v} dev (page, worker)`, async () => {
    const dir = fixture(`${v}-dev`, 'web');
    const p = await port();
    const srv = await serve(node, [vite[v], '--port', String(p), '--strictPort', '--host', '127.0.0.1'], dir, /Local:/);
    try {
      return { result: (await openPage(`http://127.0.0.1:${p}/`, `${v}-dev`, true)).result };
    } finally { srv.stop(); }
  });
}

async function page(setup, dir, distDir, worker = false) {
  const srv = await staticServer(distDir);
  try {
    const r = await openPage(srv.url, setup, worker);
    return { result: r.result, size: filesSize(distDir, r.loaded) };
  } finally { srv.stop(); }
}
const classicHtml = (dir, script) => writeFileSync(path.join(dir, 'dist/index.html'), `<!doctype html><meta charset="utf-8"><body><script src="${script}"></script>`);
const moduleHtml = (dir, script) => writeFileSync(path.join(dir, 'dist/index.html'), `<!doctype html><meta charset="utf-8"><body><script type="module" src="${script}"></script>`);

add('webpack 5 (page, worker)', async () => {
  const dir = fixture('webpack', 'web');
  await run(bin('webpack'), ['./main.js', '--mode', 'production', '-o', 'dist'], dir);
  classicHtml(dir, 'main.js');
  return page('webpack', dir, path.join(dir, 'dist'), true);
});
// The separate-file entry, for the embedded-vs-separate size comparison (page only: the user's
// own top-level `await init()` is needed here).
for (const [name, build] of [
  ['webpack 5 + oss-replication/web (separate wasm, await init())', (dir) => run(bin('webpack'), ['./main.js', '--mode', 'production', '-o', 'dist'], dir)],
  ['vite8 build + oss-replication/web (separate wasm, await init())', (dir) => run(node, [vite.vite8, 'build'], dir)],
]) {
  add(name, async () => {
    const setup = name.startsWith('webpack') ? 'webpack-web' : 'vite8-web';
    const dir = fixture(setup, 'web');
    const ex = path.join(dir, 'exercise.js');
    writeFileSync(ex, readFileSync(ex, 'utf8')
      .replace("from 'oss-replication';", "from 'oss-replication/web';\nimport init from 'oss-replication/web';")
      .replace(/(export async function exercise\([^)]*\) \{)/, '$1\n  await init();'));
    await build(dir);
    if (setup === 'webpack-web') classicHtml(dir, 'main.js');
    return page(setup, dir, path.join(dir, 'dist'), false);
  });
}
add('esbuild --bundle (browser)', async () => {
  const dir = fixture('esbuild', 'web');
  await run(bin('esbuild'), ['main.js', '--bundle', '--minify', '--outfile=dist/main.js'], dir);
  classicHtml(dir, 'main.js');
  return page('esbuild', dir, path.join(dir, 'dist'));
});
add('foreign realm: iframe fetch, thenable, Response-like (esbuild page)', async () => {
  const dir = fixture('realm', 'realm');
  await run(bin('esbuild'), ['main.js', '--bundle', '--outfile=dist/main.js'], dir);
  classicHtml(dir, 'main.js');
  return page('realm', dir, path.join(dir, 'dist'));
});
add('Rollup + node-resolve', async () => {
  const dir = fixture('rollup', 'web');
  await run(bin('rollup'), ['main.js', '-p', 'node-resolve', '-f', 'es', '-o', 'dist/main.js'], dir);
  moduleHtml(dir, 'main.js');
  return page('rollup', dir, path.join(dir, 'dist'));
});
add('bun build --target=browser', async () => {
  const dir = fixture('bun-build', 'web');
  await run(bun, ['build', 'main.js', '--target=browser', '--minify', '--outdir=dist'], dir);
  moduleHtml(dir, 'main.js');
  return page('bun-build', dir, path.join(dir, 'dist'));
});
add('esbuild --platform=node (cjs, esm)', async () => {
  const dir = fixture('esbuild-node', 'node');
  await run(bin('esbuild'), ['app.cjs', '--bundle', '--platform=node', '--outfile=dist/app.cjs'], dir);
  await run(bin('esbuild'), ['app.mjs', '--bundle', '--platform=node', '--format=esm', '--outfile=dist/app.mjs'], dir);
  // Run from elsewhere: a bundle must not need files next to it or node_modules.
  const out = path.join(work, 'esbuild-node-out');
  cpSync(path.join(dir, 'dist'), out, { recursive: true });
  const r1 = await run(node, ['app.cjs'], out, { extraEnv: { SETUP: 'esbuild-node-cjs' } });
  const r2 = await run(node, ['app.mjs'], out, { extraEnv: { SETUP: 'esbuild-node-esm' } });
  const size = bundleSize(out);
  return { result: `${r1.trim()}; ${r2.trim()}`, size: { raw: size.raw / 2, gzip: size.gzip / 2 } };
});
add('Node ESM', async () => {
  const dir = fixture('node-esm', 'node');
  return { result: (await run(node, ['app.mjs'], dir, { extraEnv: { SETUP: 'node-esm' } })).trim() };
});
add('Node CommonJS', async () => {
  const dir = fixture('node-cjs', 'node');
  return { result: (await run(node, ['app.cjs'], dir, { extraEnv: { SETUP: 'node-cjs' } })).trim() };
});
add('Bun (runtime)', async () => {
  const dir = fixture('bun', 'node');
  return { result: (await run(bun, ['app.mjs'], dir, { extraEnv: { SETUP: 'bun' } })).trim() };
});
add('Jest 30 + Babel', async () => {
  const dir = fixture('jest', 'jest');
  const out = await run(node, [path.join(here, 'node_modules/jest/bin/jest.js'), '--ci', '--rootDir', dir], dir);
  return { result: out.match(/Tests:.*/)?.[0] ?? 'passed' };
});
add('Vitest (node and happy-dom environments)', async () => {
  const dir = fixture('vitest', 'vitest');
  const out = await run(bin('vitest'), ['run', '--root', dir], dir);
  return { result: out.replace(/\x1b\[[0-9;]*m/g, '').match(/Tests\s+.*/)?.[0] ?? 'passed' };
});
// Deno gets the emulator's address as a JSON module: reading env would need --allow-env.
const denoParams = (dir, label) => writeFileSync(path.join(dir, 'params.json'),
  JSON.stringify({ endpoint: env.OSS_TEST_ENDPOINT, accessKeyId: env.OSS_TEST_AK, accessKeySecret: env.OSS_TEST_SK, label }));
add('Deno (bare specifier, --allow-net)', async () => {
  const dir = fixture('deno-bare', 'deno');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module', dependencies: { 'oss-replication': '*' } }));
  denoParams(dir, 'deno-bare');
  return { result: (await run(deno, ['run', '--allow-net', 'bare.js'], dir, { extraEnv: { DENO_NO_UPDATE_CHECK: '1' } })).trim() };
});
add('Deno (npm: specifier, --allow-net)', async () => {
  const dir = fixture('deno-npm', 'deno');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module', dependencies: { 'oss-replication': '*' } }));
  denoParams(dir, 'deno-npm');
  writeFileSync(path.join(dir, 'exercise.js'), readFileSync(path.join(dir, 'exercise.js'), 'utf8').replace("from 'oss-replication'", "from 'npm:oss-replication'"));
  return { result: (await run(deno, ['run', '--allow-net', 'bare.js'], dir, { extraEnv: { DENO_NO_UPDATE_CHECK: '1' } })).trim() };
});
for (const [name, from, main] of [['wrangler dev (JS Worker)', 'wrangler', 'worker.js'], ['wrangler dev (TypeScript Worker)', 'wrangler-ts', 'worker.ts']]) {
  add(name, async () => {
    const dir = fixture(from, from);
    if (main.endsWith('.ts')) await run(tsc5, ['-p', 'tsconfig.json'], dir);
    const p = await port();
    const vars = ['OSS_TEST_ENDPOINT', 'OSS_TEST_AK', 'OSS_TEST_SK'].flatMap((k) => ['--var', `${k}:${env[k]}`]);
    const srv = await serve(bin('wrangler'), ['dev', '--ip', '127.0.0.1', '--port', String(p), '--inspector-port', String(await port()), ...vars], dir, /Ready on/,
      { extraEnv: { XDG_CONFIG_HOME: path.join(work, '.config'), CI: '1' } });
    try {
      const r = await (await fetch(`http://127.0.0.1:${p}/`)).json();
      if (!r.ok) throw new Error(r.error);
      await run(bin('wrangler'), ['deploy', '--dry-run', '--outdir', 'dist'], dir, { extraEnv: { XDG_CONFIG_HOME: path.join(work, '.config'), CI: '1' } });
      return { result: r.result, size: bundleSize(path.join(dir, 'dist')) };
    } finally { srv.stop(); }
  });
}
add('publint + attw (the packed tarball)', async () => {
  const a = await run(bin('publint'), ['run', path.resolve(tarball), '--strict'], work);
  if (!/All good/.test(a)) throw new Error(a);
  const b = await run(bin('attw'), [path.resolve(tarball)], work);
  if (!/No problems found/.test(b)) throw new Error(b);
  return { result: 'publint: all good; attw: no problems' };
});
for (const [tsName, tsc] of [['TypeScript 5.9', tsc5], ['TypeScript 7', tsc7]]) {
  add(`${tsName}: node16, nodenext, bundler, exactOptionalPropertyTypes, commonjs+esModuleInterop (run)`, async () => {
    const dir = fixture(`ts-${tsName.split(' ')[1]}`, 'ts');
    // Type roots: @types/node from the toolchains folder.
    for (const cfg of ['node16', 'nodenext', 'bundler', 'exact']) {
      await run(tsc, ['-p', `tsconfig.${cfg}.json`, '--typeRoots', path.join(here, 'node_modules/@types')], dir);
    }
    await run(tsc, ['-p', 'tsconfig.commonjs.json', '--typeRoots', path.join(here, 'node_modules/@types')], dir);
    writeFileSync(path.join(dir, 'out/package.json'), '{ "type": "commonjs" }');
    return { result: `5 configs type-check; ${(await run(node, ['out/run.js'], dir)).trim()}` };
  });
}

// --- run one at a time, then the table.
const rows = [];
for (const s of setups) {
  if (only && !only.some((o) => s.name.toLowerCase().includes(o.toLowerCase()))) continue;
  const t0 = Date.now();
  process.stdout.write(`toolchains: ${s.name} ... `);
  try {
    const r = await s.fn();
    rows.push({ name: s.name, ok: true, size: r.size, secs: (Date.now() - t0) / 1000, note: r.result });
    console.log(`ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  } catch (e) {
    rows.push({ name: s.name, ok: false, secs: (Date.now() - t0) / 1000, note: String(e.message) });
    console.log(`FAIL\n${String(e.message).split('\n').map((l) => `    ${l}`).join('\n')}`);
  }
}
await browser?.close();

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('\n| setup | result | page bundle JS+wasm (gzip -9) | time |\n|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.name} | ${r.ok ? 'pass' : 'FAIL'} | ${r.size ? `${kb(r.size.gzip)} (raw ${kb(r.size.raw)})` : '-'} | ${r.secs.toFixed(0)} s |`);
}
const failed = rows.filter((r) => !r.ok);
console.log(`\ntoolchains: ${rows.length - failed.length}/${rows.length} setups pass`);
if (failed.length) {
  console.log(`failed: ${failed.map((r) => `${r.name}: ${r.note.split('\n')[0]}`).join('\n        ')}`);
  process.exit(1);
}
