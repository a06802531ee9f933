// Import-and-call smoke test for other runtimes (Deno: the web entry with
// initSync, as in browsers and Workers; Bun: the Node entry). Signs the
// oss-wire.md V4 vector and makes one real call to the emulator.
const deno = globalThis.Deno;
const pkg = deno
  ? await import('../../pkg/web/index.js')
  : await import('../../pkg/node/index.mjs');
if (deno) pkg.initSync({ module: deno.readFileSync(new URL('../../pkg/web/oss_replication_bg.wasm', import.meta.url)) });
const env = deno ? (k) => deno.env.get(k) : (k) => process.env[k];

const headers = pkg.signRequest(
  { method: 'GET', bucket: 'examplebucket', url: 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com/?replication' },
  { accessKeyId: 'LTAI5tExampleAccessKeyId', accessKeySecret: 'ExampleAccessKeySecret0123456789' },
  { version: 'v4', region: 'cn-hangzhou', time: Date.UTC(2024, 3, 17, 8) },
);
if (!headers.authorization.endsWith('Signature=df391269a32e219280627fa490a9e0c272d349b900a09af5b90e6695a433c6d9')) {
  throw new Error(`wrong signature: ${headers.authorization}`);
}
const client = new pkg.ReplicationClient({
  bucket: 'src-node', region: 'cn-hangzhou', endpoint: env('OSS_TEST_ENDPOINT'),
  accessKeyId: env('OSS_TEST_AK'), accessKeySecret: env('OSS_TEST_SK'),
});
const { locations } = await client.getBucketReplicationLocation();
if (!locations.includes('oss-cn-beijing')) throw new Error(`unexpected locations ${locations}`);
const err = await client.getBucketReplicationProgress('no-such-rule').catch((e) => e);
if (!(err instanceof pkg.OssError) || err.code !== 'NoSuchReplicationRule') throw new Error(`unexpected error ${err}`);
console.log(`${deno ? 'deno' : 'bun'} ok: ${locations.length} locations`);
