#!/usr/bin/env bash
# `npm pack ./pkg`, install the tarball into a clean folder, and use it from
# ESM and CommonJS exactly as a user would (no init call in Node).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tarball=$(cd "$work" && npm pack --silent "$root/pkg")
tar -tzf "$work/$tarball" | sort > "$work/contents"
for f in package/index.d.ts package/index.d.cts package/web/oss_replication_bg.wasm package/web/index.js package/embedded/index.js package/embedded/wasm.js package/workerd/index.js package/node/index.cjs package/node/wasm.cjs; do
  grep -qx "$f" "$work/contents" || { echo "missing from the package: $f"; cat "$work/contents"; exit 1; }
done
mkdir "$work/app"
cd "$work/app"
echo '{ "name": "app", "private": true, "type": "module" }' > package.json
npm install --silent --no-audit --no-fund "$work/$tarball"
cat > esm.mjs <<'JS'
import init, { ReplicationClient, signRequest, OssError } from 'oss-replication';
await init();
const h = signRequest({ method: 'GET', bucket: 'examplebucket', url: 'https://examplebucket.oss-cn-hangzhou.aliyuncs.com/?replication' },
  { accessKeyId: 'LTAI5tExampleAccessKeyId', accessKeySecret: 'ExampleAccessKeySecret0123456789' },
  { version: 'v4', region: 'cn-hangzhou', time: Date.UTC(2024, 3, 17, 8) });
if (!h.authorization.endsWith('Signature=df391269a32e219280627fa490a9e0c272d349b900a09af5b90e6695a433c6d9')) throw new Error('bad signature ' + h.authorization);
try { new ReplicationClient({ bucket: 'x', region: 'cn-hangzhou' }); throw new Error('no error'); }
catch (e) { if (!(e instanceof OssError) || e.code !== 'InvalidBucketName') throw e; }
console.log('esm ok');
JS
cat > cjs.cjs <<'JS'
const { ReplicationClient, OssError } = require('oss-replication');
try { new ReplicationClient({ bucket: 'abc', region: 'cn-hangzhou' }); throw new Error('no error'); }
catch (e) { if (!(e instanceof OssError) || !/accessKeyId/.test(e.message)) throw e; }
console.log('cjs ok');
JS
node esm.mjs
node cjs.cjs
echo "packed: $(stat -c %s "$work/$tarball") bytes, $(wc -l < "$work/contents") files"
