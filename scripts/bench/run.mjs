#!/usr/bin/env node
// `npm run bench`: starts Trent and a bare Node.js ceiling server, drives each
// with a separate load-generator process that signs every request, and prints
// one table. See docs/benchmarks.md for the method.
//
//   npm run bench -- [--seconds 5] [--rounds 3] [--concurrency 64] [--only Encrypt,Decrypt]
//                    [--stores sqlite,postgres] [--workers N[,M...]] [--scale 100000]
//
// This machine's speed drifts within minutes, so every Trent row is paired with
// the ceiling measured in the same minutes: --rounds (default 3) runs of the
// bare server alternate with --rounds runs of Trent, and the row reports the
// best of each and their ratio.
//
// --workers takes one count or several (e.g. 1,2): each store is measured with
// each count, and the table's store column says which.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Signer } from './sigv4-client.mjs';
import { BENCH_CREDENTIALS, BENCH_ENV, callTrent, runLoad } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { values: opts } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '64' },
    only: { type: 'string' },
    scale: { type: 'string' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    workers: { type: 'string' },
    postgres: { type: 'string', default: process.env.TRENT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' },
  },
});
const SECONDS = Number(opts.seconds);
const ROUNDS = Math.max(1, Number(opts.rounds));
const CONCURRENCY = Number(opts.concurrency);

function startProcess(args, extraEnv = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${out}`)), 20_000);
    child.stdout.on('data', () => {
      const m = /listening on (http\S+)/i.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}

function stop(child) {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', resolve);
    child.kill('SIGTERM');
  });
}

/** Resident memory of a process and its children (the worker processes), in MiB. */
function rssMiB(pid) {
  const kib = (p) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  let children = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean);
  } catch {
    // no children list on this kernel: the process alone
  }
  return Math.round([pid, ...children].reduce((sum, p) => sum + kib(p), 0) / 1024);
}

function load(url, target, bodies, extra = {}) {
  return runLoad({ url, target, bodies, concurrency: CONCURRENCY, seconds: SECONDS, credentials: BENCH_CREDENTIALS, ...extra });
}

/** Whichever of two runs served more requests per second (`a` may be absent). */
const faster = (a, b) => (!a || b.rps > a.rps ? b : a);

/** The best of ROUNDS runs of `run`, with that run's latencies. */
async function bestOf(run) {
  let best;
  for (let round = 0; round < ROUNDS; round++) best = faster(best, await run());
  return best;
}

/**
 * ROUNDS runs of `run` alternating with ROUNDS runs of `reference` (the bare
 * server), so both see the machine in the same minutes; the best of each.
 */
async function paired(run, reference) {
  let best;
  let ceiling;
  for (let round = 0; round < ROUNDS; round++) {
    ceiling = faster(ceiling, await reference());
    best = faster(best, await run());
  }
  return { ...best, ceiling: ceiling.rps };
}

const rows = [];
/** A table row; `r.ceiling` (the bare server's best in the same minutes) gives its share. */
function row(name, store, r) {
  rows.push({ name, store, ...r, ratio: r.ceiling ? r.rps / r.ceiling : undefined });
  const err = r.errors ? `  (${r.errors} errors, first: ${r.firstError})` : '';
  const share = r.ceiling ? `  ceiling ${Math.round(r.ceiling)}  ${Math.round((100 * r.rps) / r.ceiling)}%` : '';
  process.stderr.write(`  ${name.padEnd(28)} ${Math.round(r.rps).toString().padStart(7)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms${share}${err}\n`);
}

/** The ceiling's load: the same generator and request as Encrypt, against the bare server. */
function loadBare(url) {
  return load(url, 'TrentService.Encrypt', [{ KeyId: 'alias/x', Plaintext: Buffer.alloc(32, 7).toString('base64'), EncryptionContext: { app: 'bench' } }]);
}

async function iamCall(url, params) {
  const body = new URLSearchParams({ Version: '2010-05-08', ...params }).toString();
  const signer = new Signer({ ...BENCH_CREDENTIALS, service: 'iam' });
  const res = await fetch(url, { method: 'POST', headers: signer.formHeaders(new URL(url).host, body), body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${params.Action}: ${text}`);
  return text;
}

