/**
 * Catch-up of multi-Region replicas in peer deployments: retries every
 * pending push (a rotation whose new version a peer has not acknowledged,
 * e.g. because it was down) until the peer has it. Each delivery sends all
 * of the key's versions, and the peer ignores those it has, so repeating a
 * delivery (after a crash, or on two nodes) is harmless. Counts deliveries.
 */
import type { Deps } from '../context.js';
import { deliverPeerPush } from '../multi-region/material-push.js';
import type { JobContext, SchedulerJob } from './job.js';

const BATCH = 100;

export async function deliverPendingPeerPushes(deps: Deps): Promise<number> {
  let delivered = 0;
  for (const push of await deps.store.pendingPeerPushes(BATCH)) {
    if (await deliverPeerPush(push, deps)) delivered++;
  }
  return delivered;
}

export const peerPushJob: SchedulerJob = {
  name: 'replication-catch-up',
  action: 'versions_pushed',
  run: (ctx: JobContext) => deliverPendingPeerPushes(ctx.deps),
};
