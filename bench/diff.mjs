// `node bench/diff.mjs [N] [ROUNDS]`: diffReplication over N objects per side (default
// 100,000) against a fresh emulator, side by side with oss2 (ObjectIterator on both
// buckets + set difference) and plain JS (fetch + fast-xml-parser, whole listings in
// Maps). Each run is a fresh process: time, objects/s, peak RSS (and the idle process
// baseline). The buckets differ by 0.5% missing, 0.5% differing and 0.2% extra keys.
// Prints a markdown table; raw JSON on stderr.
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';

const N = Number(process.argv[2] ?? 100000);
const ROUNDS = Number(process.argv[3] ?? 1);
const AK = 'LTAI5tBenchDiffKey';
const SK = 'BenchDiffSecret0123456789';
const bin = process.env.OSS_EMULATOR_BIN ?? 'target/debug/oss-emulator';
const PY = '.venv/bin/python';
const PREFIX = 'data/';

const proc = spawn(bin, ['--listen', '127.0.0.1:0', '--access-key-id', AK, '--access-key-secret', SK, '--status-delay-ms', '100',
  '--bucket', 'bench-src:oss-cn-hangzhou', '--bucket', 'bench-dst:oss-cn-beijing'], { stdio: ['ignore', 'pipe', 'inherit'] });
const endpoint = await new Promise((resolve, reject) => {
  let out = '';
  proc.stdout.on('data', (d) => { out += d; const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/); if (m) resolve(m[1]); });
  proc.on('exit', (c) => reject(new Error(`emulator exited ${c}`)));
});
process.on('exit', () => proc.kill());

function put(bucket, key, body) {
  const date = new Date().toUTCString();
  const sts = `PUT\n\napplication/octet-stream\n${date}\nx-oss-date:${date}\n/${bucket}/${key}`;
  const sig = createHmac('sha1', SK).update(sts).digest('base64');
  return fetch(`${endpoint}/${bucket}/${key}`, { method: 'PUT', body,
    headers: { 'content-type': 'application/octet-stream', 'x-oss-date': date, authorization: `OSS ${AK}:${sig}` } })
    .then(async (r) => { if (!r.ok) throw new Error(`PUT ${key}: ${r.status} ${await r.text()}`); });
}

async function pool(jobs, width = 64) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => { while (next < jobs.length) await jobs[next++](); }));
}

const key = (i) => `${PREFIX}${String(i).padStart(7, '0')}`;
const t0 = performance.now();
const jobs = [];
let expected = { missing: 0, differing: 0, extra: 0 };
for (let i = 0; i < N; i++) {
  jobs.push(() => put('bench-src', key(i), `object ${i}`));
  if (i % 200 === 7) { expected.missing++; continue; }
  if (i % 200 === 11) { expected.differing++; jobs.push(() => put('bench-dst', key(i), `changed ${i}`)); continue; }
  jobs.push(() => put('bench-dst', key(i), `object ${i}`));
}
for (let i = 0; i < Math.floor(N / 500); i++) { expected.extra++; jobs.push(() => put('bench-dst', `${PREFIX}x${String(i).padStart(6, '0')}`, 'extra')); }
await pool(jobs);
console.error(`bench diff: wrote ${jobs.length} objects in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const { ReplicationClient } = await import(`${process.env.BENCH_PKG_DIR ?? '../pkg'}/node/index.mjs`);
const c = new ReplicationClient({ bucket: 'bench-src', region: 'cn-hangzhou', endpoint, accessKeyId: AK, accessKeySecret: SK });
// History off and created after the writes: nothing is copied, the listings stay as written.
const { ruleId } = await c.putBucketReplication({ destination: { bucket: 'bench-dst', location: 'oss-cn-beijing', transferType: 'oss_acc' }, prefixes: [PREFIX], historicalObjectReplication: false });
await c.waitForRule(ruleId, 'doing', { timeoutMs: 10000, pollMs: 50 });
await new Promise((r) => setTimeout(r, 1500)); // NewObject passes the last write

const args = [endpoint, AK, SK, 'bench-src', 'bench-dst'];
const run = (cmd, argv) => JSON.parse(execFileSync(cmd, argv, { cwd: new URL('.', import.meta.url).pathname, encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split('\n').at(-1));
const peers = {
  'oss-replication diffReplication': () => run('node', ['diff-child.mjs', 'ours', ...args, ruleId, PREFIX]),
  'plain JS (fetch + fast-xml-parser)': () => run('node', ['diff-child.mjs', 'plain', ...args, ruleId, PREFIX]),
  'oss2 ObjectIterator + sets': () => run(`../${PY}`, ['diff_oss2.py', ...args, PREFIX]),
};
const idle = { node: run('node', ['diff-child.mjs', 'idle', ...args, ruleId, PREFIX]).maxRssKb,
  python: JSON.parse(execFileSync(PY, ['-c', 'import json,resource,oss2;print(json.dumps(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))'], { encoding: 'utf8' })) };
const results = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, f] of Object.entries(peers)) (results[name] ??= []).push(f());
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.error(JSON.stringify({ n: N, expected, idle, results }));
const ours = median(results['oss-replication diffReplication'].map((x) => x.seconds));
console.log(`### diffReplication over ${N.toLocaleString('en')} objects per side (emulator, ${ROUNDS} round${ROUNDS > 1 ? 's' : ''}, median)\n`);
console.log('| | time | objects/s | peak RSS (idle process) | found missing / differing / extra | time vs ours |');
console.log('|---|---|---|---|---|---|');
for (const [name, runs] of Object.entries(results)) {
  const s = median(runs.map((x) => x.seconds));
  const last = runs.at(-1);
  const base = name.startsWith('oss2') ? idle.python : idle.node;
  const ok = last.missing === expected.missing && last.differing === expected.differing && last.extra === expected.extra;
  console.log(`| ${name} | ${s.toFixed(2)} s | ${Math.round(last.scanned / s).toLocaleString('en')} | ${(median(runs.map((x) => x.maxRssKb)) / 1024).toFixed(0)} MB (${(base / 1024).toFixed(0)} MB) | ${last.missing} / ${last.differing} / ${last.extra}${ok ? '' : ' (WRONG)'} | ${(s / ours).toFixed(2)}x |`);
}
console.log(`\nExpected ${expected.missing} / ${expected.differing} / ${expected.extra}. The wasm heap of ours ended at ${results['oss-replication diffReplication'].at(-1).wasmMb} MB.`);
proc.kill();
process.exit(0);
