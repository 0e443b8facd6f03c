/**
 * The lifecycle scheduler of a process (composition root: main.ts): its
 * jobs (key deletion and rotation, session clean-up, change-feed pruning)
 * and what each run tells /metrics and the log.
 */
import { hostname } from 'node:os';
import type { Metrics } from '../adapters/http/metrics.js';
import type { Logger } from '../adapters/logger.js';
import { changeFeedPruningJob } from '../adapters/store/changes/change-feed-pruning-job.js';
import type { Deps } from '../operations/context.js';
import { LIFECYCLE_JOBS } from '../operations/scheduler/jobs.js';
import { LifecycleScheduler } from '../operations/scheduler/scheduler.js';
import type { Stores } from '../ports/stores.js';
import { cryptoRandom } from '../ports/random.js';

/** `owner`: this node's name in the scheduler's leases; default host, pid and a random suffix. */
export function lifecycleSchedulerOf(deps: Deps, stores: Stores, metrics: Metrics, logger: Logger, owner?: string): LifecycleScheduler {
  return new LifecycleScheduler(deps, [...LIFECYCLE_JOBS, changeFeedPruningJob(stores.changes)], {
    owner: owner ?? `${hostname()}:${process.pid}:${cryptoRandom.bytes(6).toString('hex')}`,
    observer: {
      jobRan(job, outcome, seconds, at) {
        metrics.schedulerRun(job.name, outcome.ok, seconds, at);
        if (!outcome.ok) {
          logger.error('scheduled job failed', { job: job.name, error: String(outcome.error) });
          return;
        }
        if (outcome.actions === 0) return;
        metrics.schedulerAction(job.name, job.action, outcome.actions);
        if (job.name !== 'session-cleanup') logger.info('scheduled job completed', { job: job.name, [job.action]: outcome.actions });
      },
    },
  });
}
