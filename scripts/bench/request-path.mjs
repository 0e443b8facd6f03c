#!/usr/bin/env node
// The request path without sockets: Trent in this process, driven through
// TrentApp.handle() with requests signed beforehand, so only Trent's own work
// is timed (SigV4, parsing, validation, authorization, the operation, the
// response and the durable audit trail). Prints CPU microseconds per request
// of this process (all threads: the trail's writes and syncs included) for
// each operation, best and median of several rounds.
//
// With --compare DIR (another checkout of Trent, built), both builds run in
// this one process and their rounds alternate, so a change can be measured
// against the code before it on a machine whose speed drifts.
//
//   node scripts/bench/request-path.mjs [--requests 20000] [--rounds 7] [--concurrency 64]
//                                       [--audit off] [--only Encrypt,Decrypt] [--compare DIR]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Signer } from './sigv4-client.mjs';
import { BENCH_ENV, BENCH_CREDENTIALS } from './harness.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values: opts } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '7' },
    concurrency: { type: 'string', default: '64' },
    audit: { type: 'string' },
    only: { type: 'string' },
    compare: { type: 'string' },
  },
});
const signer = new Signer(BENCH_CREDENTIALS);
const requests = Number(opts.requests);
const concurrency = Number(opts.concurrency);

/** One Trent of the build in `dir`, with a key and a request for each measured operation. */
async function instance(label, dir) {
  const load = (path) => import(pathToFileURL(join(dir, 'dist', 'src', ...path)).href);
  const { startTrent } = await load(['main.js']);
  const { silentLogger } = await load(['adapters', 'logger.js']);
  const dataDir = mkdtempSync(join(tmpdir(), 'trent-request-path-'));
  const trent = await startTrent({
    dataDir,
    logger: silentLogger,
    env: BENCH_ENV,
    ...(opts.audit === 'off' ? { audit: 'off' } : {}),
  });
  const host = new URL(trent.url).host;
  let n = 0;
  /** A request as the listener hands it to the app: lower-case headers, the body as a Buffer. */
  const request = (op, input) => {
    const body = JSON.stringify(input);
    const headers = { host, 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'request-path-bench' };
    for (const [k, v] of Object.entries(signer.headers(host, `TrentService.${op}`, body))) headers[k.toLowerCase()] = v;
    return { method: 'POST', rawUrl: '/', headers, body: Buffer.from(body), requestId: `req-${n++}`, sourceIp: '127.0.0.1', secureTransport: false };
  };
  const call = async (op, input) => {
    const res = await trent.app.handle(request(op, input));
    if (res.status !== 200) throw new Error(`${op}: ${res.body}`);
    return JSON.parse(res.body);
  };
  const key = (await call('CreateKey', {})).KeyMetadata;
  const context = { app: 'bench' };
  const plaintext = Buffer.alloc(32, 7).toString('base64');
  const { CiphertextBlob } = await call('Encrypt', { KeyId: key.KeyId, Plaintext: plaintext, EncryptionContext: context });
  const inputs = {
    Encrypt: { KeyId: key.KeyId, Plaintext: plaintext, EncryptionContext: context },
    Decrypt: { CiphertextBlob, EncryptionContext: context },
    GenerateDataKey: { KeyId: key.KeyId, KeySpec: 'AES_256', EncryptionContext: context },
    DescribeKey: { KeyId: key.KeyId },
  };
  /** Runs `requests` requests of `op`, `concurrency` at a time; returns CPU µs per request. */
  const round = async (op) => {
    const batch = Array.from({ length: requests }, () => request(op, inputs[op]));
    let next = 0;
    const cpu = process.cpuUsage();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < batch.length) {
          const res = await trent.app.handle(batch[next++]);
          if (res.status !== 200) throw new Error(`${op}: ${res.body}`);
          // A server's event loop turns between batches of requests and runs its timers then
          // (the change feed's poll, without which the caches stop serving); so does this one.
          if (next % concurrency === 0) await new Promise(setImmediate);
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / requests;
  };
  const close = async () => {
    await trent.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { label, round, close };
}

const builds = [await instance('this build', root)];
if (opts.compare) builds.push(await instance(`--compare ${opts.compare}`, resolve(opts.compare)));
const operations = ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey'].filter((op) => !opts.only || opts.only.split(',').includes(op));
for (const op of operations) {
  for (const b of builds) await b.round(op); // warm-up
  const times = builds.map(() => []);
  for (let i = 0; i < Number(opts.rounds); i++) for (const [j, b] of builds.entries()) times[j].push(await b.round(op));
  for (const [j, b] of builds.entries()) {
    const t = times[j].sort((x, y) => x - y);
    console.log(`${op.padEnd(16)} ${t[0].toFixed(1).padStart(6)} µs CPU/request (median ${t[Math.floor(t.length / 2)].toFixed(1)})  ${b.label}`);
  }
}
for (const b of builds) await b.close();
