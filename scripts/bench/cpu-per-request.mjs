#!/usr/bin/env node
// Where a request's CPU goes on this machine: starts Trent (or the bare
// server), drives one operation with the benchmark's load generator, and
// reads Linux's counters before and after the measured seconds:
//   - the server's CPU per request, all processes and threads (/proc/PID/task),
//     and the part its JavaScript threads took;
//   - the whole machine's busy time per request (/proc/stat), the load
//     generator's and the kernel's included;
//   - voluntary and involuntary context switches of the server's threads;
//   - with the trail on, events per durable write (group commit) and the
//     share of those writes made from the event loop, from each process's
//     /metrics.
// Linux only. Prints one block per run.
//
//   node scripts/bench/cpu-per-request.mjs [--server trent|bare] [--workers N] [--op Encrypt]
//                                          [--seconds 4] [--concurrency 64] [--runs 1] [-- TRENT ARGS...]
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_CREDENTIALS, BENCH_ENV, callTrent, runLoad } from './harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const { values: opts, positionals: trentArgs } = parseArgs({
  allowPositionals: true,
  options: {
    server: { type: 'string', default: 'trent' },
    workers: { type: 'string', default: '1' },
    op: { type: 'string', default: 'Encrypt' },
    seconds: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '64' },
    runs: { type: 'string', default: '1' },
  },
});
const TICK_MS = 1000 / 100; // USER_HZ

/** CPU ticks (user + system) of one process or thread, from its stat line. */
function ticksOf(statPath) {
  const fields = readFileSync(statPath, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** The server's processes: the one started and its children (cluster workers). */
function processesOf(pid) {
  try {
    return [pid, ...readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number)];
  } catch {
    return [pid];
  }
}

/** Counters summed over every thread of the server's processes. */
function serverCounters(pid) {
  const c = { ticks: 0, jsTicks: 0, voluntary: 0, involuntary: 0 };
  for (const p of processesOf(pid)) {
    for (const tid of readdirSync(`/proc/${p}/task`)) {
      const task = `/proc/${p}/task/${tid}`;
      try {
        const ticks = ticksOf(`${task}/stat`);
        const status = readFileSync(`${task}/status`, 'utf8');
        c.ticks += ticks;
        c.voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)[1]);
        c.involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)[1]);
        if (tid === String(p)) c.jsTicks += ticks;
      } catch {
        // a thread that ended between listing and reading
      }
    }
  }
  return c;
}

/** The machine's busy and idle ticks (all cores), from /proc/stat. */
function machineTicks() {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1, 9).map(Number);
  return { busy: user + nice + system + irq + softirq + steal, idle: idle + iowait, system };
}

/** GET /metrics on a new connection (so that each worker process gets asked in turn). */
function metricsOnce(url) {
  return new Promise((resolve, reject) => {
    http
      .get(`${url}/metrics`, { agent: false }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve(text));
      })
      .on('error', reject);
  });
}

