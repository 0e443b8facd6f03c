/**
 * Rotation of keys with imported key material (origin EXTERNAL, symmetric):
 * on demand only, to material imported beforehand with ImportType
 * NEW_KEY_MATERIAL (PENDING_ROTATION). Rotating makes that version current;
 * no material is generated, and every earlier version stays, so ciphertext
 * under it still decrypts while its material is imported. ListKeyRotations
 * reports each version's import state, expiry and description.
 */
import { importedMaterialsOf, materialStateOf, pendingRotationOf, withImportedMaterials } from '../../domain/imported-materials.js';
import type { ImportedMaterial, KeyRecord } from '../../domain/key-model.js';
import type { Deps } from '../context.js';
import type { Page } from '../../ports/key-store.js';
import { toEpochSeconds } from '../key-metadata.js';
import { mutateKey } from '../mutate-key.js';
import { rotationOf } from './rotation-rules.js';

/**
 * Makes the pending version current and counts an on-demand rotation.
 * `check` (AWS's refusals: state, no pending material, the limit) runs on
 * every attempt against the latest record.
 */
export async function rotateToPendingMaterial(deps: Deps, key: KeyRecord, check: (k: KeyRecord) => void): Promise<KeyRecord> {
  return mutateKey(key, deps, (k) => {
    check(k);
    const pending = pendingRotationOf(k)!;
    const now = deps.clock.now();
    k.currentMaterialVersion = pending.version;
    k.currentMaterialId = pending.materialId;
    withImportedMaterials(
      k,
      importedMaterialsOf(k).map((m) => (m.version === pending.version ? { ...m, rotatedAt: now } : m)),
    );
    const rotation = rotationOf(k);
    k.rotation = { ...rotation, onDemandCount: rotation.onDemandCount + 1 };
    return k;
  });
}

/**
 * ListKeyRotations of a key with imported material, after version `after`:
 * the rotated versions, or with `all` every version (the first, and one
 * pending rotation) too. With `awaitingReplicas` (a multi-Region key whose
 * pending material some replica lacks) the pending version is
 * PENDING_MULTI_REGION_IMPORT_AND_ROTATION.
 */
export function importedRotations(key: KeyRecord, all: boolean, after: number, limit: number, awaitingReplicas = false): Page<Record<string, unknown>> {
  const listed = importedMaterialsOf(key).filter((m) => m.version > after && (all || m.rotatedAt !== undefined));
  const items = listed.slice(0, limit);
  const page: Page<Record<string, unknown>> = { items: items.map((m) => importedEntry(key, m, awaitingReplicas)) };
  if (listed.length > limit) page.next = String(items[items.length - 1].version);
  return page;
}

function importedEntry(key: KeyRecord, m: ImportedMaterial, awaitingReplicas: boolean): Record<string, unknown> {
  const entry: Record<string, unknown> = { KeyId: key.keyId, KeyMaterialId: m.materialId };
  if (m.description !== undefined) entry.KeyMaterialDescription = m.description;
  entry.ImportState = m.imported ? 'IMPORTED' : 'PENDING_IMPORT';
  const state = materialStateOf(key, m);
  entry.KeyMaterialState = state === 'PENDING_ROTATION' && awaitingReplicas ? 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION' : state;
  if (m.expirationModel !== undefined) entry.ExpirationModel = m.expirationModel;
  if (m.validTo !== undefined) entry.ValidTo = toEpochSeconds(m.validTo);
  if (m.rotatedAt !== undefined) {
    entry.RotationDate = toEpochSeconds(m.rotatedAt);
    entry.RotationType = 'ON_DEMAND';
  }
  return entry;
}
