// examples/node/replication.mjs run as a user would, against oss-emulator.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const endpoint = process.env.OSS_TEST_ENDPOINT;
const env = { ...process.env, OSS_ACCESS_KEY_ID: process.env.OSS_TEST_AK, OSS_ACCESS_KEY_SECRET: process.env.OSS_TEST_SK };
const cli = (args, extraEnv = {}) =>
  run('node', ['examples/node/replication.mjs', '--endpoint', endpoint, '--region', 'cn-hangzhou', '--bucket', 'src-cli', ...args], { env: { ...env, ...extraEnv } });

test('create, list, progress and delete a rule', async () => {
  const created = JSON.parse((await cli(['create', '--to', 'dst-shanghai', '--location', 'oss-cn-shanghai', '--prefix', 'logs/', '--action', 'PUT'])).stdout);
  assert.match(created.ruleId, /^[0-9a-f-]{36}$/);
  const listed = JSON.parse((await cli(['list'])).stdout);
  const rule = listed.rules.find((r) => r.id === created.ruleId);
  assert.deepEqual([rule.destination.bucket, rule.prefixes, rule.actions], ['dst-shanghai', ['logs/'], ['PUT']]);
  const progress = JSON.parse((await cli(['--v1', 'progress', created.ruleId])).stdout);
  assert.equal(progress.rule.id, created.ruleId);
  await cli(['delete', created.ruleId]);
  const after = JSON.parse((await cli(['list'])).stdout);
  assert.ok(after.rules.every((r) => r.id !== created.ruleId || r.status === 'closing'));
});

test('STS credentials from the environment', async () => {
  const sts = await (await fetch(`${endpoint}/_emulator/sts`)).json();
  const out = await cli(['locations'], { OSS_ACCESS_KEY_ID: sts.accessKeyId, OSS_ACCESS_KEY_SECRET: sts.accessKeySecret, OSS_SESSION_TOKEN: sts.securityToken });
  assert.ok(JSON.parse(out.stdout).locations.includes('oss-cn-beijing'));
});

test('operator commands: check, policies, tag filter, watch, diff, replace, wait', async () => {
  // A region mismatch is caught before anything is created (dst-beijing lives in oss-cn-beijing).
  const wrong = await cli(['check', '--to', 'dst-beijing', '--location', 'oss-cn-shanghai']).catch((e) => e);
  assert.equal(wrong.code, 3);
  const problems = JSON.parse(wrong.stdout).problems.map((p) => p.code);
  assert.ok(problems.includes('LocationMismatch'), problems.join());
  const fine = JSON.parse((await cli(['check', '--to', 'dst-beijing', '--location', 'oss-cn-beijing'])).stdout);
  assert.equal(fine.ok, true, JSON.stringify(fine.problems));
  const docs = JSON.parse((await cli(['policies', '--to', 'dst-beijing', '--location', 'oss-cn-beijing'])).stdout);
  assert.deepEqual(docs.roleTrustPolicy.Statement[0].Principal, { Service: ['oss.aliyuncs.com'] });

  const created = JSON.parse((await cli(['create', '--to', 'dst-beijing', '--location', 'oss-cn-beijing', '--tag', 'team=data', '--tag', 'tier=hot', '--any-tag'])).stdout);
  const rule = JSON.parse((await cli(['list'])).stdout).rules.find((r) => r.id === created.ruleId);
  assert.deepEqual(rule.userTaggings, { filterType: 'OR', tags: [{ key: 'team', value: 'data' }, { key: 'tier', value: 'hot' }] });
  await cli(['wait', created.ruleId, 'doing', '--timeout', '20000']);
  const lines = (await cli(['watch', created.ruleId, '--interval', '200', '--count', '2'])).stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  assert.equal(lines[1].status, 'doing');
  assert.equal(typeof lines[1].lagSeconds, 'number');
  const diff = JSON.parse((await cli(['diff', created.ruleId])).stdout);
  assert.deepEqual([diff.missing, diff.differing, diff.truncated], [[], [], false]);

  const replaced = JSON.parse((await cli(['replace', created.ruleId, '--to', 'dst-beijing', '--location', 'oss-cn-beijing', '--prefix', 'new/', '--timeout', '20000'])).stdout);
  const after = JSON.parse((await cli(['list'])).stdout).rules.find((r) => r.id === replaced.ruleId);
  assert.deepEqual([after.prefixes, after.userTaggings], [['new/'], undefined]);
  await cli(['delete', replaced.ruleId]);
  await cli(['wait', replaced.ruleId, 'gone', '--timeout', '20000']);
});

test('errors print the OSS code and exit 1; usage errors exit 2', async () => {
  const bad = await cli(['progress', 'no-such-rule']).catch((e) => e);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^error NoSuchReplicationRule: .*\(request id [^)]+\)/);
  const usage = await cli(['frobnicate']).catch((e) => e);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown command frobnicate/);
  const nocreds = await cli(['list'], { OSS_ACCESS_KEY_ID: '' }).catch((e) => e);
  assert.equal(nocreds.code, 2);
});
