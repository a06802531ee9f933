// Starts a private oss-emulator for the e2e run and talks to its control API. The emulator
// reports both addresses on stdout (port 0 is resolved), so no port is guessed.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { signRequest, ReplicationClient } from '../../pkg/node/index.mjs';

export const AK = 'LTAI5tE2eAccessKeyId';
export const SK = 'E2eAccessKeySecret0123456789';

/** Starts the emulator; resolves to { endpoint, www, stop(), log() }. */
export async function startEmulator(bin, args) {
  const child = spawn(bin, ['--listen', '127.0.0.1:0', '--access-key-id', AK, '--access-key-secret', SK, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const onData = (d) => {
    output += d;
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  // Never leave it behind, whatever happens to this process.
  process.on('exit', stop);
  const deadline = Date.now() + 15_000;
  while (!/serving www on http:\/\/\S+/.test(output)) {
    if (child.exitCode !== null) throw new Error(`oss-emulator exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      stop();
      throw new Error(`oss-emulator did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const endpoint = /listening on (http:\/\/[\d.:]+)/.exec(output)[1];
  const www = /serving www on (http:\/\/\S+)/.exec(output)[1];
  return {
    endpoint,
    www,
    log: () => output,
    stop: async () => {
      stop();
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    },
  };
}

/** The emulator's /_emulator/ control API. */
export function controls(endpoint) {
  const call = async (method, path, body) => {
    const r = await fetch(`${endpoint}/_emulator/${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} /_emulator/${path}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    arm: (fault) => call('POST', 'faults', fault),
    clearFaults: () => call('DELETE', 'faults'),
    shiftClock: (secs) => call('POST', 'clock', { offset_secs: secs }),
    resetClock: () => call('DELETE', 'clock'),
    buckets: async () => (await call('GET', 'buckets')).buckets,
    sts: (query = '') => call('GET', `sts${query}`),
    /** OSS requests the emulator received (not preflights), oldest first; `bucket` filters. */
    requests: async (bucket) => (await call('GET', `requests${bucket ? `?bucket=${encodeURIComponent(bucket)}` : ''}`)).requests.filter((r) => r.method !== 'OPTIONS'),
    clearRequests: () => call('DELETE', 'requests'),
  };
}

/** PutObject, signed V4 with the account key (the page never writes objects; the test does). */
export async function putObject(endpoint, bucket, region, key, body) {
  const url = `${endpoint}/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  const headers = signRequest(
    { method: 'PUT', bucket, url, headers: { 'content-type': 'text/plain' }, body },
    { accessKeyId: AK, accessKeySecret: SK },
    { version: 'v4', region, time: Date.now() },
  );
  const r = await fetch(url, { method: 'PUT', headers, body });
  if (r.status !== 200) throw new Error(`PutObject ${bucket}/${key}: ${r.status} ${await r.text()}`);
}

/** A Node client with the account key, for fixtures and for checking what the page did. */
export function adminClient(endpoint, bucket, region) {
  return new ReplicationClient({ bucket, region, endpoint, accessKeyId: AK, accessKeySecret: SK });
}