/** An IAM user whose inline policy allows Encrypt under an encryption-context condition: authorization through IAM. */
async function iamUser(url) {
  await iamCall(url, { Action: 'CreateUser', UserName: 'bench-app' });
  const policy = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey'], Resource: 'arn:aws:kms:*:111122223333:key/*', Condition: { StringEquals: { 'kms:EncryptionContext:app': 'bench' } } },
      { Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
    ],
  };
  await iamCall(url, { Action: 'PutUserPolicy', UserName: 'bench-app', PolicyName: 'use', PolicyDocument: JSON.stringify(policy) });
  const xml = await iamCall(url, { Action: 'CreateAccessKey', UserName: 'bench-app' });
  return {
    accessKeyId: /<AccessKeyId>([^<]+)</.exec(xml)[1],
    secretAccessKey: /<SecretAccessKey>([^<]+)</.exec(xml)[1],
    region: 'us-east-1',
  };
}

async function scenarios(url) {
  const key = (await callTrent(url, 'CreateKey', {})).KeyMetadata;
  const other = (await callTrent(url, 'CreateKey', {})).KeyMetadata;
  const enc = await callTrent(url, 'Encrypt', { KeyId: key.KeyId, Plaintext: Buffer.alloc(32, 7).toString('base64'), EncryptionContext: { app: 'bench' } });
  const list = [
    ['Encrypt', [{ KeyId: key.KeyId, Plaintext: Buffer.alloc(32, 7).toString('base64'), EncryptionContext: { app: 'bench' } }]],
    ['Decrypt', [{ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { app: 'bench' } }]],
    ['GenerateDataKey', [{ KeyId: key.KeyId, KeySpec: 'AES_256', EncryptionContext: { app: 'bench' } }]],
    ['ReEncrypt', [{ CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: { app: 'bench' }, DestinationKeyId: other.KeyId }]],
    ['DescribeKey', [{ KeyId: key.KeyId }]],
    ['CreateKey', [{}]],
  ];
  try {
    const user = await iamUser(url);
    list.splice(1, 0, ['Encrypt as IAM user (policy with conditions)', [{ KeyId: key.KeyId, Plaintext: Buffer.alloc(32, 7).toString('base64'), EncryptionContext: { app: 'bench' } }], 'Encrypt', user]);
  } catch (e) {
    process.stderr.write(`  IAM user row: skipped (${e.message.slice(0, 160)})\n`);
  }
  const signing = [
    ['Sign ECC_NIST_P256', 'ECC_NIST_P256', 'ECDSA_SHA_256'],
    ['Sign RSA_2048', 'RSA_2048', 'RSASSA_PKCS1_V1_5_SHA_256'],
    ['Sign ML_DSA_65', 'ML_DSA_65', 'ML_DSA_SHAKE_256'],
  ];
  for (const [name, spec, alg] of signing) {
    try {
      const k = (await callTrent(url, 'CreateKey', { KeySpec: spec, KeyUsage: 'SIGN_VERIFY' })).KeyMetadata;
      const message = Buffer.from('benchmark message').toString('base64');
      list.push([name, [{ KeyId: k.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: alg }], 'Sign']);
      const { Signature } = await callTrent(url, 'Sign', { KeyId: k.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: alg });
      list.push([name.replace('Sign', 'Verify'), [{ KeyId: k.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: alg, Signature }], 'Verify']);
    } catch (e) {
      process.stderr.write(`  ${name}: skipped (${e.message.slice(0, 120)})\n`);
    }
  }
  try {
    const h = (await callTrent(url, 'CreateKey', { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' })).KeyMetadata;
    list.push(['GenerateMac HMAC_256', [{ KeyId: h.KeyId, Message: Buffer.from('benchmark message').toString('base64'), MacAlgorithm: 'HMAC_SHA_256' }], 'GenerateMac']);
  } catch (e) {
    process.stderr.write(`  GenerateMac: skipped (${e.message.slice(0, 120)})\n`);
  }
  const only = opts.only?.split(',');
  return list.filter(([name]) => !only || only.some((o) => name.startsWith(o)));
}

/** A fresh PostgreSQL database on the maintenance server; `drop()` removes it. */
async function freshPostgresDatabase() {
  const { default: pg } = await import('pg');
  const name = `trent_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (sql) => {
    const client = new pg.Client({ connectionString: opts.postgres });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(opts.postgres);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Worker counts to measure Trent with: --workers (one or a comma-separated list), else Trent's default (one per core). */
const workerCounts = opts.workers ? opts.workers.split(',').map((n) => n.trim()) : [undefined];

/** Starts `trent server` on the named store ('sqlite' or 'postgres') in a fresh data directory, with `workers` processes (default: Trent's). */
async function startTrent(store, workers = workerCounts[0]) {
  const dataDir = mkdtempSync(join(tmpdir(), 'trent-bench-'));
  const database = store === 'postgres' ? await freshPostgresDatabase() : undefined;
  const args = [join(root, 'bin', 'trent'), 'server', '--listen', '127.0.0.1:0', '--data-dir', dataDir];
  if (workers !== undefined) args.push('--workers', workers);
  const storeEnv = database ? { TRENT_STORE: database.url } : {};
  const server = await startProcess(args, { ...BENCH_ENV, ...storeEnv });
  return {
    ...server,
    async close() {
      await stop(server.child);
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function benchTrent(store, bare, workers) {
  const { child, url, close } = await startTrent(store, workers);
  const label = workerCounts.length > 1 ? `${store}, ${workers} worker${workers === '1' ? '' : 's'}` : store;
  try {
    const list = await scenarios(url);
    // Warm-up, not reported: every worker compiles its hot paths and fills its caches before the first row.
    const [, warmBodies, warmOp] = list[0];
    await load(url, `TrentService.${warmOp ?? list[0][0]}`, warmBodies, { seconds: 3 });
    for (const [name, bodies, op, as] of list) {
      row(name, label, await paired(() => load(url, `TrentService.${op ?? name}`, bodies, as ? { credentials: as } : {}), () => loadBare(bare.url)));
    }
    rows.push({ memory: rssMiB(child.pid), store: label });
  } finally {
    await close();
  }
}

async function benchScale(target) {
  const store = opts.stores.split(',')[0];
  const { child, url, close } = await startTrent(store);
  try {
    const ids = [];
    const measure = async (label) => {
      const sample = ids.filter((_, i) => i % Math.max(1, Math.floor(ids.length / 1000)) === 0).slice(0, 1000);
      const bodies = sample.map((KeyId) => ({ KeyId, Plaintext: Buffer.alloc(32, 1).toString('base64') }));
      const r = await bestOf(() => load(url, 'TrentService.Encrypt', bodies));
      row(`Encrypt, ${label} keys`, store, r);
      process.stderr.write(`    RSS ${rssMiB(child.pid)} MiB\n`);
      rows.push({ memory: rssMiB(child.pid), store: `${store}, ${label} keys` });
    };
    const create = async (n) => {
      const signer = new Signer(BENCH_CREDENTIALS);
      const host = new URL(url).host;
      let next = 0;
      await Promise.all(Array.from({ length: 32 }, async () => {
        while (next < n) {
          next++;
          const res = await fetch(url, { method: 'POST', headers: signer.headers(host, 'TrentService.CreateKey', '{}'), body: '{}' });
          ids.push((await res.json()).KeyMetadata.KeyId);
        }
      }));
    };
    await create(100);
    await measure('100');
    const started = Date.now();
    await create(target - 100);
    process.stderr.write(`  created ${target - 100} keys in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    await measure(String(target));
  } finally {
    await close();
  }
}

