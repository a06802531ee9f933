#!/usr/bin/env node
// A small CLI over oss-replication: list, create and delete a bucket's replication rules.
//
//   export OSS_ACCESS_KEY_ID=... OSS_ACCESS_KEY_SECRET=... [OSS_SESSION_TOKEN=...]
//   node replication.mjs --region cn-hangzhou --bucket src [--endpoint URL] [--v1] list
//   node replication.mjs ... create --to dest-bucket --location oss-cn-beijing [--prefix logs/]... [--action PUT]... [--no-history] [--rtc]
//   node replication.mjs ... progress RULE_ID | delete RULE_ID | rtc RULE_ID on|off | locations
//
// In an app: `import { ReplicationClient, OssError } from 'oss-replication'`.
import { parseArgs } from 'node:util';
import { ReplicationClient, OssError } from '../../pkg/node/index.mjs';

const usage = `usage: replication.mjs --region REGION --bucket BUCKET [--endpoint URL] [--v1] <command>
commands: list | locations | progress RULE_ID | delete RULE_ID | rtc RULE_ID on|off
          create --to BUCKET --location oss-REGION [--prefix P]... [--action ALL|PUT|DELETE|ABORT]... [--no-history] [--rtc]
credentials: OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET and (for STS) OSS_SESSION_TOKEN`;

function fail(message) {
  console.error(message);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      region: { type: 'string' },
      bucket: { type: 'string' },
      endpoint: { type: 'string' },
      v1: { type: 'boolean' },
      to: { type: 'string' },
      location: { type: 'string' },
      prefix: { type: 'string', multiple: true },
      action: { type: 'string', multiple: true },
      'no-history': { type: 'boolean' },
      rtc: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
} catch (e) {
  fail(`${e.message}\n${usage}`);
}
const { values: opt, positionals: [command, ...args] } = parsed;
if (opt.help || !command) fail(usage);
if (!opt.region || !opt.bucket) fail(`--region and --bucket are required\n${usage}`);
const env = process.env;
if (!env.OSS_ACCESS_KEY_ID || !env.OSS_ACCESS_KEY_SECRET) fail('set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN for STS)');

async function run(client) {
  switch (command) {
    case 'list':
      return client.getBucketReplication();
    case 'locations':
      return client.getBucketReplicationLocation();
    case 'progress':
      return client.getBucketReplicationProgress(args[0] ?? fail('progress needs a RULE_ID'));
    case 'delete':
      return client.deleteBucketReplication(args[0] ?? fail('delete needs a RULE_ID'));
    case 'rtc':
      if (!['on', 'off'].includes(args[1])) fail('rtc needs RULE_ID on|off');
      return client.putBucketRtc(args[0], args[1] === 'on');
    case 'create': {
      if (!opt.to || !opt.location) fail('create needs --to BUCKET and --location oss-REGION');
      const rule = { destination: { bucket: opt.to, location: opt.location } };
      if (opt.prefix) rule.prefixes = opt.prefix;
      if (opt.action) rule.actions = opt.action;
      if (opt['no-history']) rule.historicalObjectReplication = false;
      if (opt.rtc) rule.rtc = true;
      return client.putBucketReplication(rule);
    }
    default:
      return fail(`unknown command ${command}\n${usage}`);
  }
}

try {
  const client = new ReplicationClient({
    bucket: opt.bucket,
    region: opt.region,
    endpoint: opt.endpoint,
    accessKeyId: env.OSS_ACCESS_KEY_ID,
    accessKeySecret: env.OSS_ACCESS_KEY_SECRET,
    stsToken: env.OSS_SESSION_TOKEN || undefined,
    signatureVersion: opt.v1 ? 'v1' : 'v4',
  });
  console.log(JSON.stringify(await run(client), null, 2));
} catch (e) {
  if (!(e instanceof OssError)) throw e;
  console.error(`error ${e.code}: ${e.message}${e.requestId ? ` (request id ${e.requestId})` : ''}`);
  process.exit(1);
}
