// OssError.field: input errors name the field at fault as a path a form can route on
// (the admin page puts the message beside that control without parsing prose).
import test from 'node:test';
import assert from 'node:assert/strict';
import { ReplicationClient, validateRule, OssError } from '../../pkg/node/index.mjs';

function thrown(f) {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof OssError, String(e));
    return e;
  }
  assert.fail('nothing was thrown');
}

test('validateRule and the constructor name the field', () => {
  const dest = { bucket: 'dst-beijing', location: 'oss-cn-beijing' };
  assert.equal(thrown(() => validateRule({ destination: { location: 'oss-cn-beijing' } })).field, 'rule.destination.bucket');
  assert.equal(thrown(() => validateRule({ destination: dest, prefixes: ['ok/', ''] })).field, 'rule.prefixes[1]');
  const tags = { filterType: 'AND', tags: [{ key: 'k', value: '1' }, { key: 'k', value: '2' }] };
  assert.match(thrown(() => validateRule({ destination: dest, userTaggings: tags })).field, /^rule\.userTaggings\.tags\[1\]/);
  assert.equal(thrown(() => new ReplicationClient({ bucket: 'src', region: 'cn-hangzhou', accessKeyId: 'a', accessKeySecret: 'b', timeout: 0 })).field, 'options.timeout');
});

test('errors about no one field have none', async () => {
  const client = new ReplicationClient({
    bucket: 'src-field', region: 'cn-hangzhou', accessKeyId: 'a', accessKeySecret: 'b', retryMax: 0,
    fetch: async () => new Response('<Error><Code>AccessDenied</Code><Message>no</Message></Error>', { status: 403 }),
  });
  const e = await client.getBucketReplication().catch((x) => x);
  assert.equal(e.code, 'AccessDenied');
  assert.equal('field' in e, false);
});
