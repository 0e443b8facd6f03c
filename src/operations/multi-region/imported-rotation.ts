/**
 * On-demand rotation of multi-Region keys with imported key material, as AWS
 * KMS does it. New material (ImportType NEW_KEY_MATERIAL) is imported into
 * the primary only; each replica then imports the same material with
 * EXISTING_KEY_MATERIAL, and only the primary's material pending rotation is
 * accepted there. Until every replica has it, the material's state is
 * PENDING_MULTI_REGION_IMPORT_AND_ROTATION in every region, then
 * PENDING_ROTATION. RotateKeyOnDemand on the primary needs every replica to
 * have it and makes it current in every region at once (one store
 * transaction, compare-and-set on each region's record). Deleting the
 * primary's pending material deletes it from the replicas too.
 *
 * Replicas in peer deployments cannot be checked or switched in the same
 * transaction, so a primary with replicas there takes no new material
 * (UnsupportedOperationException) and does not rotate to one.
 */
import { err } from '../../domain/errors.js';
import { importedMaterialsOf, isPermanentlyAssociated, pendingRotationOf, withImportedMaterials } from '../../domain/imported-materials.js';
import type { ImportedMaterial, KeyRecord } from '../../domain/key-model.js';
import { isMultiRegionPrimary, multiRegionKeyType } from '../../domain/multi-region.js';
import type { Deps } from '../context.js';
import { removeImportedMaterial } from '../import/remove-imported-material.js';
import { rotationOf } from '../rotation/rotation-rules.js';

const MAX_ATTEMPTS = 8;

function isImportedMultiRegion(key: KeyRecord): boolean {
  return key.multiRegion && key.origin === 'EXTERNAL';
}

/** Refuses NEW_KEY_MATERIAL into a replica, and into a primary with replicas in peer deployments. */
export function assertMayImportNewMaterial(key: KeyRecord, arn: string): void {
  if (!isImportedMultiRegion(key)) return;
  if (multiRegionKeyType(key) === 'REPLICA') {
    throw err.validation(
      `New key material cannot be imported into the replica key ${arn}. Import it into the primary key with ImportType NEW_KEY_MATERIAL, then into each replica key with ImportType EXISTING_KEY_MATERIAL.`,
    );
  }
  if ((key.peerRegions ?? []).length > 0) {
    throw err.unsupported(`New key material cannot be imported into ${arn}: it has replica keys in other Trent deployments (${key.peerRegions!.join(', ')}).`);
  }
}

/** The primary's material pending rotation, for a replica whose primary is in this store. */
export async function primaryPendingOf(key: KeyRecord, deps: Deps): Promise<ImportedMaterial | undefined> {
  if (!isImportedMultiRegion(key) || multiRegionKeyType(key) !== 'REPLICA') return undefined;
  const primary = await deps.store.getKey(key.accountId, key.primaryRegion!, key.keyId);
  return primary ? pendingRotationOf(primary) : undefined;
}

/** Whether `region`'s record holds `pending` imported, at the same version. */
function hasImported(record: KeyRecord, pending: ImportedMaterial): boolean {
  return importedMaterialsOf(record).some((m) => m.version === pending.version && m.materialId === pending.materialId && m.imported);
}

/** The regions of primary `key` (with `regions`, every record of the key here) that lack its pending material. */
function regionsLacking(key: KeyRecord, pending: ImportedMaterial, regions: KeyRecord[]): string[] {
  const lacking = regions.filter((r) => r.region !== key.region && !hasImported(r, pending)).map((r) => r.region);
  return [...lacking, ...(key.peerRegions ?? [])];
}

/**
 * `key` as ListKeyRotations shows it, and whether its pending material still
 * awaits a replica (PENDING_MULTI_REGION_IMPORT_AND_ROTATION). A replica that
 * has not imported the primary's pending material lists it as PENDING_IMPORT.
 */
export async function listedImportedKey(key: KeyRecord, deps: Deps): Promise<{ key: KeyRecord; awaitingReplicas: boolean }> {
  if (!isImportedMultiRegion(key)) return { key, awaitingReplicas: false };
  const regions = await deps.store.multiRegionKeys(key.accountId, key.keyId);
  const primary = regions.find((r) => isMultiRegionPrimary(r));
  const pending = primary && pendingRotationOf(primary);
  if (!primary || !pending) return { key, awaitingReplicas: false };
  let listed = key;
  if (!hasImported(key, pending)) {
    listed = structuredClone(key);
    const others = importedMaterialsOf(listed).filter((m) => isPermanentlyAssociated(listed, m));
    withImportedMaterials(listed, [...others, { version: pending.version, materialId: pending.materialId, imported: false }]);
  }
  return { key: listed, awaitingReplicas: regionsLacking(primary, pending, regions).length > 0 };
}

/**
 * RotateKeyOnDemand of a multi-Region primary with imported material: the
 * pending version becomes current in the primary and in every replica, in one
 * transaction. `check` (AWS's refusals) runs against the latest primary on
 * every attempt; KMSInvalidStateException while a replica lacks the material.
 */
export async function rotateRegionsToPending(deps: Deps, key: KeyRecord, arn: string, check: (k: KeyRecord) => void): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const regions = await deps.store.multiRegionKeys(key.accountId, key.keyId);
    const primary = regions.find((r) => r.region === key.region);
    if (!primary) throw err.notFound(`Key '${arn}' does not exist`);
    check(primary);
    const pending = pendingRotationOf(primary)!;
    const lacking = regionsLacking(primary, pending, regions);
    if (lacking.length > 0) {
      throw err.invalidState(
        `Key material (id: ${pending.materialId}) pending rotation for the key: ${arn} has not been imported into every replica key (missing in ${lacking.join(', ')}).`,
      );
    }
    const now = deps.clock.now();
    const next = regions.map((r) => {
      const k = structuredClone(r);
      k.currentMaterialVersion = pending.version;
      k.currentMaterialId = pending.materialId;
      withImportedMaterials(
        k,
        importedMaterialsOf(k).map((m) => (m.version === pending.version ? { ...m, rotatedAt: now } : m)),
      );
      if (k.region === primary.region) {
        const rotation = rotationOf(k);
        k.rotation = { ...rotation, onDemandCount: rotation.onDemandCount + 1 };
      }
      k.revision = r.revision + 1;
      return k;
    });
    if (await deps.store.updateKeys(next)) {
      for (const r of regions) deps.materials.forgetKey(r.accountId, r.region, r.keyId);
      return;
    }
  }
  throw err.internal();
}

/**
 * After the primary's material pending rotation `materialId` is to be
 * deleted: deletes it from every replica in this store first, so an
 * interruption leaves the primary's material pending and a replica to import
 * it again, never a replica holding material the primary forgot.
 */
export async function removePendingFromReplicas(primary: KeyRecord, materialId: string, deps: Deps): Promise<void> {
  if (!isImportedMultiRegion(primary) || !isMultiRegionPrimary(primary)) return;
  const pending = pendingRotationOf(primary);
  if (!pending || pending.materialId !== materialId) return;
  const replicas = (await deps.store.multiRegionKeys(primary.accountId, primary.keyId)).filter((r) => r.region !== primary.region);
  for (const replica of replicas) {
    await removeImportedMaterial(replica, deps, (k) => importedMaterialsOf(k).find((m) => m.materialId === materialId && !isPermanentlyAssociated(k, m)));
  }
}
