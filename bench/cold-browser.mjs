// Cold start in headless Chromium (playwright-core from the root node_modules, the system
// /usr/bin/chromium): a fresh browser context (empty HTTP cache) per sample, pages served by a
// tiny node:http static server (application/wasm MIME, so instantiateStreaming is used).
//  - ours.init: performance.now() around `await init()` + the first signRequest (module already imported);
//  - ours.load: import('/pkg/web/index.js') + init() + first signRequest;
//  - embedded.load: import('/pkg/embedded/index.js') (the main entry, what bundlers give most
//    users: the wasm inside the JS, inflated and compiled synchronously) + the first signRequest;
//  - alioss.load: <script src=aliyun-oss-sdk.min.js> + new OSS + its first V4 authorization.
// JSON on stdout: {ours: [ms], oursLoad: [ms], embeddedLoad: [ms], aliossLoad: [ms]}.
// Usage: node bench/cold-browser.mjs [samples]

import http from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CREDS, BUCKET, REGION, TIME_MS, URL_, PKG_DIR } from './lib/common.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const require = createRequire(path.join(root, 'package.json'));
const { chromium } = require('playwright-core');

const samples = Number(process.argv[2] || 15);
const MIME = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const ARGS = { CREDS, BUCKET, REGION, TIME_MS, URL_ };

const pages = {
  '/ours.html': `<!doctype html><meta charset="utf-8"><title>ours</title><script type="module">
const A = ${JSON.stringify(ARGS)};
const t0 = performance.now();
const m = await import('/pkg/web/index.js');
const t1 = performance.now();
await m.default();
const h = m.signRequest({ method: 'GET', bucket: A.BUCKET, url: A.URL_ }, A.CREDS, { version: 'v4', region: A.REGION, time: A.TIME_MS });
const t2 = performance.now();
window.__result = { load: t2 - t0, init: t2 - t1, authorization: h.authorization };
</script>`,
  '/embedded.html': `<!doctype html><meta charset="utf-8"><title>ours, embedded</title><script type="module">
const A = ${JSON.stringify(ARGS)};
const t0 = performance.now();
const m = await import('/pkg/embedded/index.js');
const h = m.signRequest({ method: 'GET', bucket: A.BUCKET, url: A.URL_ }, A.CREDS, { version: 'v4', region: A.REGION, time: A.TIME_MS });
window.__result = { load: performance.now() - t0, authorization: h.authorization };
</script>`,
  '/alioss.html': `<!doctype html><meta charset="utf-8"><title>ali-oss</title><script>
const A = ${JSON.stringify(ARGS)};
const t0 = performance.now();
const s = document.createElement('script');
s.src = '/peer/aliyun-oss-sdk.min.js';
s.onload = () => {
  const client = new OSS({ region: 'oss-' + A.REGION, bucket: A.BUCKET, accessKeyId: A.CREDS.accessKeyId,
    accessKeySecret: A.CREDS.accessKeySecret, stsToken: A.CREDS.stsToken, refreshSTSTokenInterval: 300000, authorizationV4: true });
  const auth = client.authorizationV4('GET', { headers: { 'x-oss-date': '20240417T080000Z',
    'x-oss-content-sha256': 'UNSIGNED-PAYLOAD', 'x-oss-security-token': A.CREDS.stsToken }, queries: { replication: null } }, A.BUCKET);
  window.__result = { load: performance.now() - t0, authorization: auth };
};
document.head.appendChild(s);
</script>`,
};

const server = http.createServer(async (req, res) => {
  const p = new URL(req.url, 'http://x').pathname;
  try {
    let body, type;
    if (pages[p]) [body, type] = [pages[p], MIME['.html']];
    else if ((p.startsWith('/pkg/web/') || p.startsWith('/pkg/embedded/')) && !p.includes('..'))
      [body, type] = [await readFile(path.join(PKG_DIR, p.slice('/pkg/'.length))), MIME[path.extname(p)]];
    else if (p === '/peer/aliyun-oss-sdk.min.js')
      [body, type] = [await readFile(path.join(here, 'node_modules/ali-oss/dist/aliyun-oss-sdk.min.js')), MIME['.js']];
    else throw new Error('not found');
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
async function sample(page) {
  const context = await browser.newContext();
  try {
    const tab = await context.newPage();
    const errors = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(`${origin}${page}`);
    await tab.waitForFunction(() => window.__result, null, { timeout: 30000 }).catch(() => {
      throw new Error(`${page}: no result (${errors.join('; ')})`);
    });
    return await tab.evaluate(() => window.__result);
  } finally {
    await context.close();
  }
}
const out = { ours: [], oursLoad: [], embeddedLoad: [], aliossLoad: [] };
try {
  let expected;
  for (let i = 0; i < samples + 1; i++) {
    const pages = ['/ours.html', '/embedded.html', '/alioss.html'];
    for (const page of pages.slice(i % 3).concat(pages.slice(0, i % 3))) {
      const r = await sample(page);
      if (expected === undefined) expected = r.authorization;
      if (r.authorization !== expected || !expected.startsWith('OSS4-HMAC-SHA256 Credential=')) {
        console.error(`bench: sanity check failed: browser authorization differs: ${r.authorization} vs ${expected}`);
        process.exit(1);
      }
      if (i === 0) continue; // the first round warms the OS file cache and the browser process
      if (page === '/ours.html') {
        out.ours.push(r.init);
        out.oursLoad.push(r.load);
      } else if (page === '/embedded.html') out.embeddedLoad.push(r.load);
      else out.aliossLoad.push(r.load);
    }
  }
} finally {
  await browser.close();
  server.close();
}
process.stdout.write(JSON.stringify(out));
