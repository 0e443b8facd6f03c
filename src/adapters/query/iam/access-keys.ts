/**
 * Access keys of IAM users (and of the account root, when the root calls
 * without UserName): CreateAccessKey, ListAccessKeys, UpdateAccessKey,
 * DeleteAccessKey. At most two keys per user. Deactivation and deletion take
 * effect on the very next request (the credential cache is invalidated).
 */
import { iamErr, msg } from '../../../domain/iam/errors.js';
import type { IamUser } from '../../../domain/iam/model.js';
import { LIMITS } from '../../../domain/iam/limits.js';
import type { AccessKeyRecord, KeyOwner } from '../../../ports/identity-store.js';
import { generateAccessKeyId, generateSecretAccessKey, wrapAccessKey } from '../../identity/credentials.js';
import { authorizeIam } from '../authorize.js';
import type { QueryContext, QueryDeps, QueryHandler, QueryInput } from '../context.js';
import { pageFields, pageOf } from '../paging.js';
import { requireUser, userResource } from './common.js';

/** Whose keys a call is about: the named user, else the caller's own user, else the root. */
interface KeyTarget {
  owner: KeyOwner;
  /** The ARN to authorize against and to record as the key's principal. */
  arn: string;
  user?: IamUser;
}

async function keyTarget(action: string, input: QueryInput, ctx: QueryContext, deps: QueryDeps): Promise<KeyTarget> {
  const caller = ctx.caller;
  let name = input.UserName as string | undefined;
  if (name === undefined) {
    if (caller.principalType === 'Root') {
      await authorizeIam(ctx, deps, action, caller.arn);
      return { owner: { type: 'Root' }, arn: caller.arn };
    }
    if (caller.principalType !== 'IAMUser' || caller.userName === undefined) throw iamErr.validation(msg.needUserName);
    name = caller.userName;
  }
  const found = await deps.identity.getUser(caller.accountId, name);
  await authorizeIam(ctx, deps, action, userResource(ctx, name, found));
  const user = requireUser(found, name);
  return { owner: { type: 'IAMUser', userId: user.userId }, arn: user.arn, user };
}

function metadata(k: AccessKeyRecord): object {
  return { ...(k.userName !== undefined ? { UserName: k.userName } : {}), AccessKeyId: k.accessKeyId, Status: k.status, CreateDate: k.createdAt };
}

/** The target's key with this id, or NoSuchEntity. */
async function ownedKey(target: KeyTarget, accessKeyId: string, ctx: QueryContext, deps: QueryDeps): Promise<AccessKeyRecord> {
  const key = await deps.identity.getAccessKey(accessKeyId);
  const owned =
    key !== undefined &&
    key.accountId === ctx.caller.accountId &&
    (target.owner.type === 'Root' ? key.principalType === 'Root' : key.principalType === 'IAMUser' && key.userId === target.owner.userId);
  if (!owned) throw iamErr.noSuchEntity(msg.noSuchAccessKey(accessKeyId));
  return key!;
}

export const createAccessKey: QueryHandler = async (input, ctx, deps) => {
  const target = await keyTarget('iam:CreateAccessKey', input, ctx, deps);
  const secret = generateSecretAccessKey();
  const fields: Omit<AccessKeyRecord, 'wrappedSecret'> = {
    accessKeyId: generateAccessKeyId('AKIA'),
    accountId: ctx.caller.accountId,
    principalArn: target.arn,
    principalType: target.user ? 'IAMUser' : 'Root',
    status: 'Active',
    createdAt: deps.clock.now(),
    ...(target.user ? { userName: target.user.userName, userId: target.user.userId } : {}),
  };
  const record = await wrapAccessKey(deps.rootKey, fields, secret);
  if (!(await deps.identity.createAccessKey(record, LIMITS.accessKeysPerUser))) {
    if (target.user && !(await deps.identity.getUser(ctx.caller.accountId, target.user.userName))) {
      throw iamErr.noSuchEntity(msg.noSuchUser(target.user.userName));
    }
    throw iamErr.limitExceeded(msg.accessKeyQuota(LIMITS.accessKeysPerUser));
  }
  return { AccessKey: { ...metadata(record), SecretAccessKey: secret } };
};

export const listAccessKeys: QueryHandler = async (input, ctx, deps) => {
  const target = await keyTarget('iam:ListAccessKeys', input, ctx, deps);
  const keys = await deps.identity.listAccessKeys(ctx.caller.accountId, target.owner);
  const page = pageOf(keys, (k) => `${String(k.createdAt).padStart(16, '0')}/${k.accessKeyId}`, input);
  return { AccessKeyMetadata: page.items.map(metadata), ...pageFields(page) };
};

export const updateAccessKey: QueryHandler = async (input, ctx, deps) => {
  const target = await keyTarget('iam:UpdateAccessKey', input, ctx, deps);
  const status = input.Status as string;
  if (status !== 'Active' && status !== 'Inactive') throw iamErr.invalidInput(`Invalid status ${status}: use Active or Inactive.`);
  const key = await ownedKey(target, input.AccessKeyId as string, ctx, deps);
  await deps.identity.setAccessKeyStatus(key.accessKeyId, status);
  deps.credentials.forget(key.accessKeyId);
  return undefined;
};

export const deleteAccessKey: QueryHandler = async (input, ctx, deps) => {
  const target = await keyTarget('iam:DeleteAccessKey', input, ctx, deps);
  const key = await ownedKey(target, input.AccessKeyId as string, ctx, deps);
  await deps.identity.deleteAccessKey(key.accessKeyId);
  deps.credentials.forget(key.accessKeyId);
  return undefined;
};
