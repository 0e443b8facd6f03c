/** CreateAlias, UpdateAlias, DeleteAlias and ListAliases. */
import { err } from '../domain/errors.js';
import { aliasArn, keyArn } from '../domain/key-ids.js';
import { assertStateAllows } from '../domain/key-state.js';
import type { AliasRecord } from '../domain/key-model.js';
import type { Deps, Handler, RequestContext } from './context.js';
import { authorizeAccountAction, authorizeKeyAction } from './authorization/authorize.js';
import { resolveKey, type ResolvedKey } from './key-resolver.js';
import { toEpochSeconds } from './key-metadata.js';
import { decodeMarker, encodeMarker, pageLimit } from './paging.js';

export const MAX_ALIASES_PER_KEY = 50;

async function targetKey(targetKeyId: string, operation: string, ctx: RequestContext, deps: Deps): Promise<ResolvedKey> {
  if (targetKeyId.startsWith('alias/') || /^arn:[^:]+:kms:[^:]*:\d{12}:alias\//.test(targetKeyId)) {
    throw err.validation('Aliases must refer to keys. Not aliases');
  }
  const target = await resolveKey(targetKeyId, ctx, deps, { allowAlias: false });
  if (target.key.accountId !== ctx.caller.accountId) {
    throw err.notFound(`Key '${target.arn}' does not exist`);
  }
  await authorizeKeyAction(deps, ctx, { action: operation, key: target.key, arn: target.arn });
  assertStateAllows('manage', target.key.state, target.arn);
  return target;
}

export const createAlias: Handler = async (input, ctx, deps) => {
  const name: string = input.AliasName;
  checkReservedAliasName(name);
  await authorizeAccountAction(deps, ctx, 'CreateAlias', aliasArn(ctx.region, ctx.caller.accountId, name));
  const target = await targetKey(input.TargetKeyId, 'CreateAlias', ctx, deps);
  const count = await deps.store.countAliasesForKey(ctx.caller.accountId, ctx.region, target.key.keyId);
  if (count >= MAX_ALIASES_PER_KEY) {
    throw err.limitExceeded(`The maximum number of aliases (${MAX_ALIASES_PER_KEY}) for key ${target.arn} has been reached.`);
  }
  const now = deps.clock.now();
  const created = await deps.store.createAlias({
    accountId: ctx.caller.accountId,
    region: ctx.region,
    aliasName: name,
    targetKeyId: target.key.keyId,
    createdAt: now,
    updatedAt: now,
  });
  if (!created) {
    throw err.alreadyExists(`An alias with the name ${aliasArn(ctx.region, ctx.caller.accountId, name)} already exists`);
  }
  return {};
};

export const updateAlias: Handler = async (input, ctx, deps) => {
  const name: string = input.AliasName;
  checkReservedAliasName(name);
  await authorizeAccountAction(deps, ctx, 'UpdateAlias', aliasArn(ctx.region, ctx.caller.accountId, name));
  const existing = await existingAlias(name, ctx, deps);
  const target = await targetKey(input.TargetKeyId, 'UpdateAlias', ctx, deps);
  const current = await deps.store.getKey(ctx.caller.accountId, ctx.region, existing.targetKeyId);
  if (current) {
    await authorizeKeyAction(deps, ctx, { action: 'UpdateAlias', key: current, arn: keyArn(current.region, current.accountId, current.keyId) });
  }
  if (current && (current.keySpec !== target.key.keySpec || current.keyUsage !== target.key.keyUsage)) {
    throw err.validation(
      `Alias ${aliasArn(ctx.region, ctx.caller.accountId, name)} cannot be changed from a key of spec ${current.keySpec} and usage ${current.keyUsage} to a key of spec ${target.key.keySpec} and usage ${target.key.keyUsage}.`,
    );
  }
  const updated = await deps.store.updateAlias({ ...existing, targetKeyId: target.key.keyId, updatedAt: deps.clock.now() });
  if (!updated) throw aliasNotFound(name, ctx);
  return {};
};

export const deleteAlias: Handler = async (input, ctx, deps) => {
  const name: string = input.AliasName;
  checkReservedAliasName(name);
  await authorizeAccountAction(deps, ctx, 'DeleteAlias', aliasArn(ctx.region, ctx.caller.accountId, name));
  const existing = await existingAlias(name, ctx, deps);
  const key = await deps.store.getKey(ctx.caller.accountId, ctx.region, existing.targetKeyId);
  if (key) await authorizeKeyAction(deps, ctx, { action: 'DeleteAlias', key, arn: keyArn(key.region, key.accountId, key.keyId) });
  if (!(await deps.store.deleteAlias(ctx.caller.accountId, ctx.region, name))) throw aliasNotFound(name, ctx);
  return {};
};

export const listAliases: Handler = async (input, ctx, deps) => {
  let keyId: string | undefined;
  if (input.KeyId !== undefined) {
    const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
    await authorizeKeyAction(deps, ctx, { action: 'ListAliases', key, arn });
    keyId = key.keyId;
  } else {
    await authorizeAccountAction(deps, ctx, 'ListAliases', '*');
  }
  const page = await deps.store.listAliases(
    ctx.caller.accountId,
    ctx.region,
    keyId,
    decodeMarker(input.Marker),
    pageLimit(input.Limit, 50, 100),
  );
  const out: Record<string, unknown> = {
    Aliases: page.items.map((a: AliasRecord) => ({
      AliasName: a.aliasName,
      AliasArn: aliasArn(a.region, a.accountId, a.aliasName),
      TargetKeyId: a.targetKeyId,
      CreationDate: toEpochSeconds(a.createdAt),
      LastUpdatedDate: toEpochSeconds(a.updatedAt),
    })),
    Truncated: page.next !== undefined,
  };
  if (page.next !== undefined) out.NextMarker = encodeMarker(page.next);
  return out;
};

async function existingAlias(name: string, ctx: RequestContext, deps: Deps): Promise<AliasRecord> {
  const alias = await deps.store.getAlias(ctx.caller.accountId, ctx.region, name);
  if (!alias) throw aliasNotFound(name, ctx);
  return alias;
}

function aliasNotFound(name: string, ctx: RequestContext) {
  return err.notFound(`Alias ${aliasArn(ctx.region, ctx.caller.accountId, name)} is not found.`);
}

/** Alias names must start with alias/; alias/aws/ names belong to AWS managed keys. */
function checkReservedAliasName(name: string): void {
  if (!name.startsWith('alias/')) {
    throw err.validation(
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  }
  if (name.startsWith('alias/aws/')) {
    throw err.notAuthorized('Aliases whose names begin with alias/aws/ are reserved for AWS managed keys.');
  }
  if (name.includes(':')) throw err.validation(`${name} contains invalid characters for an alias`);
}
