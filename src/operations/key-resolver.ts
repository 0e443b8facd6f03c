/**
 * Turns the key identifier a caller sent (key id, key ARN, alias name, alias
 * ARN) into the stored key, with AWS's errors for each way it can fail.
 * A key found is noted for the request's audit event (its `resources`).
 */
import { err } from '../domain/errors.js';
import { aliasArn, keyArn, parseKeyReference } from '../domain/key-ids.js';
import type { KeyRecord } from '../domain/key-model.js';
import { noteKey, type Deps, type RequestContext } from './context.js';

export interface ResolveOptions {
  /** Operations such as Encrypt accept aliases; management operations do not. */
  allowAlias: boolean;
}

export interface ResolvedKey {
  key: KeyRecord;
  arn: string;
  /** The alias name the caller used, if it named the key by alias (kms:RequestAlias). */
  alias?: string;
}

export function arnOf(key: KeyRecord): string {
  return keyArn(key.region, key.accountId, key.keyId);
}

export async function resolveKey(value: string, ctx: RequestContext, deps: Deps, options: ResolveOptions): Promise<ResolvedKey> {
  const ref = parseKeyReference(value);
  const region = ctx.region;
  let accountId = ctx.caller.accountId;
  let keyId: string;
  let alias: string | undefined;
  switch (ref.kind) {
    case 'invalid':
      throw err.notFound(`Invalid keyId '${value}'`);
    case 'keyId':
      keyId = ref.keyId;
      break;
    case 'keyArn':
      if (ref.region !== region) throw err.notFound(`Invalid arn ${ref.region}`);
      accountId = ref.accountId;
      keyId = ref.keyId;
      break;
    case 'aliasName':
    case 'aliasArn': {
      if (!options.allowAlias) throw err.notFound(`Invalid keyId '${value}'`);
      if (ref.kind === 'aliasArn') {
        if (ref.region !== region) throw err.notFound(`Invalid arn ${ref.region}`);
        accountId = ref.accountId;
      }
      const found = await deps.store.getAlias(accountId, region, ref.aliasName);
      if (!found) throw err.notFound(`Alias ${aliasArn(region, accountId, ref.aliasName)} is not found.`);
      keyId = found.targetKeyId;
      alias = ref.aliasName;
      break;
    }
  }
  const key = await deps.store.getKey(accountId, region, keyId);
  const arn = keyArn(region, accountId, keyId);
  if (!key) throw err.notFound(`Key '${arn}' does not exist`);
  noteKey(ctx, arn);
  return alias === undefined ? { key, arn } : { key, arn, alias };
}
