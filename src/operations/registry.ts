/**
 * Maps each KMS operation name to its handler. Operations in the API model
 * without a handler answer UnsupportedOperationException.
 */
import type { Handler } from './context.js';
import { createAlias, deleteAlias, listAliases, updateAlias } from './aliases.js';
import { deriveSharedSecretHandler } from './asymmetric/derive-shared-secret.js';
import { getPublicKey } from './asymmetric/public-key.js';
import { signHandler, verifyHandler } from './asymmetric/sign-verify.js';
import { generateDataKeyPair, generateDataKeyPairWithoutPlaintext } from './crypto/data-key-pair.js';
import { decrypt, encrypt, reEncrypt } from './crypto/encrypt-decrypt.js';
import { generateMacHandler, verifyMacHandler } from './crypto/mac.js';
import { generateDataKeyWithPlaintext, generateDataKeyWithoutPlaintext, generateRandom } from './crypto/generate.js';
import { getKeyLastUsage } from './key-last-usage.js';
import { getKeyPolicy, listKeyPolicies, putKeyPolicy } from './key-policy.js';
import { createGrant, listGrants, listRetirableGrants, retireGrant, revokeGrant } from './grants.js';
import { createKey } from './keys/create-key.js';
import { deleteImportedKeyMaterial } from './import/delete-imported-key-material.js';
import { getParametersForImport } from './import/get-parameters-for-import.js';
import { importKeyMaterial } from './import/import-key-material.js';
import { cancelKeyDeletion, disableKey, enableKey, scheduleKeyDeletion, updateKeyDescription } from './keys/key-lifecycle.js';
import { describeKey, listKeys } from './keys/key-queries.js';
import { replicateKey } from './multi-region/replicate-key.js';
import { updatePrimaryRegion } from './multi-region/update-primary-region.js';
import { listResourceTags, tagResource, untagResource } from './tags.js';
import { disableKeyRotation, enableKeyRotation, getKeyRotationStatus, listKeyRotations, rotateKeyOnDemand } from './rotation/key-rotation.js';

export const KMS_HANDLERS: Readonly<Record<string, Handler>> = {
  CancelKeyDeletion: cancelKeyDeletion,
  CreateAlias: createAlias,
  CreateGrant: createGrant,
  CreateKey: createKey,
  Decrypt: decrypt,
  DeleteAlias: deleteAlias,
  DeleteImportedKeyMaterial: deleteImportedKeyMaterial,
  DeriveSharedSecret: deriveSharedSecretHandler,
  DescribeKey: describeKey,
  DisableKey: disableKey,
  DisableKeyRotation: disableKeyRotation,
  EnableKey: enableKey,
  EnableKeyRotation: enableKeyRotation,
  Encrypt: encrypt,
  GenerateDataKey: generateDataKeyWithPlaintext,
  GenerateDataKeyPair: generateDataKeyPair,
  GenerateDataKeyPairWithoutPlaintext: generateDataKeyPairWithoutPlaintext,
  GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
  GenerateMac: generateMacHandler,
  GenerateRandom: generateRandom,
  GetKeyLastUsage: getKeyLastUsage,
  GetKeyPolicy: getKeyPolicy,
  GetParametersForImport: getParametersForImport,
  GetKeyRotationStatus: getKeyRotationStatus,
  GetPublicKey: getPublicKey,
  ImportKeyMaterial: importKeyMaterial,
  ListAliases: listAliases,
  ListGrants: listGrants,
  ListKeyPolicies: listKeyPolicies,
  ListKeyRotations: listKeyRotations,
  ListKeys: listKeys,
  ListResourceTags: listResourceTags,
  ListRetirableGrants: listRetirableGrants,
  PutKeyPolicy: putKeyPolicy,
  ReEncrypt: reEncrypt,
  ReplicateKey: replicateKey,
  RetireGrant: retireGrant,
  RevokeGrant: revokeGrant,
  RotateKeyOnDemand: rotateKeyOnDemand,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  Sign: signHandler,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateAlias: updateAlias,
  UpdateKeyDescription: updateKeyDescription,
  UpdatePrimaryRegion: updatePrimaryRegion,
  Verify: verifyHandler,
  VerifyMac: verifyMacHandler,
};
