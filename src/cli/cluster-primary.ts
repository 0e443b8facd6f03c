/**
 * `trent server --workers N` (N > 1): the primary process prepares the node
 * once (store migrated, root key and first account created, audit trail
 * signing key created), then forks N workers that share one listener
 * (node:cluster, the primary hands out connections round-robin). Only
 * worker 1 runs the scheduler (deletion sweep, session clean-up, change-feed
 * pruning). Each worker writes its own audit trail (DATA_DIR/audit for
 * worker 1, DATA_DIR/audit-N for worker N), so no event crosses a process
 * boundary before it is durable. With `--quotas`, the primary holds the
 * machine's quota buckets and the workers lease tokens from it
 * (quota-ipc.ts), so N workers admit one quota, not N.
 *
 * A worker that exits unexpectedly is replaced (same number, so a new worker
 * 1 takes the scheduler over); one that fails before it ever listened stops
 * the whole server instead of looping. SIGTERM or SIGINT: every worker
 * finishes its requests in flight, seals its trail and exits.
 */
import cluster, { type Worker } from 'node:cluster';
import { prepareTrent, type TrentOptions } from '../main.js';
import { jsonLogger } from '../adapters/logger.js';
import { RequestLimiter } from '../operations/request-limiter.js';
import { systemClock } from '../ports/clock.js';
import { serveQuotaLeases } from './quota-ipc.js';

/** How long the workers may take to drain before they are killed. */
const DRAIN_TIMEOUT_MS = 60_000;
const RESTART_DELAY_MS = 500;
/** A worker that has not started listening this long after its fork is killed and replaced. */
const STARTUP_TIMEOUT_MS = 10_000;
/** How many stalled start-ups are replaced before the server gives up. */
const MAX_STALLED_STARTS = 3;

export const WORKER_ENV = 'TRENT_WORKER';

export interface WorkerMessage {
  trent: 'listening';
  url: string;
}

export async function runPrimary(options: TrentOptions, workers: number, where: string): Promise<void> {
  const logger = options.logger ?? jsonLogger();
  const prepared = await prepareTrent(options, workers);
  const created = prepared.bootstrap.created;
  if (created) {
    console.log(`Created account ${created.accountId} with root access key ${created.accessKeyId}.`);
    if (created.source === 'generated') {
      console.log(`Secret access key (shown once): ${created.secretAccessKey}`);
      if (created.file) console.log(`Also written to ${created.file} (mode 0600, profile "trent").`);
    }
  }
  const slots = new Map<number, Worker>();
  const listened = new Set<number>();
  let announced = false;
  let stopping = false;
  let exitCode = 0;

  const finish = () => process.exit(exitCode);

  const stop = (signal: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    process.stderr.write(`${signal}: finishing in-flight requests in ${slots.size} workers and shutting down\n`);
    if (slots.size === 0) finish();
    for (const w of slots.values()) w.process.kill('SIGTERM');
    setTimeout(() => {
      for (const w of slots.values()) w.process.kill('SIGKILL');
    }, DRAIN_TIMEOUT_MS).unref();
  };

  // The machine's one set of quota buckets; workers lease tokens from it (quota-ipc.ts).
  const quotas = options.quotas ? new RequestLimiter(options.quotas, options.quotaClock ?? systemClock) : undefined;
  const stalled = new Set<Worker>();
  let stalledStarts = 0;
  const fork = (index: number) => {
    const worker = cluster.fork({ [WORKER_ENV]: String(index) });
    slots.set(index, worker);
    if (quotas) serveQuotaLeases(worker, quotas);
    // A start-up that hangs (seen under heavy load: the listen hand-off never answered) is replaced, not waited for.
    const watchdog = setTimeout(() => {
      if (stopping || slots.get(index) !== worker) return;
      logger.error('a worker did not start listening in time; replacing it', { worker: index, pid: worker.process.pid });
      stalled.add(worker);
      worker.process.kill('SIGKILL');
    }, STARTUP_TIMEOUT_MS);
    watchdog.unref();
    worker.on('message', (m: Partial<WorkerMessage> | null) => {
      if (m?.trent !== 'listening') return;
      clearTimeout(watchdog);
      listened.add(index);
      if (!announced && listened.size === workers) {
        announced = true;
        console.log(`Trent listening on ${m.url} (${where}; ${workers} workers, primary pid ${process.pid})`);
      }
    });
    worker.on('exit', (code, signal) => {
      clearTimeout(watchdog);
      if (slots.get(index) === worker) slots.delete(index);
      if (stopping) {
        if (slots.size === 0) finish();
        return;
      }
      if (stalled.delete(worker) && ++stalledStarts <= MAX_STALLED_STARTS) {
        fork(index);
        return;
      }
      if (!listened.has(index)) {
        logger.error('a worker failed to start; stopping', { worker: index, code, signal });
        stop('worker start-up failure', 1);
        return;
      }
      logger.error('a worker exited; starting a replacement', { worker: index, pid: worker.process.pid, code, signal });
      setTimeout(() => {
        if (!stopping) fork(index);
      }, RESTART_DELAY_MS);
    });
  };

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  for (let i = 1; i <= workers; i++) fork(i);
}
