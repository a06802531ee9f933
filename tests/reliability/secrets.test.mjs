// No secret or STS token in any error, against the emulator through the package:
// a wrong secret with a valid STS token makes the server echo what it signed
// (V1: the x-oss-security-token line itself). Every own property, `stack`,
// `String(e)` and `JSON.stringify(e)` are searched for the actual values.
import test from 'node:test';
import assert from 'node:assert/strict';
import { client, control } from './common.mjs';

/** Every string reachable from the error's own properties (and `stack`, `cause`). */
function texts(e) {
  const out = [String(e), JSON.stringify(e), String(e.stack)];
  const seen = new Set();
  const walk = (v) => {
    if (v === null || v === undefined) return;
    if (typeof v !== 'object' && typeof v !== 'function') return out.push(String(v));
    if (seen.has(v)) return;
    seen.add(v);
    for (const k of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      out.push(String(k));
      if (d && 'value' in d) walk(d.value);
    }
  };
  walk(e);
  return out;
}

for (const signatureVersion of ['v1', 'v4']) {
  test(`${signatureVersion} + STS: a SignatureDoesNotMatch carries no secret and no token`, async () => {
    const sts = await control('POST', 'sts');
    const wrongSecret = `${sts.accessKeySecret}-but-wrong`;
    const c = client({ signatureVersion, accessKeyId: sts.accessKeyId, accessKeySecret: wrongSecret, stsToken: sts.securityToken });
    const e = await c.getBucketReplication().then(() => null, (err) => err);
    assert.ok(e, 'the call succeeded with a wrong secret');
    assert.equal(e.code, 'SignatureDoesNotMatch', e.message);
    assert.equal(typeof e.serverStringToSign, 'string', 'the echo is still given, redacted');
    const all = texts(e);
    for (const secret of [sts.securityToken, sts.accessKeySecret, wrongSecret]) {
      for (const t of all) assert.ok(!t.includes(secret), `leaked ${secret.slice(0, 6)}… in ${t}`);
    }
    if (signatureVersion === 'v1') assert.match(e.serverStringToSign, /x-oss-security-token:<redacted>/);
  });
}