/** Audit events and group commits written so far, summed over the server's processes (each answers /metrics for itself). */
async function auditTotals(url, processes) {
  const byPid = new Map();
  for (let i = 0; i < 20 * processes && byPid.size < processes; i++) {
    const text = await metricsOnce(url);
    const value = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    const pid = /^trent_process_info\{.*pid="(\d+)"/m.exec(text)?.[1];
    byPid.set(pid, { events: value('trent_audit_events_written_total'), batches: value('trent_audit_batches_total'), loop: value('trent_audit_loop_writes_total') });
  }
  if (byPid.size < processes) return undefined;
  return [...byPid.values()].reduce((a, b) => ({ events: a.events + b.events, batches: a.batches + b.batches, loop: a.loop + b.loop }));
}

function start() {
  const dataDir = mkdtempSync(join(tmpdir(), 'trent-cpu-'));
  const args =
    opts.server === 'bare'
      ? [join(here, 'bare-server.mjs'), opts.workers]
      : [join(root, 'bin', 'trent'), 'server', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--workers', opts.workers, ...trentArgs];
  const child = spawn(process.execPath, args, { env: { ...process.env, ...BENCH_ENV }, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http\S+)/i.exec(out);
      if (m) resolve({ child, url: m[1], dataDir });
    });
    child.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${out}`)));
  });
}

/** The request bodies of the measured operation (the bare server answers any). */
async function bodiesFor(url) {
  const plaintext = Buffer.alloc(32, 7).toString('base64');
  const context = { app: 'bench' };
  if (opts.server === 'bare') return [{ KeyId: 'alias/x', Plaintext: plaintext, EncryptionContext: context }];
  const { KeyId } = (await callTrent(url, 'CreateKey', {})).KeyMetadata;
  const { CiphertextBlob } = await callTrent(url, 'Encrypt', { KeyId, Plaintext: plaintext, EncryptionContext: context });
  const inputs = {
    Encrypt: { KeyId, Plaintext: plaintext, EncryptionContext: context },
    Decrypt: { CiphertextBlob, EncryptionContext: context },
    GenerateDataKey: { KeyId, KeySpec: 'AES_256', EncryptionContext: context },
  };
  if (!inputs[opts.op]) throw new Error(`--op must be one of ${Object.keys(inputs).join(', ')}`);
  return [inputs[opts.op]];
}

function load(url, bodies, seconds) {
  return runLoad({ url, target: `TrentService.${opts.op}`, bodies, concurrency: Number(opts.concurrency), seconds, warmupSeconds: 0, credentials: BENCH_CREDENTIALS });
}

const perRequest = (ticks, requests) => ((ticks * TICK_MS) / requests).toFixed(3);

for (let run = 0; run < Number(opts.runs); run++) {
  const server = await start();
  try {
    const bodies = await bodiesFor(server.url);
    await load(server.url, bodies, 2); // warm-up
    const processes = opts.server === 'bare' ? 0 : Number(opts.workers);
    const a0 = processes ? await auditTotals(server.url, processes) : undefined;
    const s0 = serverCounters(server.child.pid);
    const m0 = machineTicks();
    const started = performance.now();
    const r = await load(server.url, bodies, Number(opts.seconds));
    const elapsedMs = performance.now() - started;
    const s1 = serverCounters(server.child.pid);
    const m1 = machineTicks();
    const a1 = processes ? await auditTotals(server.url, processes) : undefined;
    const n = r.requests;
    const busy = m1.busy - m0.busy;
    const commits = a0 && a1 ? a1.batches - a0.batches : NaN;
    const perCommit = commits > 0 ? `${((a1.events - a0.events) / commits).toFixed(1)} (${Math.round((100 * (a1.loop - a0.loop)) / commits)}% written from the event loop)` : '-';
    console.log(`${opts.server}, ${opts.workers} ${opts.workers === '1' ? 'process' : 'processes'}${trentArgs.length ? ` ${trentArgs.join(' ')}` : ''}, ${opts.op}: ${Math.round(r.rps)} req/s, p99 ${r.p99.toFixed(1)} ms, ${r.errors} errors`);
    console.log(`  server: ${perRequest(s1.ticks - s0.ticks, n)} ms CPU per request (JavaScript threads ${(((s1.jsTicks - s0.jsTicks) * TICK_MS) / elapsedMs).toFixed(2)} of a core, all threads ${(((s1.ticks - s0.ticks) * TICK_MS) / elapsedMs).toFixed(2)})`);
    console.log(`  machine: ${perRequest(busy, n)} ms busy per request (system ${perRequest(m1.system - m0.system, n)}), idle ${Math.round((100 * (m1.idle - m0.idle)) / (busy + m1.idle - m0.idle))}%`);
    console.log(`  context switches per request: ${((s1.voluntary - s0.voluntary) / n).toFixed(2)} voluntary, ${((s1.involuntary - s0.involuntary) / n).toFixed(2)} involuntary; audit events per durable write: ${perCommit}`);
  } finally {
    server.child.removeAllListeners('exit');
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.on('exit', resolve));
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}
