/**
 * A job of the lifecycle scheduler: work that falls due with time (a key's
 * deletion date, its next rotation, imported material's expiry) rather than
 * with a request. Register a job by adding it to LIFECYCLE_JOBS (jobs.ts).
 *
 * Contract: `run` does everything due at or before the clock's now and
 * resolves with the number of actions it took. It must be safe to run again
 * after a crash or a partial run (each action re-checks, compare-and-set,
 * that it is still due), and safe against another node doing the same work
 * (the scheduler's lease keeps that rare; the compare-and-set makes it
 * harmless). A rejection reports the job failed; the remaining work waits
 * for the next run. Between batches a long job calls `renew` and stops if
 * it returns false (its lease was lost to another node).
 */
import type { Deps } from '../context.js';

export interface JobContext {
  deps: Deps;
  /** Extends this node's lease on the job; false when another node holds it now. */
  renew(): Promise<boolean>;
}

export interface SchedulerJob {
  /** Unique: the lease name and the `task` label of the scheduler metrics. */
  readonly name: string;
  /** The `action` metric label for what `run` counts (keys_deleted, keys_rotated, ...). */
  readonly action: string;
  run(ctx: JobContext): Promise<number>;
}
