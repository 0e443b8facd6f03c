/**
 * Completes scheduled key deletions: every key whose deletion date has
 * passed is removed with its material and aliases. Driven by the Clock port;
 * the server calls `sweep` on a timer and at start-up, so deletions due while
 * it was down are caught up.
 */
import type { Deps } from './context.js';

export async function sweepDueDeletions(deps: Deps, batch = 100): Promise<number> {
  let deleted = 0;
  for (;;) {
    const now = deps.clock.now();
    const due = await deps.store.keysDueForDeletion(now, batch);
    for (const key of due) {
      if (await deps.store.deleteKeyIfDue(key.accountId, key.region, key.keyId, now)) deleted++;
      deps.materials.forgetKey(key.accountId, key.region, key.keyId);
    }
    if (due.length < batch) return deleted;
  }
}
