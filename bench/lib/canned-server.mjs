// A canned OSS endpoint for the loopback benchmark: every request gets the same
// GetBucketReplication answer. Prints `PORT <n>` when listening. `GET /__stats` returns how
// many requests carried which kind of Authorization (a sanity check for the bench).
import http from 'node:http';
import { rulesXml } from './common.mjs';

const rules = Number(process.argv[2] || 1);
const body = Buffer.from(rulesXml(rules));
const stats = { v4: 0, v1: 0, none: 0 };

const server = http.createServer((req, res) => {
  if (req.url === '/__stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(stats));
    return;
  }
  const auth = req.headers.authorization || '';
  if (auth.startsWith('OSS4-HMAC-SHA256 ')) stats.v4++;
  else if (auth.startsWith('OSS ')) stats.v1++;
  else stats.none++;
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/xml',
      'content-length': body.length,
      'x-oss-request-id': '5C1B138A109F4E405B2D0000',
      server: 'AliyunOSS',
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  console.log(`PORT ${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.stdin.on('end', () => process.exit(0)); // parent gone
process.stdin.resume();
