/**
 * The lifecycle scheduler: runs its jobs (jobs.ts) one after another, at
 * start-up and then on a timer, with time from the Clock port so tests move
 * time instead of waiting.
 *
 * Several nodes may share one store: before running a job a node takes the
 * job's lease in the store (owner = this node, for `leaseMs`), skips the job
 * if another node holds it, and gives it back when done. The lease keeps two
 * nodes from doing the same work at once; each job's actions are
 * compare-and-set on their own, so even overlapping runs do nothing twice.
 * On one node, runs never overlap: a run asked for while one is in progress
 * starts after it.
 */
import { systemClock, type Clock } from '../../ports/clock.js';
import type { Deps } from '../context.js';
import type { SchedulerJob } from './job.js';

export interface SchedulerObserver {
  /** A job ran (or failed) at `at` (clock ms), taking `seconds`; `actions` is what it counted. */
  jobRan(job: SchedulerJob, outcome: { ok: true; actions: number } | { ok: false; error: unknown }, seconds: number, at: number): void;
}

export interface SchedulerOptions {
  /** This node's name in leases; unique among nodes sharing the store. */
  owner: string;
  /** How long a lease lasts unless renewed (default 5 minutes). */
  leaseMs?: number;
  /**
   * The time leases are measured in: real time (the default), not the key
   * lifecycle clock, so moving that clock (tests' ManualClock) never expires
   * a lease a run still holds.
   */
  leaseClock?: Clock;
  observer?: SchedulerObserver;
}

/** What one run did: per job, the actions it took, or 'skipped' (another node held its lease) or 'failed'. */
export type RunReport = Record<string, number | 'skipped' | 'failed'>;

const DEFAULT_LEASE_MS = 5 * 60_000;

export class LifecycleScheduler {
  private tail: Promise<unknown> = Promise.resolve();
  /** Runs asked for and not finished; timer ticks are skipped while any is. */
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly leaseMs: number;

  constructor(
    private readonly deps: Deps,
    private readonly jobs: readonly SchedulerJob[],
    private readonly options: SchedulerOptions,
  ) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Runs every job once (after any run in progress); never rejects. */
  runOnce(): Promise<RunReport> {
    this.pending++;
    const run = this.tail.then(() => this.runJobs()).finally(() => this.pending--);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Runs every `intervalMs` (real time) until stop(), skipping a tick while a
   * run is still going (ticks never queue up); the timer does not keep the
   * process alive.
   */
  start(intervalMs: number): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => {
      if (this.pending === 0) void this.runOnce();
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.tail;
  }

  private async runJobs(): Promise<RunReport> {
    const report: RunReport = {};
    for (const job of this.jobs) report[job.name] = await this.runJob(job);
    return report;
  }

  private async runJob(job: SchedulerJob): Promise<number | 'skipped' | 'failed'> {
    const { store, clock } = this.deps;
    const owner = this.options.owner;
    const leaseClock = this.options.leaseClock ?? systemClock;
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      if (!(await store.acquireLease(job.name, owner, leaseClock.now(), this.leaseMs))) return 'skipped';
    } catch (error) {
      this.options.observer?.jobRan(job, { ok: false, error }, seconds(), clock.now());
      return 'failed';
    }
    try {
      const actions = await job.run({ deps: this.deps, renew: () => store.acquireLease(job.name, owner, leaseClock.now(), this.leaseMs) });
      this.options.observer?.jobRan(job, { ok: true, actions }, seconds(), clock.now());
      return actions;
    } catch (error) {
      this.options.observer?.jobRan(job, { ok: false, error }, seconds(), clock.now());
      return 'failed';
    } finally {
      await store.releaseLease(job.name, owner).catch(() => undefined);
    }
  }
}
