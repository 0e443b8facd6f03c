/** Helpers shared by the IAM handlers: entity lookup, policy-document checks, unique ids. */
import { iamErr, msg } from '../../../domain/iam/errors.js';
import type { IamRole, IamUser, ManagedPolicy } from '../../../domain/iam/model.js';
import { formatUniqueId, parseIamArn, roleArn, userArn } from '../../../domain/iam/names.js';
import { parsePolicy, PolicyDocumentError, type PolicyKind } from '../../../policy/index.js';
import type { QueryContext, QueryDeps } from '../context.js';

export function newUniqueId(deps: QueryDeps, prefix: string): string {
  return formatUniqueId(prefix, deps.random.bytes(17));
}

/** The ARN to authorize against: the entity's own, or (when it does not exist) one without a path. */
export function userResource(ctx: QueryContext, name: string, user: IamUser | undefined): string {
  return user?.arn ?? userArn(ctx.caller.accountId, '/', name);
}

export function roleResource(ctx: QueryContext, name: string, role: IamRole | undefined): string {
  return role?.arn ?? roleArn(ctx.caller.accountId, '/', name);
}

export function mustExist<T>(entity: T | undefined, message: string): T {
  if (entity === undefined) throw iamErr.noSuchEntity(message);
  return entity;
}

export function requireUser(user: IamUser | undefined, name: string): IamUser {
  return mustExist(user, msg.noSuchUser(name));
}

export function requireRole(role: IamRole | undefined, name: string): IamRole {
  return mustExist(role, msg.noSuchRole(name));
}

/** Validates a policy document with the policy engine; its complaints become MalformedPolicyDocument. */
export function checkPolicyDocument(document: string, kind: PolicyKind): void {
  try {
    parsePolicy(document, kind);
  } catch (e) {
    if (e instanceof PolicyDocumentError) throw iamErr.malformedPolicy(e.message);
    throw e;
  }
}

/**
 * The customer managed policy a PolicyArn names, looked up in the caller's
 * account (IAM calls never reach another account's policies). Throws
 * InvalidInput for a malformed ARN; undefined when there is no such policy.
 */
export async function findPolicyByArn(ctx: QueryContext, deps: QueryDeps, arn: string): Promise<ManagedPolicy | undefined> {
  const parsed = parseIamArn(arn);
  if (!parsed || parsed.kind !== 'policy') throw iamErr.invalidInput(msg.invalidArn(arn));
  if (parsed.accountId !== ctx.caller.accountId) return undefined;
  const policy = await deps.identity.getManagedPolicy(ctx.caller.accountId, parsed.name);
  return policy && policy.arn === arn ? policy : undefined;
}
