#!/usr/bin/env node
// A small CLI over oss-replication: list, check, create, change and delete a bucket's
// replication rules, watch their lag, and list what is not replicated yet.
//
//   export OSS_ACCESS_KEY_ID=... OSS_ACCESS_KEY_SECRET=... [OSS_SESSION_TOKEN=...]
//   node replication.mjs --region cn-hangzhou --bucket src [--endpoint URL] [--v1] list
//   node replication.mjs ... check|create|policies --to dest-bucket --location oss-cn-beijing [--prefix logs/]... [--action PUT]... [--tag k=v]... [--any-tag] [--no-history] [--rtc]
//   node replication.mjs ... replace RULE_ID <the create options>
//   node replication.mjs ... progress RULE_ID | watch RULE_ID [--interval MS] [--count N] | diff RULE_ID [--max N]
//   node replication.mjs ... wait RULE_ID doing|gone [--timeout MS] | delete RULE_ID | rtc RULE_ID on|off | locations
//
// In an app: `import { ReplicationClient, OssError } from 'oss-replication'`.
import { parseArgs } from 'node:util';
import { ReplicationClient, OssError, replicationPolicies } from '../../pkg/node/index.mjs';

const usage = `usage: replication.mjs --region REGION --bucket BUCKET [--endpoint URL] [--v1] <command>
commands: list | locations | progress RULE_ID | delete RULE_ID | rtc RULE_ID on|off
          check | create | policies  RULE OPTIONS     (check: pre-flight, reads only; exit 3 on problems)
          replace RULE_ID RULE OPTIONS               (delete, wait until gone, put)
          watch RULE_ID [--interval MS] [--count N]  (one JSON line per read: progress, lag, rate, ETA)
          diff RULE_ID [--max N]                     (objects not at the destination yet)
          wait RULE_ID doing|gone [--timeout MS]
rule options: --to BUCKET --location oss-REGION [--prefix P]... [--action ALL|PUT|DELETE|ABORT]...
          [--tag KEY=VALUE]... [--any-tag] [--no-history] [--rtc]
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
      tag: { type: 'string', multiple: true },
      'any-tag': { type: 'boolean' },
      interval: { type: 'string' },
      count: { type: 'string' },
      max: { type: 'string' },
      timeout: { type: 'string' },
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

function number(name) {
  const v = opt[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) fail(`--${name} must be a number`);
  return n;
}

/** The rule the create options describe. */
function ruleFromOptions() {
  if (!opt.to || !opt.location) fail(`${command} needs --to BUCKET and --location oss-REGION`);
  const rule = { destination: { bucket: opt.to, location: opt.location } };
  if (opt.prefix) rule.prefixes = opt.prefix;
  if (opt.action) rule.actions = opt.action;
  if (opt['no-history']) rule.historicalObjectReplication = false;
  if (opt.rtc) rule.rtc = true;
  if (opt.tag) {
    const tags = opt.tag.map((t) => {
      const at = t.indexOf('=');
      if (at < 1) fail(`--tag ${t}: expected KEY=VALUE`);
      return { key: t.slice(0, at), value: t.slice(at + 1) };
    });
    rule.userTaggings = { filterType: opt['any-tag'] ? 'OR' : 'AND', tags };
  }
  return rule;
}

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
    case 'create':
      return client.putBucketReplication(ruleFromOptions());
    case 'check': {
      const result = await client.checkRule(ruleFromOptions());
      if (!result.ok) process.exitCode = 3;
      return result;
    }
    case 'policies':
      return replicationPolicies({ sourceBucket: opt.bucket, destinationBucket: opt.to, rule: ruleFromOptions() });
    case 'replace':
      return client.replaceRule(args[0] ?? fail('replace needs a RULE_ID'), ruleFromOptions(), { timeoutMs: number('timeout') });
    case 'wait': {
      if (!['doing', 'gone'].includes(args[1])) fail('wait needs RULE_ID doing|gone');
      return client.waitForRule(args[0], args[1], { timeoutMs: number('timeout') });
    }
    case 'diff':
      return client.diffReplication(args[0] ?? fail('diff needs a RULE_ID'), {
        maxListed: number('max'),
        onProgress: (c) => console.error(`scanned ${c.scanned.source} source, ${c.scanned.destination} destination objects`),
      });
    case 'watch': {
      const count = number('count') ?? Infinity;
      const controller = new AbortController();
      process.once('SIGINT', () => controller.abort());
      let seen = 0;
      for await (const s of client.watchReplication(args[0] ?? fail('watch needs a RULE_ID'), { intervalMs: number('interval'), signal: controller.signal })) {
        const { rule, progress, lagSeconds, historicalRate, etaSeconds } = s;
        console.log(JSON.stringify({ status: rule.status, progress, lagSeconds, historicalRate, etaSeconds }));
        if (++seen >= count) break;
      }
      return undefined;
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
  const result = await run(client);
  if (result !== undefined) console.log(JSON.stringify(result, null, 2));
} catch (e) {
  if (!(e instanceof OssError)) throw e;
  console.error(`error ${e.code}: ${e.message}${e.requestId ? ` (request id ${e.requestId})` : ''}`);
  process.exit(1);
}
