/**
 * Expiry of imported key material: every version of a key's material whose
 * ValidTo has passed is removed, as DeleteImportedKeyMaterial would remove
 * it (remove-imported-material.ts). Stores index each key's earliest expiry
 * over all its versions (KeyRecord.validTo), so a key is found when any
 * version is due. Driven by the Clock port; the server runs it with its
 * other scheduled work and at start-up, so material that expired while it
 * was down goes at once.
 *
 * Each expiry is recorded in the audit trail as CloudTrail's
 * `DeleteExpiredKeyMaterial` service event (with the material id) before the
 * material is removed; if the event cannot be recorded the sweep rejects and
 * the material waits for the next run.
 */
import { DELETE_EXPIRED_KEY_MATERIAL, recordKeyServiceEvent } from '../../audit/service-events.js';
import { importedMaterialsOf } from '../../domain/imported-materials.js';
import type { ImportedMaterial, KeyRecord } from '../../domain/key-model.js';
import type { Deps } from '../context.js';
import { removeImportedMaterial } from './remove-imported-material.js';

function expiredVersion(key: KeyRecord, now: number): ImportedMaterial | undefined {
  return importedMaterialsOf(key).find((m) => m.imported && m.validTo !== undefined && m.validTo <= now);
}

/** Removes all expired imported material; returns how many material versions expired. */
export async function sweepExpiredImportedMaterial(deps: Deps, batch = 100): Promise<number> {
  let expired = 0;
  for (;;) {
    const now = deps.clock.now();
    const due = await deps.store.keysWithExpiredMaterial(now, batch);
    for (let key of due) {
      for (let m = expiredVersion(key, now); m !== undefined; m = expiredVersion(key, now)) {
        await recordKeyServiceEvent(deps.audit, {
          operation: DELETE_EXPIRED_KEY_MATERIAL,
          key,
          time: now,
          additionalEventData: { keyMaterialId: m.materialId },
        });
        const removed = await removeImportedMaterial(key, deps, (k) => expiredVersion(k, now));
        if (!removed) break;
        key = removed.key;
        expired++;
      }
    }
    if (due.length < batch) return expired;
  }
}
