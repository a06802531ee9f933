// A Cloudflare Worker exposing a small JSON API over oss-replication:
//   GET    /rules              -> the source bucket's rules
//   POST   /rules   {rule}     -> { ruleId }
//   DELETE /rules/:id          -> {}
//   GET    /locations          -> where the bucket can replicate to
//   GET    /rules/:id/progress -> progress
// Configuration (env): OSS_BUCKET, OSS_REGION, OSS_ENDPOINT (optional), and
// OSS_ACCESS_KEY_ID / OSS_ACCESS_KEY_SECRET (Worker secrets). Keys stay server-side.
import { initSync, ReplicationClient, OssError } from 'oss-replication';
import wasmModule from 'oss-replication/oss_replication_bg.wasm';

initSync({ module: wasmModule });

function json(body, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export default {
  async fetch(request, env) {
    const client = new ReplicationClient({
      bucket: env.OSS_BUCKET,
      region: env.OSS_REGION,
      endpoint: env.OSS_ENDPOINT || undefined,
      accessKeyId: env.OSS_ACCESS_KEY_ID,
      accessKeySecret: env.OSS_ACCESS_KEY_SECRET,
    });
    const { pathname } = new URL(request.url);
    const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    try {
      if (request.method === 'GET' && pathname === '/rules') return json(await client.getBucketReplication());
      if (request.method === 'POST' && pathname === '/rules') return json(await client.putBucketReplication(await request.json()), 201);
      if (request.method === 'GET' && pathname === '/locations') return json(await client.getBucketReplicationLocation());
      if (request.method === 'DELETE' && parts.length === 2 && parts[0] === 'rules') return json(await client.deleteBucketReplication(parts[1]));
      if (request.method === 'GET' && parts.length === 3 && parts[0] === 'rules' && parts[2] === 'progress') {
        return json(await client.getBucketReplicationProgress(parts[1]));
      }
      return json({ error: 'NotFound', message: `${request.method} ${pathname} is not part of this API` }, 404);
    } catch (e) {
      if (!(e instanceof OssError)) throw e;
      const status = e.status > 0 ? e.status : e.code === 'InvalidArgument' ? 400 : 502;
      return json({ error: e.code, message: e.message, requestId: e.requestId }, status);
    }
  },
};
