// Load generator, run as its own process: drives one operation at a fixed
// concurrency for a fixed time over keep-alive connections, signing every
// request, and prints one JSON line of results.
//   node load.mjs '{"url":..., "target":..., "bodies":[...], "concurrency":64, "seconds":5, credentials...}'
import http from 'node:http';
import { Signer } from './sigv4-client.mjs';

const cfg = JSON.parse(process.argv[2]);
const url = new URL(cfg.url);
const host = url.host;
const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.concurrency });
const signer = new Signer(cfg.credentials);
const bodies = cfg.bodies.map((b) => (typeof b === 'string' ? b : JSON.stringify(b)));

function once(body) {
  return new Promise((resolve, reject) => {
    const headers = cfg.sign === false ? { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': cfg.target } : signer.headers(host, cfg.target, body);
    headers['content-length'] = Buffer.byteLength(body);
    const req = http.request({ agent, host: url.hostname, port: url.port, method: 'POST', path: '/', headers }, (res) => {
      let size = 0;
      res.on('data', (d) => (size += d.length));
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const latencies = [];
let errors = 0;
let firstError = '';
const deadline = performance.now() + cfg.seconds * 1000;
const warmupUntil = performance.now() + (cfg.warmupSeconds ?? 1) * 1000;
let counted = 0;
let i = 0;
async function worker() {
  while (performance.now() < deadline) {
    const body = bodies[i++ % bodies.length];
    const start = performance.now();
    let status;
    try {
      status = await once(body);
    } catch (e) {
      status = String(e);
    }
    const end = performance.now();
    if (start < warmupUntil) continue;
    counted++;
    if (status !== 200) {
      errors++;
      firstError ||= String(status);
    }
    latencies.push(end - start);
  }
}
const started = performance.now();
await Promise.all(Array.from({ length: cfg.concurrency }, worker));
const measured = (performance.now() - Math.max(started, warmupUntil)) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0;
agent.destroy();
console.log(JSON.stringify({ requests: counted, errors, firstError, rps: counted / measured, p50: pct(50), p99: pct(99) }));
