/**
 * ImportKeyMaterial: unwraps key material with the wrapping private key the
 * import token carries, checks it against the key spec, and stores it wrapped
 * under the root key at a version of the key's material (see
 * domain/imported-materials.ts):
 *
 * - NEW_KEY_MATERIAL (the default for a key that never had material): the
 *   first material becomes version 1 and current; into a symmetric key that
 *   has material, the new material becomes the next version, pending
 *   rotation until RotateKeyOnDemand makes it current. One pending material
 *   at a time. Multi-Region keys take new material in the primary only
 *   (multi-region/imported-rotation.ts).
 * - EXISTING_KEY_MATERIAL (the default once the key has material): the
 *   material of one of the key's versions again (its id is derived from the
 *   key id and the material), after it expired or was deleted, or to change
 *   its expiry. KeyMaterialId, if given, must be that id. A multi-Region
 *   replica also takes its primary's material pending rotation this way.
 *
 * Each import sets that version's ExpirationModel, ValidTo and (if given)
 * KeyMaterialDescription. A PendingImport key becomes Enabled once every
 * permanently associated version is imported. Asymmetric and HMAC keys have
 * one material and take neither ImportType nor KeyMaterialId.
 */
import { KmsError, err } from '../../domain/errors.js';
import type { ImportedMaterial, KeyMaterialRecord, KeyRecord } from '../../domain/key-model.js';
import { allAssociatedImported, importedMaterialsOf, isPermanentlyAssociated, pendingRotationOf, withImportedMaterials } from '../../domain/imported-materials.js';
import { assertStateAllows } from '../../domain/key-state.js';
import { unwrapKeyMaterial } from '../../crypto/import-wrapping.js';
import { authorizeKeyAction } from '../authorization/authorize.js';
import type { Deps, Handler, Input } from '../context.js';
import { decodeBlob } from '../crypto/symmetric.js';
import { resolveKey } from '../key-resolver.js';
import { materialAad } from '../material-cache.js';
import { mutateKey } from '../mutate-key.js';
import { specOf } from '../asymmetric/common.js';
import { openImportToken } from './import-token.js';
import { checkImportedMaterial, importedMaterialId, requireExternalOrigin } from './import-rules.js';
import { withKnownMaterialId } from '../multi-region/imported-material.js';
import { assertMayImportNewMaterial, primaryPendingOf } from '../multi-region/imported-rotation.js';

const DAY_MS = 86_400_000;
/** ValidTo may be at most this far after the request. */
const MAX_VALID_TO_MS = 365 * DAY_MS;
type Expiry = { model: 'KEY_MATERIAL_EXPIRES'; validTo: number } | { model: 'KEY_MATERIAL_DOES_NOT_EXPIRE' };

/** ExpirationModel (default KEY_MATERIAL_EXPIRES) and ValidTo, checked as AWS checks them. */
function expiryOf(input: Input, now: number): Expiry {
  const model: string = input.ExpirationModel ?? 'KEY_MATERIAL_EXPIRES';
  if (model === 'KEY_MATERIAL_DOES_NOT_EXPIRE') {
    if (input.ValidTo !== undefined) throw err.validation('A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE');
    return { model };
  }
  if (input.ValidTo === undefined) throw err.validation('A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES');
  const validTo = Math.round(Number(input.ValidTo) * 1000);
  if (!(validTo > now)) throw err.validation('The validTo date must be in the future.');
  if (validTo > now + MAX_VALID_TO_MS) throw err.validation('The validTo date must be no more than 365 days from the date of the request.');
  return { model: 'KEY_MATERIAL_EXPIRES', validTo };
}

function incorrectKeyMaterial(): KmsError {
  return new KmsError('IncorrectKeyMaterialException', 'The key material in the request is different from the key material previously imported into this KMS key.');
}

interface ImportPlan {
  version: number;
  /** The key's first material: it becomes current. */
  first: boolean;
  /** A replica takes its primary's pending material: any other pending version it holds goes. */
  replacesPending?: boolean;
}

/**
 * Where the material goes, by ImportType and KeyMaterialId, against the key's
 * versions; AWS's errors otherwise. `primaryPending` is, for a multi-Region
 * replica, its primary's material pending rotation: the one material a
 * replica takes beyond its own versions (as pending rotation there too).
 */
