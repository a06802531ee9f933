// Cold start in Node: a fresh `node` process per sample, timed inside (bench/cold-node-child.mjs);
// ours and ali-oss alternate. JSON on stdout: {ours: [ms], alioss: [ms], oursLoad: [...], aliossLoad: [...]}.
// Usage: node bench/cold-node.mjs [samples]
import { execFileSync } from 'node:child_process';

const samples = Number(process.argv[2] || 15);
const child = new URL('./cold-node-child.mjs', import.meta.url).pathname;
const out = { ours: [], alioss: [], oursLoad: [], aliossLoad: [] };
for (let i = 0; i < samples; i++) {
  for (const which of i % 2 ? ['alioss', 'ours'] : ['ours', 'alioss']) {
    const r = JSON.parse(execFileSync(process.execPath, [child, which], { encoding: 'utf8' }));
    out[which].push(r.ms);
    out[`${which}Load`].push(r.loadMs);
  }
}
process.stdout.write(JSON.stringify(out));
