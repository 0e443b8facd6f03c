/**
 * Completes scheduled key deletions: every key whose deletion date has
 * passed is removed with its material, aliases and grants.
 *
 * Each deletion is recorded in the audit trail as CloudTrail's `DeleteKey`
 * service event before the key is destroyed. If the event cannot be
 * recorded the run stops there (it rejects) and the key waits for the next
 * run: no key disappears without its event. (A crash between the event and
 * the deletion repeats the event at the next run.) The deletion itself is
 * conditional on the key still being due, so two nodes cannot both delete it.
 * Deleting the last replica of a multi-Region key starts its waiting
 * primary's deletion window; deleting a replica whose primary a peer
 * deployment holds notifies that deployment (remote-deletion.ts).
 */
import { DELETE_KEY, recordKeyServiceEvent } from '../../audit/service-events.js';
import type { Deps } from '../context.js';
import type { JobContext, SchedulerJob } from './job.js';
import { startPrimaryWaitingPeriod } from '../multi-region/replica-deletion.js';
import { deletionNoticeFor } from '../multi-region/remote-deletion.js';
import { deliverPeerPush } from '../multi-region/material-push.js';

const BATCH = 100;

export async function sweepDueDeletions(deps: Deps, renew: () => Promise<boolean> = async () => true): Promise<number> {
  let deleted = 0;
  for (;;) {
    const now = deps.clock.now();
    const due = await deps.store.keysDueForDeletion(now, BATCH);
    let progress = 0;
    for (const key of due) {
      await recordKeyServiceEvent(deps.audit, { operation: DELETE_KEY, key, time: now });
      // Recorded before the deletion: a notice for a replica that was not deleted after all is answered harmlessly.
      const notice = deletionNoticeFor(key, deps);
      if (notice) await deps.store.addMaterialVersions([], [], [notice]);
      if (await deps.store.deleteKeyIfDue(key.accountId, key.region, key.keyId, now)) {
        deleted++;
        progress++;
        if (key.multiRegion) await startPrimaryWaitingPeriod(deps, key.accountId, key.keyId, now);
        if (notice) await deliverPeerPush(notice, deps);
      }
      deps.materials.forgetKey(key.accountId, key.region, key.keyId);
    }
    if (due.length < BATCH || progress === 0 || !(await renew())) return deleted;
  }
}

export const keyDeletionJob: SchedulerJob = {
  name: 'key-deletion',
  action: 'keys_deleted',
  run: (ctx: JobContext) => sweepDueDeletions(ctx.deps, ctx.renew),
};
