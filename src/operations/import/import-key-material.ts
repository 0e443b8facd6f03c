/**
 * ImportKeyMaterial: unwraps key material with the wrapping private key the
 * import token carries, checks it against the key spec, and stores it wrapped
 * under the root key as version 1 of the key's material. A key that had
 * material takes only the same material again (its material id is derived
 * from the key id and the material); a PendingImport key becomes Enabled.
 *
 * ImportType NEW_KEY_MATERIAL into a key that already has material (a second
 * material, pending rotation) is not supported yet: UnsupportedOperationException.
 */
import { KmsError, err } from '../../domain/errors.js';
import type { KeyMaterialRecord, KeyRecord } from '../../domain/key-model.js';
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

const DAY_MS = 86_400_000;
/** ValidTo may be at most this far after the request. */
const MAX_VALID_TO_MS = 365 * DAY_MS;
/** Imported material is always version 1 of the key's material. */
const IMPORTED_VERSION = 1;

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

/** ImportType and KeyMaterialId against the key and the material's id. */
function checkImportType(input: Input, key: KeyRecord, materialId: string): void {
  const symmetric = key.keySpec === 'SYMMETRIC_DEFAULT';
  if (!symmetric && (input.ImportType !== undefined || input.KeyMaterialId !== undefined)) {
    throw err.validation('ImportType and KeyMaterialId are only valid for symmetric encryption KMS keys.');
  }
  const hadMaterial = key.currentMaterialId !== '';
  const importType: string = input.ImportType ?? (hadMaterial ? 'EXISTING_KEY_MATERIAL' : 'NEW_KEY_MATERIAL');
  if (importType === 'NEW_KEY_MATERIAL') {
    if (input.KeyMaterialId !== undefined) throw err.validation('KeyMaterialId cannot be specified when ImportType is NEW_KEY_MATERIAL.');
    if (hadMaterial) throw err.unsupported('Importing new key material into a KMS key that already has key material (ImportType NEW_KEY_MATERIAL) is not supported by this server yet.');
    return;
  }
  if (!hadMaterial || materialId !== key.currentMaterialId) throw incorrectKeyMaterial();
  if (input.KeyMaterialId !== undefined && input.KeyMaterialId !== materialId) throw incorrectKeyMaterial();
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
  // Multi-Region keys: a region without material takes only the material the key's other regions have.
  checkImportType(input, await withKnownMaterialId(key, deps), materialId);

  const record: KeyMaterialRecord = {
    accountId: key.accountId,
    region: key.region,
    keyId: key.keyId,
    version: IMPORTED_VERSION,
    materialId,
    wrapped: Buffer.alloc(0),
    createdAt: deps.clock.now(),
  };
  record.wrapped = await deps.rootKey.wrap(material, materialAad(record));
  await mutateKey(
    key,
    deps,
    (k) => {
      assertStateAllows('manage', k.state, arn);
      if (k.currentMaterialId !== '' && k.currentMaterialId !== materialId) throw incorrectKeyMaterial();
      if (k.state === 'PendingImport') k.state = 'Enabled';
      k.currentMaterialVersion = IMPORTED_VERSION;
      k.currentMaterialId = materialId;
      k.expirationModel = expiry.model;
      if (expiry.model === 'KEY_MATERIAL_EXPIRES') k.validTo = expiry.validTo;
      else delete k.validTo;
      if (publicKey !== undefined) k.publicKey = publicKey.toString('base64');
      return k;
    },
    (next) => deps.store.putImportedMaterial(next, record),
  );
  deps.materials.forgetKey(key.accountId, key.region, key.keyId);
  deps.materials.rememberRecord(record, material);
  return { KeyId: arn, KeyMaterialId: materialId };
};
