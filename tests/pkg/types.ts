// Type-checks (tsc --noEmit) code a console would write against pkg/index.d.ts.
import init, {
  OssError,
  ReplicationClient,
  signRequest,
  validateRule,
  replicationPolicies,
  type CheckRuleResult,
  type DiffResult,
  type ReplicationRule,
  type ReplicationRuleInput,
  type StsCredentials,
} from 'oss-replication';

async function main(): Promise<void> {
  await init();
  const client = new ReplicationClient({
    bucket: 'source-bucket',
    region: 'oss-cn-hangzhou',
    refreshSTSToken: async (): Promise<StsCredentials> => {
      const r = await fetch('/sts');
      const j = (await r.json()) as { accessKeyId: string; accessKeySecret: string; securityToken: string; expiration: string };
      return { accessKeyId: j.accessKeyId, accessKeySecret: j.accessKeySecret, stsToken: j.securityToken, expiration: j.expiration };
    },
    refreshSTSTokenInterval: 300_000,
    signatureVersion: 'v4',
    timeout: 10_000,
    retryMax: 3,
  });
  const rule: ReplicationRuleInput = {
    destination: { bucket: 'dest', location: 'oss-cn-beijing', transferType: 'oss_acc' },
    prefixes: ['logs/'],
    actions: ['PUT', 'DELETE'],
    historicalObjectReplication: true,
    rtc: false,
  };
  validateRule(rule);
  const { ruleId, requestId } = await client.putBucketReplication(rule);
  const rules: ReplicationRule[] = (await client.getBucketReplication()).rules;
  const statuses: (string | undefined)[] = rules.map((r) => r.status);
  // A rule read back is valid Put input as it is (the runtime accepts it; issue 11 item 10).
  for (const r of rules) await client.putBucketReplication(r);
  const again: ReplicationRuleInput = { ...rules[0]!, prefixes: ['more/'], userTaggings: { filterType: 'AND', tags: [{ key: 'k', value: 'v' }] } };
  validateRule(again);
  // exactOptionalPropertyTypes: an optional field may be given as undefined (process.env style).
  const maybe: string | undefined = undefined;
  new ReplicationClient({ bucket: 'b', region: 'cn-hangzhou', accessKeyId: maybe, accessKeySecret: maybe, stsToken: maybe }).free();
  {
    using disposable = new ReplicationClient({ bucket: 'b', region: 'cn-hangzhou' });
    void disposable.bucket;
  }
  const loc = await client.getBucketReplicationLocation();
  const accTargets: string[] = loc.transferTypeConstraints.filter((c) => c.transferTypes.includes('oss_acc')).map((c) => c.location);
  const progress = await client.getBucketReplicationProgress(ruleId);
  const fraction: number | undefined = progress.progress.historicalObject;
  await client.putBucketRtc(ruleId, true);
  await client.deleteBucketReplication(ruleId);
  const headers: Record<string, string> = signRequest(
    { method: 'GET', bucket: 'source-bucket', url: 'https://source-bucket.oss-cn-hangzhou.aliyuncs.com/?replication' },
    { accessKeyId: 'a', accessKeySecret: 'b', stsToken: 'c' },
    { version: 'v4', region: 'cn-hangzhou', time: Date.now() },
  );
  try {
    await client.getBucketReplication();
  } catch (e) {
    if (e instanceof OssError) {
      const detail: [string, number, string | undefined, boolean] = [e.code, e.status, e.requestId, e.retryable];
      console.log(detail);
    }
  }
  // Operator calls (issue 13).
  const check: CheckRuleResult = await client.checkRule(rule, { destinationEndpoint: undefined });
  const codes: string[] = check.problems.map((p) => p.code);
  const lag: number | undefined = progress.lagSeconds;
  const controller = new AbortController();
  for await (const s of client.watchReplication(ruleId, { intervalMs: 5_000, signal: controller.signal })) {
    const eta: number | undefined = s.etaSeconds;
    if (eta === undefined) break;
  }
  const diff: DiffResult = await client.diffReplication(ruleId, { maxListed: 100, onProgress: (c) => void c.scanned.source });
  const missingKeys: string[] = diff.missing.map((o) => o.key);
  await client.replaceRule(ruleId, { ...rules[0]!, prefixes: ['new/'] }, { timeoutMs: 60_000 });
  const gone = await client.waitForRule(ruleId, 'gone', { signal: controller.signal });
  const docs = replicationPolicies({ sourceBucket: 'source-bucket', destinationBucket: 'dest', rule });
  const trust: string = JSON.stringify(docs.roleTrustPolicy);
  console.log(codes, lag, missingKeys, gone.rule?.status, trust);
  console.log(requestId, statuses, accTargets, fraction, headers, client.bucket, client.clockOffset);
}

void main;
