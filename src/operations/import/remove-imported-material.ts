/**
 * Removing a key's imported material, by DeleteImportedKeyMaterial or when it
 * expires: the material row goes, the key record forgets the expiry and
 * becomes PendingImport (a key pending deletion stays so), in one store
 * transaction. The material id stays on the record, so only the same
 * material can be reimported. Cached plaintext of the key is dropped.
 */
import type { KeyRecord } from '../../domain/key-model.js';
import type { Deps } from '../context.js';
import { mutateKey } from '../mutate-key.js';

/** Whether the key holds imported material now. */
export function hasImportedMaterial(key: KeyRecord): boolean {
  return key.origin === 'EXTERNAL' && key.expirationModel !== undefined;
}

/**
 * Removes the material if `applies(latest record)` still holds (re-checked
 * after a lost race); returns the record written, or undefined when nothing
 * was removed.
 */
export async function removeImportedMaterial(key: KeyRecord, deps: Deps, applies: (k: KeyRecord) => boolean): Promise<KeyRecord | undefined> {
  let removed = false;
  const version = key.currentMaterialVersion;
  const next = await mutateKey(
    key,
    deps,
    (k) => {
      removed = hasImportedMaterial(k) && applies(k);
      if (!removed) return k;
      if (k.state !== 'PendingDeletion') k.state = 'PendingImport';
      delete k.expirationModel;
      delete k.validTo;
      return k;
    },
    async (n) => (removed ? deps.store.deleteImportedMaterial(n, version) : true),
  );
  deps.materials.forgetKey(key.accountId, key.region, key.keyId);
  return removed ? next : undefined;
}
