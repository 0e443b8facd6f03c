/**
 * Removing one version of a key's imported material, by
 * DeleteImportedKeyMaterial or when it expires: the material row goes and
 * the key record notes it, in one store transaction; cached plaintext of the
 * key is dropped.
 *
 * A permanently associated version (CURRENT or NON_CURRENT) stays listed as
 * PENDING_IMPORT, so only the same material can be imported again, and the
 * key becomes PendingImport (a key pending deletion stays so): AWS KMS
 * allows no cryptographic use of a key while any of its permanently
 * associated material is missing. A version pending rotation is forgotten and
 * the key's state does not change; other material may be imported in its place.
 */
import { importedMaterialsOf, isPermanentlyAssociated, withImportedMaterials } from '../../domain/imported-materials.js';
import type { ImportedMaterial, KeyRecord } from '../../domain/key-model.js';
import type { Deps } from '../context.js';
import { mutateKey } from '../mutate-key.js';

export interface Removed {
  key: KeyRecord;
  material: ImportedMaterial;
}

/**
 * Removes the version `pick(latest record)` names, if it is imported (`pick`
 * is asked again after a lost race); returns the record written and the
 * version removed, or undefined when nothing was removed.
 */
export async function removeImportedMaterial(
  key: KeyRecord,
  deps: Deps,
  pick: (k: KeyRecord) => ImportedMaterial | undefined,
): Promise<Removed | undefined> {
  let target: ImportedMaterial | undefined;
  const next = await mutateKey(
    key,
    deps,
    (k) => {
      const m = pick(k);
      target = m?.imported ? m : undefined;
      if (!target) return k;
      const rest = importedMaterialsOf(k).filter((x) => x.version !== target!.version);
      if (!isPermanentlyAssociated(k, target)) return withImportedMaterials(k, rest);
      const gone: ImportedMaterial = { version: target.version, materialId: target.materialId, imported: false };
      if (target.description !== undefined) gone.description = target.description;
      if (target.rotatedAt !== undefined) gone.rotatedAt = target.rotatedAt;
      withImportedMaterials(k, [...rest, gone]);
      if (k.state !== 'PendingDeletion') k.state = 'PendingImport';
      return k;
    },
    async (n) => (target ? deps.store.deleteImportedMaterial(n, target.version) : true),
  );
  deps.materials.forgetKey(key.accountId, key.region, key.keyId);
  return target ? { key: next, material: target } : undefined;
}
