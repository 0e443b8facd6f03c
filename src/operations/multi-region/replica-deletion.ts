/**
 * Deletion of multi-Region keys. A primary scheduled for deletion while it
 * has replicas waits in PendingReplicaDeletion; its waiting period begins when
 * its last replica is deleted, when it becomes PendingDeletion. Replicas in
 * peer deployments count too (the regions the key's records list as
 * peerRegions; remote-deletion.ts forgets them once they are gone).
 */
import type { KeyRecord } from '../../domain/key-model.js';
import { isMultiRegionPrimary } from '../../domain/multi-region.js';
import type { Deps } from '../context.js';
import { mutateKey } from '../mutate-key.js';

const DAY_MS = 86_400_000;

/** Whether `key` is a primary with at least one replica, in this deployment or a peer's. */
export async function hasReplicas(key: KeyRecord, deps: Deps): Promise<boolean> {
  if (!isMultiRegionPrimary(key)) return false;
  const regions = await deps.store.multiRegionKeys(key.accountId, key.keyId);
  return regions.some((k) => k.region !== key.region || (k.peerRegions ?? []).length > 0);
}

/**
 * After a region of multi-Region key `keyId` was deleted at `now`: if only a
 * primary waiting for its replicas remains, its waiting period starts.
 */
export async function startPrimaryWaitingPeriod(deps: Deps, accountId: string, keyId: string, now: number): Promise<void> {
  const regions = await deps.store.multiRegionKeys(accountId, keyId);
  if (regions.length !== 1) return;
  const [primary] = regions;
  if ((primary.peerRegions ?? []).length > 0) return;
  if (primary.state !== 'PendingReplicaDeletion') return;
  await mutateKey(primary, deps, (k) => {
    if (k.state !== 'PendingReplicaDeletion') return k;
    k.state = 'PendingDeletion';
    k.deletionDate = now + (k.pendingWindowDays ?? 30) * DAY_MS;
    return k;
  });
}
