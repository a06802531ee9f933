// Shared by the reliability tests: the emulator from scripts/with-emulator.sh and its control API.
import { ReplicationClient } from '../../pkg/node/index.mjs';

export const endpoint = process.env.OSS_TEST_ENDPOINT;
if (!endpoint) throw new Error('run through scripts/with-emulator.sh (make test-reliability)');

export function client(extra = {}) {
  return new ReplicationClient({
    bucket: 'src-rel',
    region: 'cn-hangzhou',
    endpoint,
    accessKeyId: process.env.OSS_TEST_AK,
    accessKeySecret: process.env.OSS_TEST_SK,
    ...extra,
  });
}

export async function control(method, path, body) {
  const r = await fetch(`${endpoint}/_emulator/${path}`, { method, body: body && JSON.stringify(body) });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

export const arm = (fault) => control('POST', 'faults', fault);
export const clearFaults = () => control('DELETE', 'faults');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Deletes every rule of `bucket` and waits until they are gone. */
export async function clean(c) {
  for (const r of (await c.getBucketReplication()).rules) {
    if (r.status !== 'closing') await c.deleteBucketReplication(r.id);
  }
  for (let i = 0; i < 50 && (await c.getBucketReplication()).rules.length > 0; i++) await sleep(100);
}
