/**
 * Automatic rotation: every Enabled key whose next rotation date has passed
 * gets a new key-material version, once, and its next date a period later
 * (so a key whose date passed while no node ran rotates once, not once per
 * missed period). Disabled keys and keys pending deletion wait; a key
 * re-enabled after its date rotates at the next run.
 *
 * Each rotation is recorded as CloudTrail's `RotateKey` service event before
 * it is committed (fail closed, as deletions). The commit is compare-and-set
 * on the key's revision and re-checks that the key is still due, so two
 * nodes racing cannot rotate a key twice. (Only when a run outlives its
 * lease can two nodes both record the event for one rotation; a crash after
 * the event and before the commit repeats the event at the next run.)
 */
import { recordKeyServiceEvent, ROTATE_KEY } from '../../audit/service-events.js';
import type { KeyRecord } from '../../domain/key-model.js';
import type { Deps } from '../context.js';
import { afterAutomaticRotation } from '../rotation/rotation-rules.js';
import { rotateMaterial } from '../rotation/rotate-material.js';
import type { JobContext, SchedulerJob } from './job.js';

const BATCH = 100;

function dueAt(key: KeyRecord, now: number): boolean {
  const r = key.rotation;
  return (
    key.state === 'Enabled' &&
    key.keySpec === 'SYMMETRIC_DEFAULT' &&
    key.origin === 'AWS_KMS' &&
    r !== undefined &&
    r.automatic &&
    r.nextRotationDate !== undefined &&
    r.nextRotationDate <= now
  );
}

/** Rotates `key` if it is (still) due at `now`; returns whether this call rotated it. */
export async function rotateIfDue(deps: Deps, listed: KeyRecord, now: number): Promise<boolean> {
  // The listing may be stale (another node may have rotated the key since): start from the stored record.
  const key = await deps.store.getKey(listed.accountId, listed.region, listed.keyId);
  if (!key || !dueAt(key, now)) return false;
  const previousMaterialId = key.currentMaterialId;
  const rotated = await rotateMaterial(deps, key, {
    type: 'AUTOMATIC',
    change: (k) => {
      if (!dueAt(k, now)) return undefined;
      k.rotation = afterAutomaticRotation(k.rotation!, now);
      return k;
    },
    beforeCommit: (materialId) =>
      recordKeyServiceEvent(deps.audit, {
        operation: ROTATE_KEY,
        key,
        time: now,
        serviceEventDetails: { rotationType: 'AUTOMATIC', keyOrigin: key.origin, previousKeyMaterialId: previousMaterialId, currentKeyMaterialId: materialId },
      }),
  });
  return rotated !== undefined;
}

export async function rotateDueKeys(deps: Deps, renew: () => Promise<boolean> = async () => true): Promise<number> {
  let rotated = 0;
  for (;;) {
    const now = deps.clock.now();
    const due = await deps.store.keysDueForRotation(now, BATCH);
    let progress = 0;
    for (const key of due) {
      if (await rotateIfDue(deps, key, now)) {
        rotated++;
        progress++;
      }
    }
    if (due.length < BATCH || progress === 0 || !(await renew())) return rotated;
  }
}

export const keyRotationJob: SchedulerJob = {
  name: 'key-rotation',
  action: 'keys_rotated',
  run: (ctx: JobContext) => rotateDueKeys(ctx.deps, ctx.renew),
};
