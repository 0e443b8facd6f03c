/**
 * Multi-Region keys with imported key material (origin EXTERNAL): AWS never
 * copies imported material between regions; the same material is imported
 * into the primary and into each replica separately, each with its own
 * expiration. Trent's imported key-material id is derived from the key id and
 * the material, and every region shares the key id, so "the same material" is
 * "the same material id": a region that has no material yet takes only the
 * material another region of the key (in this store) already has, or, for a
 * replica, the id its primary had when it was replicated (KeyRecord
 * currentMaterialId).
 */
import type { KeyRecord } from '../../domain/key-model.js';
import type { Deps } from '../context.js';

/** `key` with the material id it must import: its own, or that of another region of the key when it has none yet. */
export async function withKnownMaterialId(key: KeyRecord, deps: Deps): Promise<KeyRecord> {
  if (!key.multiRegion || key.currentMaterialId !== '') return key;
  const known = (await deps.store.multiRegionKeys(key.accountId, key.keyId)).find((k) => k.region !== key.region && k.currentMaterialId !== '');
  return known ? { ...key, currentMaterialId: known.currentMaterialId, currentMaterialVersion: known.currentMaterialVersion } : key;
}
