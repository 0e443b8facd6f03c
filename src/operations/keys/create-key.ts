/**
 * CreateKey: a new customer managed key with generated material, of any
 * supported key spec; or, with Origin EXTERNAL, a key without material
 * (PendingImport) for the key specs that take imported material.
 */
import { err } from '../../domain/errors.js';
import { formatKeyId } from '../../domain/key-ids.js';
import type { KeyMaterialRecord, KeyRecord, Tag } from '../../domain/key-model.js';
import { defaultKeyPolicy } from '../../domain/key-policy.js';
import { keyArn } from '../../domain/key-ids.js';
import {
  isKeyUsageCompatible,
  KEY_SPEC_TABLE,
  KEY_USAGE_REQUIRED_MESSAGE,
  keyUsageIncompatibleMessage,
  type KeySpec,
  type KeyUsage,
} from '../../domain/key-specs.js';
import { generateKeyPairAsyncFor, SM2_SUPPORTED, SM2_UNSUPPORTED_MESSAGE } from '../../crypto/keyspecs/index.js';
import { authorizeAccountAction } from '../authorization/authorize.js';
import { acceptKeyPolicy } from '../authorization/key-policy-document.js';
import { checkRequestTags } from '../../domain/tags.js';
import type { Deps, Handler } from '../context.js';
import { describedMetadata } from '../multi-region/configuration.js';
import { materialAad } from '../material-cache.js';
import { importSupported } from '../import/import-rules.js';

/**
 * The key spec and usage of a CreateKey request, checked as AWS checks them.
 * KeySpec and KeyUsage are enums the model validation already enforced.
 */
function specAndUsage(input: Record<string, any>): { keySpec: KeySpec; keyUsage: KeyUsage } {
  if (input.KeySpec !== undefined && input.CustomerMasterKeySpec !== undefined) {
    throw err.validation(
      'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.',
    );
  }
  const keySpec: KeySpec = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
  if (keySpec === 'SM2' && !SM2_SUPPORTED) throw err.unsupported(SM2_UNSUPPORTED_MESSAGE);
  if (input.KeyUsage === undefined && keySpec !== 'SYMMETRIC_DEFAULT') throw err.validation(KEY_USAGE_REQUIRED_MESSAGE);
  const keyUsage: KeyUsage = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
  if (!isKeyUsageCompatible(keySpec, keyUsage)) throw err.validation(keyUsageIncompatibleMessage(keyUsage, keySpec));
  return { keySpec, keyUsage };
}

/**
 * Fresh key material: 32 random bytes for SYMMETRIC_DEFAULT, the spec's key
 * length of random bytes for HMAC, the PKCS#8 DER private key (with its
 * SubjectPublicKeyInfo) for asymmetric specs. RSA and EC pairs are generated
 * off the event loop.
 */
async function newMaterial(keySpec: KeySpec, deps: Deps): Promise<{ material: Buffer; publicKey?: Buffer }> {
  const info = KEY_SPEC_TABLE[keySpec];
  if (info.family === 'SYMMETRIC') return { material: deps.random.bytes(32) };
  if (info.family === 'HMAC') return { material: deps.random.bytes(info.hmacKeyBytes!) };
  const pair = await generateKeyPairAsyncFor(keySpec);
  return { material: pair.privateKeyDer, publicKey: pair.publicKeyDer };
}

export const createKey: Handler = async (input, ctx, deps) => {
  const { keySpec, keyUsage } = specAndUsage(input);
  const origin: string = input.Origin ?? 'AWS_KMS';
  if (input.CustomKeyStoreId !== undefined || input.XksKeyId !== undefined || origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE') {
    throw err.unsupported('Custom key stores are not supported by this server.');
  }
  if (origin !== 'AWS_KMS' && origin !== 'EXTERNAL') throw err.unsupported(`Origin ${origin} is not supported by this server yet.`);
  if (origin === 'EXTERNAL' && !importSupported(keySpec)) {
    throw err.unsupported(`KeySpec ${keySpec} is not supported for Origin EXTERNAL.`);
  }
  const multiRegion = input.MultiRegion === true;

  const tags: Tag[] = input.Tags ?? [];
  const bypass = input.BypassPolicyLockoutSafetyCheck === true;
  const facts = { keySpec, keyUsage, keyOrigin: origin, multiRegion, requestTags: input.Tags, bypassPolicyLockoutSafetyCheck: bypass };
  await authorizeAccountAction(deps, ctx, 'CreateKey', '*', facts);
  if (input.Tags !== undefined) await authorizeAccountAction(deps, ctx, 'TagResource', '*', facts);
  checkRequestTags(tags);

  const now = deps.clock.now();
  const keyId = formatKeyId(deps.random.bytes(16), multiRegion);
  if (input.Policy !== undefined) {
    await acceptKeyPolicy(input.Policy, ctx.caller.accountId, keyArn(ctx.region, ctx.caller.accountId, keyId), bypass, ctx, deps);
  }
  const key: KeyRecord = {
    accountId: ctx.caller.accountId,
    region: ctx.region,
    keyId,
    createdAt: now,
    description: input.Description ?? '',
    keySpec,
    keyUsage,
    origin,
    state: origin === 'EXTERNAL' ? 'PendingImport' : 'Enabled',
    multiRegion,
    ...(multiRegion ? { primaryRegion: ctx.region } : {}),
    policy: input.Policy ?? defaultKeyPolicy(ctx.caller.accountId),
    tags,
    currentMaterialVersion: origin === 'EXTERNAL' ? 0 : 1,
    currentMaterialId: '',
    revision: 1,
  };
  if (origin === 'EXTERNAL') {
    await deps.store.createKey(key);
    return { KeyMetadata: await describedMetadata(key, deps) };
  }
  const { material, publicKey } = await newMaterial(keySpec, deps);
  const materialRecord: KeyMaterialRecord = {
    accountId: ctx.caller.accountId,
    region: ctx.region,
    keyId,
    version: 1,
    materialId: deps.random.bytes(32).toString('hex'),
    wrapped: Buffer.alloc(0),
    createdAt: now,
  };
  materialRecord.wrapped = await deps.rootKey.wrap(material, materialAad(materialRecord));
  key.currentMaterialId = materialRecord.materialId;
  if (publicKey !== undefined) key.publicKey = publicKey.toString('base64');
  await deps.store.createKey(key, materialRecord);
  deps.materials.rememberRecord(materialRecord, material);
  return { KeyMetadata: await describedMetadata(key, deps) };
};
