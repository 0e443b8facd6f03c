/**
 * Rotation of multi-Region keys is managed on the primary and reaches every
 * replica. A new material version of a primary is committed together with
 * its copies in every replica region of this store (one transaction, compare-
 * and-set on each region's record), so a replica never lags its primary in
 * one deployment; replicas' current version follows the primary's. For every
 * replica region a peer deployment serves, a pending push is recorded in the
 * same transaction and sent after the commit (material-push.ts); pushes that
 * fail are retried by the scheduler until the peer has the version.
 *
 * Keys with imported material (origin EXTERNAL) are not copied: AWS never
 * copies imported material between regions; it is imported into each region.
 */
import type { KeyMaterialRecord, KeyRecord } from '../../domain/key-model.js';
import { isMultiRegionPrimary } from '../../domain/multi-region.js';
import type { PeerPush } from '../../ports/key-store.js';
import type { Deps } from '../context.js';

function replicatesMaterial(key: KeyRecord): boolean {
  return key.multiRegion && isMultiRegionPrimary(key) && key.origin !== 'EXTERNAL';
}

/** The pending pushes a new version of primary `key` needs: one per replica region a configured peer serves. */
export function peerPushesFor(key: KeyRecord, version: number, deps: Deps): PeerPush[] {
  const peers = deps.replication?.peers;
  if (!peers) return [];
  return (key.peerRegions ?? []).filter((r) => peers.has(r)).map((peerRegion) => ({ accountId: key.accountId, keyId: key.keyId, peerRegion, version }));
}

/**
 * Writes a changed primary record (compare-and-set, as updateKey) with a
 * pending push to each of its peer regions in the same transaction, so a
 * change of the settings replicas report (rotation) reaches them: at once
 * (pushToPeers after the write) or by the scheduler's catch-up.
 */
export function writeWithPeerPushes(deps: Deps): (next: KeyRecord) => Promise<boolean> {
  return (next) => {
    const pushes = replicatesMaterial(next) ? peerPushesFor(next, next.currentMaterialVersion, deps) : [];
    return pushes.length === 0 ? deps.store.updateKey(next) : deps.store.addMaterialVersions([next], [], pushes);
  };
}

/**
 * Commits a new material version of `next` (the key record after rotation,
 * revision already advanced) and, for a multi-Region primary, of every local
 * replica. Returns false when any record was stale or the version existed
 * (the caller re-reads and retries).
 */
export async function commitRotation(deps: Deps, next: KeyRecord, record: KeyMaterialRecord): Promise<boolean> {
  if (!replicatesMaterial(next)) return deps.store.addMaterialVersion(next, record);
  const replicas = (await deps.store.multiRegionKeys(next.accountId, next.keyId)).filter((k) => k.region !== next.region);
  const keys = [
    next,
    ...replicas.map((r) => ({ ...r, currentMaterialVersion: record.version, currentMaterialId: record.materialId, revision: r.revision + 1 })),
  ];
  const materials = [record, ...replicas.map((r) => ({ ...record, region: r.region }))];
  return deps.store.addMaterialVersions(keys, materials, peerPushesFor(next, record.version, deps));
}
