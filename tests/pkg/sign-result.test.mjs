// The object signRequest returns (built in wasm property by property since issue 12): a plain
// object holding the caller's headers as they were given, in order and as own properties
// (whatever their names), then what signing added; the token is the caller's string.
import test from 'node:test';
import assert from 'node:assert/strict';
import { signRequest } from '../../pkg/node/index.mjs';

const request = { method: 'GET', bucket: 'examplebucket', url: 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com/?replication' };
const creds = { accessKeyId: 'STS.result', accessKeySecret: 'secret-result', stsToken: 'CAIS' + 't'.repeat(300) };
const V4 = { version: 'v4', region: 'cn-hangzhou', time: 1713340800000 };
const V1 = { version: 'v1', time: 1713340800000 };

test('given headers come back first, as own properties, whatever their names', () => {
  for (const opts of [V4, V1]) {
    const plain = signRequest(request, creds, opts);
    assert.equal(Object.getPrototypeOf(plain), Object.prototype);
    // JSON.parse gives a header named __proto__ as an own property: so must we (an assignment
    // would set nothing and the header would be lost).
    const given = JSON.parse('{"__proto__":"p","constructor":"c","x-custom":"v"}');
    const h = signRequest({ ...request, headers: given }, creds, opts);
    assert.equal(Object.getPrototypeOf(h), Object.prototype, opts.version);
    assert.deepEqual(Object.keys(h), ['__proto__', 'constructor', 'x-custom', ...Object.keys(plain)], opts.version);
    assert.equal(Object.getOwnPropertyDescriptor(h, '__proto__')?.value, 'p', opts.version);
    assert.equal(h.constructor, 'c', opts.version);
    // None of these names is signed (not x-oss-*, content-type or content-md5).
    assert.equal(h.authorization, plain.authorization, opts.version);
    assert.equal(h['x-oss-security-token'], creds.stsToken, opts.version);
  }
});

test('a token header given by the caller is kept, not replaced by the credentials token', () => {
  const h = signRequest({ ...request, headers: { 'x-oss-security-token': 'given-token' } }, creds, V4);
  assert.equal(h['x-oss-security-token'], 'given-token');
  assert.deepEqual(Object.keys(h), ['x-oss-security-token', 'x-oss-date', 'x-oss-content-sha256', 'authorization']);
});

test('a body without headers adds content-md5 before what signing adds', () => {
  const h = signRequest({ ...request, method: 'PUT', body: '<x/>' }, creds, V4);
  assert.deepEqual(Object.keys(h), ['content-md5', 'x-oss-date', 'x-oss-content-sha256', 'x-oss-security-token', 'authorization']);
  assert.equal(h['content-md5'], 'qLWUv43Mplb7HrG2Y0SUCg==');
  assert.equal(h['x-oss-content-sha256'], 'UNSIGNED-PAYLOAD');
  assert.equal(h['x-oss-date'], '20240417T080000Z');
});