function printTable() {
  const lines = ['| operation | store | req/s | p50 ms | p99 ms | ceiling req/s | of ceiling |', '| --- | --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const r of rows.filter((r) => r.rps !== undefined)) {
    const ceiling = r.ceiling === undefined ? '' : Math.round(r.ceiling);
    lines.push(`| ${r.name} | ${r.store} | ${Math.round(r.rps)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${ceiling} | ${r.ratio === undefined ? '' : `${Math.round(r.ratio * 100)}%`} |`);
  }
  for (const r of rows.filter((r) => r.memory !== undefined)) lines.push(`\nResident memory after the run (${r.store}): ${r.memory} MiB`);
  console.log(lines.join('\n'));
}

console.error(
  `Trent benchmark: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
    `${CONCURRENCY} connections, ${ROUNDS} rounds of ${SECONDS} s per row (Trent and the ceiling alternating), ${opts.workers ?? `${cpus().length} (default)`} Trent worker process(es)`,
);
if (opts.scale) {
  await benchScale(Number(opts.scale));
} else {
  // The ceiling's configuration: the bare server with one process or as many as Trent runs
  // (--workers, default one per core), whichever serves more (best of ROUNDS runs each). It
  // then stays up beside Trent, idle except while it is measured for each row.
  const processes = Math.max(...workerCounts.map((w) => Number(w ?? cpus().length)));
  let chosen;
  for (const n of [...new Set([1, processes])]) {
    const bare = await startProcess([join(here, 'bare-server.mjs'), String(n)]);
    try {
      const best = await bestOf(() => loadBare(bare.url));
      row(`bare Node.js server, ${n} process${n > 1 ? 'es' : ''} (best of ${ROUNDS})`, '-', best);
      if (!chosen || best.rps > chosen.rps) chosen = { n, rps: best.rps };
    } finally {
      await stop(bare.child);
    }
  }
  const bare = await startProcess([join(here, 'bare-server.mjs'), String(chosen.n)]);
  process.stderr.write(`  ceiling: the bare server with ${chosen.n} process(es), measured again beside every row\n`);
  try {
    for (const store of opts.stores.split(',')) for (const workers of workerCounts) await benchTrent(store, bare, workers);
  } finally {
    await stop(bare.child);
  }
}
printTable();
