// `make test-size`: fails when the browser entry (pkg/web/index.js + oss_replication.js +
// oss_replication_bg.wasm, each gzip -9 as served) outgrows the budget in bench/size-budget.json.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { BROWSER_ENTRY, ROOT, measureFiles } from './lib/sizes.mjs';

const budgetFile = path.join(ROOT, 'bench/size-budget.json');
const budget = JSON.parse(readFileSync(budgetFile, 'utf8'));
const pkg = path.join(ROOT, 'pkg');
const missing = BROWSER_ENTRY.filter((f) => !existsSync(path.join(pkg, f)));
if (missing.length) {
  console.error(`size budget: missing ${missing.map((f) => `pkg/${f}`).join(', ')}: run \`make build\` first`);
  process.exit(1);
}
const size = measureFiles(BROWSER_ENTRY, pkg);
for (const [f, m] of Object.entries(size.files)) {
  console.log(`  ${`pkg/${f}`.padEnd(32)} raw ${String(m.raw).padStart(7)}  gzip ${String(m.gzip).padStart(7)}  brotli ${String(m.brotli).padStart(7)}`);
}
const limit = budget.gzipBytes;
const line = `browser entry: ${size.raw} B raw, ${size.gzip} B gzip, ${size.brotli} B brotli; gzip budget ${limit} B`;
if (size.gzip > limit) {
  console.error(`${line}\nsize budget: FAIL: the browser entry is ${size.gzip - limit} B (gzip) over the budget in bench/size-budget.json.`);
  console.error('Shrink it (twiggy top on a `wasm-bindgen --keep-debug` build shows where the bytes are), or, if the growth is deliberate, raise gzipBytes there and say why in the commit.');
  process.exit(1);
}
console.log(`${line}: ok (${limit - size.gzip} B headroom)`);
const proposed = Math.ceil(size.gzip * 1.05);
if (proposed <= limit - 1000) {
  console.log(`size budget: the entry has shrunk since the budget was set; lower gzipBytes to ${proposed} (today's size + 5%).`);
}
