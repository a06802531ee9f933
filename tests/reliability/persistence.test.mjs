// kill -9 and restart with --data-dir: every acknowledged rule survives.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplicationClient } from '../../pkg/node/index.mjs';

const bin = process.env.OSS_EMULATOR_BIN ?? 'target/debug/oss-emulator';
const regions = ['oss-cn-beijing', 'oss-cn-shanghai', 'oss-cn-hongkong', 'oss-us-west-1', 'oss-ap-southeast-1'];

function start(dataDir) {
  const args = ['--listen', '127.0.0.1:0', '--data-dir', dataDir, '--access-key-id', 'AK', '--access-key-secret', 'SK', '--bucket', 'durable-src:oss-cn-hangzhou'];
  regions.forEach((r, i) => args.push('--bucket', `durable-dst-${i}:${r}`));
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve({ proc, endpoint: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`emulator exited ${code}: ${out}`)));
  });
}

test('no acknowledged rule is lost to kill -9', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'oss-durable-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const first = await start(dir);
  const opts = (endpoint) => ({ bucket: 'durable-src', region: 'cn-hangzhou', endpoint, accessKeyId: 'AK', accessKeySecret: 'SK' });
  const c1 = new ReplicationClient(opts(first.endpoint));
  const acked = [];
  for (let i = 0; i < regions.length; i++) {
    acked.push((await c1.putBucketReplication({ destination: { bucket: `durable-dst-${i}`, location: regions[i], transferType: 'oss_acc' }, prefixes: [`p${i}/`] })).ruleId);
  }
  first.proc.kill('SIGKILL'); // right after the last acknowledgement
  await new Promise((r) => first.proc.once('exit', r));

  const second = await start(dir);
  t.after(() => second.proc.kill('SIGKILL'));
  const c2 = new ReplicationClient(opts(second.endpoint));
  const ids = (await c2.getBucketReplication()).rules.map((r) => r.id).sort();
  assert.deepEqual(ids, [...acked].sort());
});
