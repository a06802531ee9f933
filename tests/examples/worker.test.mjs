// examples/worker/worker.mjs in real workerd (npm), against oss-emulator on loopback.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

const endpoint = process.env.OSS_TEST_ENDPOINT;

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

test('the Worker serves its JSON API over the package', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'worker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync('examples/worker/worker.mjs', join(dir, 'worker.mjs'));
  cpSync('pkg/web/index.js', join(dir, 'index.js'));
  cpSync('pkg/web/oss_replication.js', join(dir, 'oss_replication.js'));
  cpSync('pkg/web/facade.js', join(dir, 'facade.js'));
  cpSync('pkg/web/oss_replication_bg.wasm', join(dir, 'oss_replication_bg.wasm'));
  const port = await freePort();
  const text = (s) => JSON.stringify(s);
  writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .worker),
    # workerd refuses loopback by default; the emulator is on 127.0.0.1.
    (name = "internet", network = (allow = ["public", "local"])),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "oss-replication", esModule = embed "index.js"),
    (name = "oss_replication.js", esModule = embed "oss_replication.js"),
    (name = "facade.js", esModule = embed "facade.js"),
    (name = "oss-replication/oss_replication_bg.wasm", wasm = embed "oss_replication_bg.wasm"),
  ],
  compatibilityDate = "2024-09-23",
  globalOutbound = "internet",
  bindings = [
    (name = "OSS_BUCKET", text = ${text('src-worker')}),
    (name = "OSS_REGION", text = ${text('cn-hangzhou')}),
    (name = "OSS_ENDPOINT", text = ${text(endpoint)}),
    (name = "OSS_ACCESS_KEY_ID", text = ${text(process.env.OSS_TEST_AK)}),
    (name = "OSS_ACCESS_KEY_SECRET", text = ${text(process.env.OSS_TEST_SK)}),
  ],
);
`);
  const proc = spawn('node_modules/.bin/workerd', ['serve', join(dir, 'config.capnp')], { stdio: ['ignore', 'inherit', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  t.after(() => proc.kill());
  const base = `http://127.0.0.1:${port}`;
  let up = false;
  for (let i = 0; i < 100 && !up; i++) {
    up = await fetch(`${base}/locations`).then(() => true, () => false);
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(up, `workerd did not start: ${stderr}`);

  const locations = await (await fetch(`${base}/locations`)).json();
  assert.ok(locations.locations.includes('oss-cn-beijing'), JSON.stringify(locations));

  const created = await fetch(`${base}/rules`, { method: 'POST', body: JSON.stringify({ destination: { bucket: 'dst-hongkong', location: 'oss-cn-hongkong', transferType: 'oss_acc' }, prefixes: ['w/'] }) });
  assert.equal(created.status, 201);
  const { ruleId } = await created.json();
  const rules = await (await fetch(`${base}/rules`)).json();
  assert.ok(rules.rules.some((r) => r.id === ruleId && r.prefixes[0] === 'w/'));
  const progress = await (await fetch(`${base}/rules/${ruleId}/progress`)).json();
  assert.equal(progress.rule.id, ruleId);

  const bad = await fetch(`${base}/rules`, { method: 'POST', body: JSON.stringify({ destination: { bucket: 'dst-hongkong', location: 'hongkong' } }) });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error, 'InvalidArgument');

  const missing = await fetch(`${base}/rules/nope/progress`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error, 'NoSuchReplicationRule');

  assert.equal((await fetch(`${base}/rules/${ruleId}`, { method: 'DELETE' })).status, 200);
});
