/** Drops change-feed rows older than CHANGE_RETENTION_MS, as a lifecycle job (one node at a time). */
import type { ChangeLog } from '../../../ports/change-log.js';
import type { SchedulerJob } from '../../../operations/scheduler/job.js';
import { CHANGE_RETENTION_MS } from './published-changes.js';

export function changeFeedPruningJob(changes: ChangeLog): SchedulerJob {
  return {
    name: 'change-feed-pruning',
    action: 'changes_pruned',
    run: () => changes.prune(CHANGE_RETENTION_MS),
  };
}
