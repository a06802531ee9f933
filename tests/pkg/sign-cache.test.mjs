// signRequest keeps a signer for the last credentials it saw (issue 12): a call with other
// credentials, or the same object changed in place, must sign with the new ones, and bad new
// credentials must be rejected even right after good ones. Checked against V1 and V4 computed
// here with node:crypto, in sequences that would expose a stale cache entry.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { signRequest } from '../../pkg/node/index.mjs';

const TIME = 1713340800000; // 2024-04-17T08:00:00Z
const ISO = '20240417T080000Z';
const RFC1123 = 'Wed, 17 Apr 2024 08:00:00 GMT';
const request = { method: 'GET', bucket: 'examplebucket', url: 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com/?replication' };
const V4 = { version: 'v4', region: 'cn-hangzhou', time: TIME };
const V1 = { version: 'v1', time: TIME };

const hmac = (alg, key, data) => createHmac(alg, key).update(data).digest();

function expectedV4({ accessKeyId, accessKeySecret, stsToken }) {
  const headers = [['x-oss-content-sha256', 'UNSIGNED-PAYLOAD'], ['x-oss-date', ISO]];
  if (stsToken) headers.push(['x-oss-security-token', stsToken]);
  const canonical = ['GET', '/examplebucket/', 'replication', ...headers.map(([k, v]) => `${k}:${v}`), '', '', 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = '20240417/cn-hangzhou/oss/aliyun_v4_request';
  const sts = ['OSS4-HMAC-SHA256', ISO, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let key = hmac('sha256', `aliyun_v4${accessKeySecret}`, '20240417');
  for (const part of ['cn-hangzhou', 'oss', 'aliyun_v4_request']) key = hmac('sha256', key, part);
  return `OSS4-HMAC-SHA256 Credential=${accessKeyId}/${scope},Signature=${hmac('sha256', key, sts).toString('hex')}`;
}

function expectedV1({ accessKeyId, accessKeySecret, stsToken }) {
  const lines = ['GET', '', '', RFC1123, `x-oss-date:${RFC1123}`];
  if (stsToken) lines.push(`x-oss-security-token:${stsToken}`);
  lines.push('/examplebucket/?replication');
  return `OSS ${accessKeyId}:${hmac('sha1', accessKeySecret, lines.join('\n')).toString('base64')}`;
}

function check(creds, label) {
  const h4 = signRequest(request, creds, V4);
  assert.equal(h4.authorization, expectedV4(creds), `${label}: v4`);
  assert.equal(h4['x-oss-security-token'], creds.stsToken || undefined, `${label}: v4 token header`);
  const h1 = signRequest(request, creds, V1);
  assert.equal(h1.authorization, expectedV1(creds), `${label}: v1`);
  assert.equal(h1['x-oss-security-token'], creds.stsToken || undefined, `${label}: v1 token header`);
  assert.deepEqual(Object.keys(h4), ['x-oss-date', 'x-oss-content-sha256', ...(creds.stsToken ? ['x-oss-security-token'] : []), 'authorization'], `${label}: header order`);
}

test('signRequest signs with the credentials of each call, whatever it signed with before', () => {
  const a = { accessKeyId: 'STS.first', accessKeySecret: 'secret-one', stsToken: 'CAIS' + 'a'.repeat(600) };
  const variants = [
    ['first', a],
    ['another secret', { ...a, accessKeySecret: 'secret-two' }],
    ['first again', a],
    ['another token', { ...a, stsToken: 'CAIS' + 'b'.repeat(600) }],
    ['another key id', { ...a, accessKeyId: 'STS.second' }],
    ['no token', { accessKeyId: 'LTAI.long', accessKeySecret: 'secret-one' }],
    ['empty token', { accessKeyId: 'LTAI.long', accessKeySecret: 'secret-one', stsToken: '' }],
    ['token with JSON specials', { ...a, stsToken: 'tok"en\\with/quotes+=' }],
    ['first once more', a],
  ];
  for (const [label, creds] of variants) check(creds, label);
  // The same object changed in place between calls.
  const mutable = { ...a };
  check(mutable, 'mutable, before');
  mutable.accessKeySecret = 'changed-in-place';
  check(mutable, 'mutable, secret changed');
  mutable.stsToken = 'CAIS' + 'c'.repeat(600);
  check(mutable, 'mutable, token changed');
});

test('bad credentials are rejected right after good ones', () => {
  const good = { accessKeyId: 'STS.first', accessKeySecret: 'secret-one', stsToken: 'tok' };
  check(good, 'good');
  const cases = [
    [{ ...good, accessKeyId: '' }, /credentials\.accessKeyId is required/],
    [{ ...good, accessKeySecret: undefined }, /credentials\.accessKeySecret is required/],
    [{ ...good, accessKeySecret: 42 }, /credentials\.accessKeySecret must be a string/],
    [{ ...good, stsToken: 'bad\ntoken' }, /stsToken contains a control character/],
    [{ ...good, extra: 1 }, /credentials\.extra is not a known field/],
  ];
  for (const [creds, re] of cases) {
    assert.throws(() => signRequest(request, creds, V4), (e) => re.test(e.message) && !e.message.includes('secret-one'), String(re));
    check(good, `good after ${re}`);
  }
});
