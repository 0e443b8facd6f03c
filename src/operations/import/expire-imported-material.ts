/**
 * Expiry of imported key material: every key whose material's ValidTo has
 * passed loses it, as DeleteImportedKeyMaterial would remove it. Driven by
 * the Clock port; the server runs it with its other scheduled work and at
 * start-up, so material that expired while it was down goes at once.
 *
 * Each expiry is recorded in the audit trail as CloudTrail's
 * `DeleteExpiredKeyMaterial` service event (with the material id) before the
 * material is removed; if the event cannot be recorded the sweep rejects and
 * the material waits for the next run.
 */
import { DELETE_EXPIRED_KEY_MATERIAL, recordKeyServiceEvent } from '../../audit/service-events.js';
import type { Deps } from '../context.js';
import { removeImportedMaterial } from './remove-imported-material.js';

/** Removes all expired imported material; returns how many keys lost theirs. */
export async function sweepExpiredImportedMaterial(deps: Deps, batch = 100): Promise<number> {
  let expired = 0;
  for (;;) {
    const now = deps.clock.now();
    const due = await deps.store.keysWithExpiredMaterial(now, batch);
    for (const key of due) {
      await recordKeyServiceEvent(deps.audit, {
        operation: DELETE_EXPIRED_KEY_MATERIAL,
        key,
        time: now,
        additionalEventData: { keyMaterialId: key.currentMaterialId },
      });
      if (await removeImportedMaterial(key, deps, (k) => k.validTo !== undefined && k.validTo <= now)) expired++;
    }
    if (due.length < batch) return expired;
  }
}
