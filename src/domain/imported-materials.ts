/**
 * The key materials of a key of origin EXTERNAL, as AWS KMS tracks them. Pure.
 *
 * Versions up to the key's current version are permanently associated with
 * the key (CURRENT, NON_CURRENT); a symmetric key may also hold one version
 * above it, imported with ImportType NEW_KEY_MATERIAL and not yet made
 * current by RotateKeyOnDemand (PENDING_ROTATION). Each import of a version
 * sets that version's expiry. A permanently associated version whose material
 * was deleted or expired stays listed (PENDING_IMPORT) so that only the same
 * material can be imported again; a pending version that is deleted or
 * expires is forgotten. The key is usable only while every permanently
 * associated version is imported.
 */
import type { ExpirationModel, ImportedMaterial, KeyRecord } from './key-model.js';

/**
 * The key's materials in version order. Records written before per-version
 * tracking carry one version in the key's own fields; it is read from there.
 */
export function importedMaterialsOf(key: KeyRecord): ImportedMaterial[] {
  if (key.importedMaterials !== undefined) return key.importedMaterials;
  if (key.origin !== 'EXTERNAL' || key.currentMaterialId === '') return [];
  const legacy: ImportedMaterial = { version: key.currentMaterialVersion, materialId: key.currentMaterialId, imported: key.expirationModel !== undefined };
  if (key.expirationModel !== undefined) legacy.expirationModel = key.expirationModel;
  if (key.validTo !== undefined) legacy.validTo = key.validTo;
  return [legacy];
}

export function isPermanentlyAssociated(key: KeyRecord, m: ImportedMaterial): boolean {
  return m.version <= key.currentMaterialVersion;
}

/** The version imported for on-demand rotation and not yet current, if any. */
export function pendingRotationOf(key: KeyRecord): ImportedMaterial | undefined {
  return importedMaterialsOf(key).find((m) => !isPermanentlyAssociated(key, m));
}

export function materialStateOf(key: KeyRecord, m: ImportedMaterial): 'CURRENT' | 'NON_CURRENT' | 'PENDING_ROTATION' {
  if (m.version === key.currentMaterialVersion) return 'CURRENT';
  return isPermanentlyAssociated(key, m) ? 'NON_CURRENT' : 'PENDING_ROTATION';
}

/** Whether every permanently associated version is imported (and there is at least one). */
export function allAssociatedImported(key: KeyRecord): boolean {
  const associated = importedMaterialsOf(key).filter((m) => isPermanentlyAssociated(key, m));
  return associated.length > 0 && associated.every((m) => m.imported);
}

/**
 * What DescribeKey reports: ExpirationModel while any permanently associated
 * material is imported (KEY_MATERIAL_EXPIRES if any of those expires), and
 * ValidTo, the earliest expiry among them.
 */
export function describedExpiry(key: KeyRecord): { expirationModel?: ExpirationModel; validTo?: number } {
  const imported = importedMaterialsOf(key).filter((m) => m.imported && isPermanentlyAssociated(key, m));
  if (imported.length === 0) return {};
  const expiries = imported.flatMap((m) => (m.validTo === undefined ? [] : [m.validTo]));
  if (expiries.length === 0) return { expirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' };
  return { expirationModel: 'KEY_MATERIAL_EXPIRES', validTo: Math.min(...expiries) };
}

/**
 * Replaces the key's materials and derives the key's own fields from them:
 * `validTo` (which stores index for the expiry sweep) is the earliest expiry
 * of any imported version, pending rotation included; `expirationModel` is
 * set while any version is imported.
 */
export function withImportedMaterials(key: KeyRecord, materials: ImportedMaterial[]): KeyRecord {
  key.importedMaterials = [...materials].sort((a, b) => a.version - b.version);
  const imported = key.importedMaterials.filter((m) => m.imported);
  const expiries = imported.flatMap((m) => (m.validTo === undefined ? [] : [m.validTo]));
  if (imported.length === 0) delete key.expirationModel;
  else key.expirationModel = expiries.length > 0 ? 'KEY_MATERIAL_EXPIRES' : 'KEY_MATERIAL_DOES_NOT_EXPIRE';
  if (expiries.length === 0) delete key.validTo;
  else key.validTo = Math.min(...expiries);
  return key;
}