function planImport(input: Input, key: KeyRecord, arn: string, materialId: string, primaryPending?: ImportedMaterial): ImportPlan {
  if (key.keySpec !== 'SYMMETRIC_DEFAULT' && (input.ImportType !== undefined || input.KeyMaterialId !== undefined)) {
    throw err.validation('ImportType and KeyMaterialId are only valid for symmetric encryption KMS keys.');
  }
  const materials = importedMaterialsOf(key);
  const importType: string = input.ImportType ?? (materials.length > 0 ? 'EXISTING_KEY_MATERIAL' : 'NEW_KEY_MATERIAL');
  if (importType === 'NEW_KEY_MATERIAL') {
    if (input.KeyMaterialId !== undefined) throw err.validation('KeyMaterialId cannot be specified when ImportType is NEW_KEY_MATERIAL.');
    if (materials.length === 0) return { version: 1, first: true };
    assertMayImportNewMaterial(key, arn);
    const pending = pendingRotationOf(key);
    if (pending) {
      throw err.invalidState(
        `New key material (id: ${materialId}) cannot be imported into KMS key ${key.keyId}, because another key material (id: ${pending.materialId}) is pending rotation.`,
      );
    }
    // Trent's answer (AWS does not document one): material already associated is reimported, not added again.
    if (materials.some((m) => m.materialId === materialId)) {
      throw new KmsError('IncorrectKeyMaterialException', 'The key material in the request is already associated with this KMS key. Import it with ImportType EXISTING_KEY_MATERIAL.');
    }
    return { version: Math.max(...materials.map((m) => m.version)) + 1, first: false };
  }
  if (input.KeyMaterialId !== undefined && input.KeyMaterialId !== materialId) throw incorrectKeyMaterial();
  const existing = materials.find((m) => m.materialId === materialId);
  if (existing) return { version: existing.version, first: false };
  if (primaryPending?.materialId === materialId) return { version: primaryPending.version, first: false, replacesPending: true };
  throw incorrectKeyMaterial();
}

/** The key record after importing `entry` (the plan's version). */
function withImport(k: KeyRecord, plan: ImportPlan, entry: ImportedMaterial): KeyRecord {
  const others = importedMaterialsOf(k).filter((m) => m.version !== plan.version && !(plan.replacesPending && !isPermanentlyAssociated(k, m)));
  withImportedMaterials(k, [...others, entry]);
  if (plan.first) {
    k.currentMaterialVersion = plan.version;
    k.currentMaterialId = entry.materialId;
  }
  if (k.state === 'PendingImport' && allAssociatedImported(k)) k.state = 'Enabled';
  return k;
}

async function tokenParameters(input: Input, key: KeyRecord, deps: Deps) {
  const params = await openImportToken(deps.rootKey, key, decodeBlob(input.ImportToken));
  if (!params) throw new KmsError('InvalidImportTokenException', 'The import token is not valid for this KMS key.');
  if (deps.clock.now() > params.validTo) throw new KmsError('ExpiredImportTokenException', 'The import token has expired. Get a new import token with GetParametersForImport.');
  return params;
}

export const importKeyMaterial: Handler = async (input, ctx, deps) => {
  const expiry = expiryOf(input, deps.clock.now());
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, {
    action: 'ImportKeyMaterial',
    key,
    arn,
    facts: { expirationModel: expiry.model, ...(expiry.model === 'KEY_MATERIAL_EXPIRES' ? { validTo: expiry.validTo / 1000 } : {}) },
  });
  requireExternalOrigin(key, arn);
  assertStateAllows('manage', key.state, arn);

  const params = await tokenParameters(input, key, deps);
  let material: Buffer;
  try {
    material = unwrapKeyMaterial(params.algorithm, params.spec, params.privateKeyDer, decodeBlob(input.EncryptedKeyMaterial));
  } catch {
    throw err.invalidCiphertext();
  } finally {
    params.privateKeyDer.fill(0);
  }
  const { publicKey } = checkImportedMaterial(specOf(key), material);
  const materialId = importedMaterialId(key.keyId, material);
  const primaryPending = await primaryPendingOf(key, deps);
  const precheck = planImport(input, key, arn, materialId, primaryPending);
  // Multi-Region keys: a region without material takes only the material the key's other regions have.
  if (precheck.first && key.multiRegion) {
    const known = await withKnownMaterialId(key, deps);
    if (known.currentMaterialId !== '' && known.currentMaterialId !== materialId) throw incorrectKeyMaterial();
  }

  let record: KeyMaterialRecord | undefined;
  await mutateKey(
    key,
    deps,
    (k) => {
      assertStateAllows('manage', k.state, arn);
      const plan = planImport(input, k, arn, materialId, primaryPending);
      const previous = importedMaterialsOf(k).find((m) => m.version === plan.version);
      const entry: ImportedMaterial = { version: plan.version, materialId, imported: true, expirationModel: expiry.model };
      if (expiry.model === 'KEY_MATERIAL_EXPIRES') entry.validTo = expiry.validTo;
      const description: string | undefined = input.KeyMaterialDescription ?? previous?.description;
      if (description !== undefined) entry.description = description;
      if (previous?.rotatedAt !== undefined) entry.rotatedAt = previous.rotatedAt;
      withImport(k, plan, entry);
      if (publicKey !== undefined) k.publicKey = publicKey.toString('base64');
      return k;
    },
    async (next) => {
      // The wrapping is bound to the version, so it is made for the version this attempt writes.
      const version = importedMaterialsOf(next).find((m) => m.materialId === materialId)!.version;
      record = { accountId: key.accountId, region: key.region, keyId: key.keyId, version, materialId, wrapped: Buffer.alloc(0), createdAt: deps.clock.now() };
      record.wrapped = await deps.rootKey.wrap(material, materialAad(record));
      return deps.store.putImportedMaterial(next, record);
    },
  );
  deps.materials.forgetKey(key.accountId, key.region, key.keyId);
  deps.materials.rememberRecord(record!, material);
  return { KeyId: arn, KeyMaterialId: materialId };
};
