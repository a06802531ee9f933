// Tag filters (userTaggings), kept unknown rule children and GMT NewObject through
// the built Node entry, with a scripted fetch: a rule read back and put again
// carries everything it was read with.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ReplicationClient, validateRule, OssError } from '../../pkg/node/index.mjs';

function scripted(answers) {
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url, ...init });
    const next = answers.shift();
    return new Response(next.body ?? '', { status: next.status ?? 200, headers: next.headers ?? {} });
  };
  return { fetch, sent };
}

const base = { bucket: 'source-bucket', region: 'cn-hangzhou', endpoint: 'http://127.0.0.1:9', accessKeyId: 'AKID', accessKeySecret: 'secret-value' };

const READ_BACK = '<ReplicationConfiguration><Rule><ID>tagged</ID>'
  + '<Destination><Bucket>dest</Bucket><Location>oss-cn-beijing</Location><Cloud>AliCloud</Cloud><CloudLocation>cn-beijing</CloudLocation></Destination>'
  + '<Source><Location>oss-cn-hangzhou</Location></Source>'
  + '<UserTaggings><FilterType>OR</FilterType><UserTagging><Key>team</Key><Value>a b</Value></UserTagging><UserTagging><Key>env</Key><Value></Value></UserTagging></UserTaggings>'
  + '<Status>doing</Status><Action>PUT</Action></Rule></ReplicationConfiguration>';

test('a read-back rule with tags and unknown children is put again without losing anything', async () => {
  const { fetch, sent } = scripted([{ body: READ_BACK }, { headers: { 'x-oss-replication-rule-id': 'tagged' } }]);
  const client = new ReplicationClient({ ...base, fetch });
  const { rules: [rule] } = await client.getBucketReplication();
  assert.deepEqual(rule.userTaggings, { filterType: 'OR', tags: [{ key: 'team', value: 'a b' }, { key: 'env', value: '' }] });
  assert.deepEqual(rule.unknownChildren, {
    rule: ['<Source><Location>oss-cn-hangzhou</Location></Source>'],
    destination: ['<Cloud>AliCloud</Cloud>', '<CloudLocation>cn-beijing</CloudLocation>'],
  });
  await client.putBucketReplication(rule);
  assert.equal(sent[1].body, '<ReplicationConfiguration><Rule><ID>tagged</ID><Destination><Bucket>dest</Bucket><Location>oss-cn-beijing</Location>'
    + '<Cloud>AliCloud</Cloud><CloudLocation>cn-beijing</CloudLocation></Destination><Action>PUT</Action>'
    + '<UserTaggings><FilterType>OR</FilterType><UserTagging><Key>team</Key><Value>a b</Value></UserTagging><UserTagging><Key>env</Key><Value></Value></UserTagging></UserTaggings>'
    + '<Source><Location>oss-cn-hangzhou</Location></Source></Rule></ReplicationConfiguration>');
});

test('tag filters are checked before anything is sent, naming the field', () => {
  const rule = (userTaggings) => ({ destination: { bucket: 'dest', location: 'oss-cn-beijing' }, userTaggings });
  const message = (r) => {
    try { validateRule(r); } catch (e) { assert.ok(e instanceof OssError); return e.message; }
    assert.fail('accepted');
  };
  validateRule(rule({ filterType: 'AND', tags: [{ key: 'team', value: 'a' }] }));
  assert.equal(message(rule({ filterType: 'XOR', tags: [{ key: 'a', value: '' }] })), 'rule.userTaggings.filterType "XOR" must be AND or OR');
  assert.equal(message(rule({ filterType: 'AND', tags: [] })), 'rule.userTaggings.tags must hold at least one tag');
  assert.equal(message(rule({ filterType: 'OR', tags: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] })),
    'rule.userTaggings.tags[1].key "a" repeats rule.userTaggings.tags[0].key; each key may appear once');
  assert.equal(message(rule({ filterType: 'OR', tags: [{ key: 'a', value: '1', extra: 1 }] })), 'rule.userTaggings.tags[0].extra is not a known field (known: key, value)');
  assert.equal(message(rule({ filterType: 'OR', tags: 'team=a' })), 'rule.userTaggings.tags must be an array of { key, value }');
  assert.equal(message({ ...rule(undefined), unknownChildren: { rule: ['<ID>x</ID>'] } }), 'rule.unknownChildren.rule[0] is a <ID> element, which has its own field');
});

test('NewObject in RFC 1123 GMT reads as ISO-8601', async () => {
  const { fetch } = scripted([{ body: '<ReplicationProgress><Rule><ID>r</ID><Destination><Bucket>d</Bucket><Location>oss-cn-beijing</Location></Destination><Status>doing</Status><Progress><NewObject>Thu, 24 Sep 2015 15:28:14 GMT</NewObject></Progress></Rule></ReplicationProgress>' }]);
  const client = new ReplicationClient({ ...base, fetch });
  const p = await client.getBucketReplicationProgress('r');
  assert.equal(p.progress.newObject, '2015-09-24T15:28:14.000Z');
});
