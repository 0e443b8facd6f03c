// What the benchmark scripts share: the account Trent bootstraps for them, a
// signed call, and one run of the load generator in its own process.
import { spawn } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Signer } from './sigv4-client.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** The account root's access key the benchmarks bootstrap Trent with (BENCH_ENV). */
export const BENCH_CREDENTIALS = { accessKeyId: 'AKIABENCHMARKROOT001', secretAccessKey: 'bench-secret-access-key-0123456789', region: 'us-east-1' };

/** Environment that makes a fresh Trent create the account of BENCH_CREDENTIALS. */
export const BENCH_ENV = {
  TRENT_ACCOUNT_ID: '111122223333',
  TRENT_ROOT_ACCESS_KEY_ID: BENCH_CREDENTIALS.accessKeyId,
  TRENT_ROOT_SECRET_ACCESS_KEY: BENCH_CREDENTIALS.secretAccessKey,
};

/** One SigV4-signed KMS call; its JSON answer, or an error naming the operation. */
export async function callTrent(url, op, input, credentials = BENCH_CREDENTIALS) {
  const body = JSON.stringify(input);
  const res = await fetch(url, { method: 'POST', headers: new Signer(credentials).headers(new URL(url).host, `TrentService.${op}`, body), body });
  const json = await res.json();
  if (res.status !== 200) throw new Error(`${op}: ${JSON.stringify(json)}`);
  return json;
}

/** Runs load.mjs with `cfg` (see its header) and resolves with the JSON line it prints. */
export function runLoad(cfg) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'load.mjs'), JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load generator exited ${code}`))));
  });
}
