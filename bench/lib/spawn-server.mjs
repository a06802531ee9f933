// Starts bench/lib/canned-server.mjs in its own process (so its work does not share the
// bench's event loop): `const s = await startCanned(rules); ... s.stop()`.
import { spawn } from 'node:child_process';

export async function startCanned(rules = 1) {
  const server = spawn(process.execPath, [new URL('./canned-server.mjs', import.meta.url).pathname, String(rules)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', (code) => reject(new Error(`canned server exited (${code})`)));
  });
  return { port, endpoint: `http://127.0.0.1:${port}`, stop: () => server.kill('SIGTERM') };
}
