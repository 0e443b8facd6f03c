/** CreateKey: a new customer managed key with generated material. */
import { err } from '../../domain/errors.js';
import { formatKeyId } from '../../domain/key-ids.js';
import type { KeyMaterialRecord, KeyRecord, Tag } from '../../domain/key-model.js';
import { defaultKeyPolicy } from '../../domain/key-policy.js';
import { keyArn } from '../../domain/key-ids.js';
import { authorizeAccountAction } from '../authorization/authorize.js';
import { acceptKeyPolicy } from '../authorization/key-policy-document.js';
import { checkRequestTags } from '../../domain/tags.js';
import type { Handler } from '../context.js';
import { keyMetadata } from '../key-metadata.js';
import { materialAad } from '../material-cache.js';

export const createKey: Handler = async (input, ctx, deps) => {
  if (input.KeySpec !== undefined && input.CustomerMasterKeySpec !== undefined) {
    throw err.validation(
      'You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.',
    );
  }
  const keySpec: string = input.KeySpec ?? input.CustomerMasterKeySpec ?? 'SYMMETRIC_DEFAULT';
  const keyUsage: string = input.KeyUsage ?? 'ENCRYPT_DECRYPT';
  if (keySpec !== 'SYMMETRIC_DEFAULT') {
    throw err.unsupported(`KeySpec ${keySpec} is not supported by this server yet. Only SYMMETRIC_DEFAULT keys can be created.`);
  }
  if (keyUsage !== 'ENCRYPT_DECRYPT') {
    throw err.validation(`KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}`);
  }
  const origin: string = input.Origin ?? 'AWS_KMS';
  if (input.CustomKeyStoreId !== undefined || input.XksKeyId !== undefined || origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE') {
    throw err.unsupported('Custom key stores are not supported by this server.');
  }
  if (origin !== 'AWS_KMS') throw err.unsupported(`Origin ${origin} is not supported by this server yet.`);
  if (input.MultiRegion === true) throw err.unsupported('Multi-Region keys are not supported by this server yet.');

  const tags: Tag[] = input.Tags ?? [];
  const bypass = input.BypassPolicyLockoutSafetyCheck === true;
  const facts = { keySpec, keyUsage, keyOrigin: origin, multiRegion: false, requestTags: input.Tags, bypassPolicyLockoutSafetyCheck: bypass };
  await authorizeAccountAction(deps, ctx, 'CreateKey', '*', facts);
  if (input.Tags !== undefined) await authorizeAccountAction(deps, ctx, 'TagResource', '*', facts);
  checkRequestTags(tags);

  const now = deps.clock.now();
  const keyId = formatKeyId(deps.random.bytes(16), false);
  if (input.Policy !== undefined) {
    await acceptKeyPolicy(input.Policy, ctx.caller.accountId, keyArn(ctx.region, ctx.caller.accountId, keyId), bypass, ctx, deps);
  }
  const material = deps.random.bytes(32);
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
  const key: KeyRecord = {
    accountId: ctx.caller.accountId,
    region: ctx.region,
    keyId,
    createdAt: now,
    description: input.Description ?? '',
    keySpec,
    keyUsage,
    origin,
    state: 'Enabled',
    multiRegion: false,
    policy: input.Policy ?? defaultKeyPolicy(ctx.caller.accountId),
    tags,
    currentMaterialVersion: 1,
    currentMaterialId: materialRecord.materialId,
    revision: 1,
  };
  await deps.store.createKey(key, materialRecord);
  deps.materials.rememberRecord(materialRecord, material);
  return { KeyMetadata: keyMetadata(key) };
};
