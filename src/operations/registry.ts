/**
 * Maps each KMS operation name to its handler. Operations in the API model
 * without a handler answer UnsupportedOperationException.
 */
import type { Handler } from './context.js';
import { createAlias, deleteAlias, listAliases, updateAlias } from './aliases.js';
import { decrypt, encrypt, reEncrypt } from './crypto/encrypt-decrypt.js';
import { generateDataKeyWithPlaintext, generateDataKeyWithoutPlaintext, generateRandom } from './crypto/generate.js';
import { getKeyPolicy, listKeyPolicies, putKeyPolicy } from './key-policy.js';
import { createGrant, listGrants, listRetirableGrants, retireGrant, revokeGrant } from './grants.js';
import { createKey } from './keys/create-key.js';
import { cancelKeyDeletion, disableKey, enableKey, scheduleKeyDeletion, updateKeyDescription } from './keys/key-lifecycle.js';
import { describeKey, listKeys } from './keys/key-queries.js';
import { listResourceTags, tagResource, untagResource } from './tags.js';

export const KMS_HANDLERS: Readonly<Record<string, Handler>> = {
  CancelKeyDeletion: cancelKeyDeletion,
  CreateAlias: createAlias,
  CreateGrant: createGrant,
  CreateKey: createKey,
  Decrypt: decrypt,
  DeleteAlias: deleteAlias,
  DescribeKey: describeKey,
  DisableKey: disableKey,
  EnableKey: enableKey,
  Encrypt: encrypt,
  GenerateDataKey: generateDataKeyWithPlaintext,
  GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
  GenerateRandom: generateRandom,
  GetKeyPolicy: getKeyPolicy,
  ListAliases: listAliases,
  ListGrants: listGrants,
  ListKeyPolicies: listKeyPolicies,
  ListKeys: listKeys,
  ListResourceTags: listResourceTags,
  ListRetirableGrants: listRetirableGrants,
  PutKeyPolicy: putKeyPolicy,
  ReEncrypt: reEncrypt,
  RetireGrant: retireGrant,
  RevokeGrant: revokeGrant,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateAlias: updateAlias,
  UpdateKeyDescription: updateKeyDescription,
};
