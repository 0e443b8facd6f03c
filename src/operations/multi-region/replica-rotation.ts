/**
 * Rotation of a multi-Region key is a property of the primary: replicas
 * refuse to change it (EnableKeyRotation, DisableKeyRotation,
 * RotateKeyOnDemand answer UnsupportedOperationException, as for any
 * operation only a primary supports) and report the primary's settings
 * (GetKeyRotationStatus). A replica reads them from the primary's record when
 * this deployment holds it, otherwise from the copy the primary's deployment
 * last pushed.
 */
import type { KeyRecord, RotationState } from '../../domain/key-model.js';
import { multiRegionKeyType } from '../../domain/multi-region.js';
import type { Deps } from '../context.js';
import { notPrimary } from './replicate-key.js';

/** UnsupportedOperationException for a multi-Region replica. */
export function assertNotReplica(key: KeyRecord, arn: string): void {
  if (multiRegionKeyType(key) === 'REPLICA') throw notPrimary(arn);
}

/** The rotation settings `key` reports: its own, or for a replica its primary's. */
export async function reportedRotation(key: KeyRecord, deps: Deps): Promise<RotationState | undefined> {
  if (multiRegionKeyType(key) !== 'REPLICA') return key.rotation;
  const primary = await deps.store.getKey(key.accountId, key.primaryRegion!, key.keyId);
  return primary ? primary.rotation : key.rotation;
}
