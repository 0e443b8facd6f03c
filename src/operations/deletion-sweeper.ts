/**
 * Completes scheduled key deletions: every key whose deletion date has
 * passed is removed with its material and aliases. Driven by the Clock port;
 * the server calls `sweep` on a timer and at start-up, so deletions due while
 * it was down are caught up.
 *
 * Each deletion is recorded in the audit trail as CloudTrail's `DeleteKey`
 * service event before the key is destroyed. If the event cannot be
 * recorded the sweep stops there (it rejects) and the key waits for the next
 * run: no key disappears without its event. (A crash between the event and
 * the deletion repeats the event at the next sweep.) Deleting the last
 * replica of a multi-Region key starts its waiting primary's deletion window.
 */
import { DELETE_KEY, recordKeyServiceEvent } from '../audit/service-events.js';
import type { Deps } from './context.js';
import { startPrimaryWaitingPeriod } from './multi-region/replica-deletion.js';

export async function sweepDueDeletions(deps: Deps, batch = 100): Promise<number> {
  let deleted = 0;
  for (;;) {
    const now = deps.clock.now();
    const due = await deps.store.keysDueForDeletion(now, batch);
    for (const key of due) {
      await recordKeyServiceEvent(deps.audit, { operation: DELETE_KEY, key, time: now });
      if (await deps.store.deleteKeyIfDue(key.accountId, key.region, key.keyId, now)) {
        deleted++;
        if (key.multiRegion) await startPrimaryWaitingPeriod(deps, key.accountId, key.keyId, now);
      }
      deps.materials.forgetKey(key.accountId, key.region, key.keyId);
    }
    if (due.length < batch) return deleted;
  }
}
