/**
 * Managed policies attached to users and roles: Attach/Detach User|Role
 * Policy and ListAttached User|Role Policies. At most 10 per user or role.
 * The policy ARN is available to conditions as iam:PolicyARN.
 */
import { iamErr, msg } from '../../../domain/iam/errors.js';
import { LIMITS } from '../../../domain/iam/limits.js';
import type { PolicyHolderKind } from '../../../domain/iam/model.js';
import { nameKey } from '../../../domain/iam/names.js';
import { authorizeIam } from '../authorize.js';
import type { QueryContext, QueryDeps, QueryHandler, QueryInput } from '../context.js';
import { pageFields, pageOf } from '../paging.js';
import { findPolicyByArn, requireRole, requireUser, roleResource, userResource } from './common.js';

const HOLDER = {
  user: { nameParam: 'UserName', verb: 'User', limit: LIMITS.managedPoliciesPerUser, quota: msg.userPolicyQuota },
  role: { nameParam: 'RoleName', verb: 'Role', limit: LIMITS.managedPoliciesPerRole, quota: msg.rolePolicyQuota },
} as const;

async function holderId(
  kind: PolicyHolderKind,
  action: string,
  input: QueryInput,
  ctx: QueryContext,
  deps: QueryDeps,
  context: Record<string, string> = {},
): Promise<string> {
  const name = input[HOLDER[kind].nameParam] as string;
  const accountId = ctx.caller.accountId;
  if (kind === 'user') {
    const user = await deps.identity.getUser(accountId, name);
    await authorizeIam(ctx, deps, action, userResource(ctx, name, user), context);
    return requireUser(user, name).userId;
  }
  const role = await deps.identity.getRole(accountId, name);
  await authorizeIam(ctx, deps, action, roleResource(ctx, name, role), context);
  return requireRole(role, name).roleId;
}

function attach(kind: PolicyHolderKind): QueryHandler {
  return async (input, ctx, deps) => {
    const arn = input.PolicyArn as string;
    const id = await holderId(kind, `iam:Attach${HOLDER[kind].verb}Policy`, input, ctx, deps, { 'iam:PolicyARN': arn });
    const policy = await findPolicyByArn(ctx, deps, arn);
    if (!policy) throw iamErr.noSuchEntity(msg.notAttachable(arn));
    const outcome = await deps.identity.attachPolicy(ctx.caller.accountId, id, policy.policyId, HOLDER[kind].limit, deps.clock.now());
    if (outcome === 'limitExceeded') throw iamErr.limitExceeded(HOLDER[kind].quota(HOLDER[kind].limit));
    if (outcome === 'noPolicy') throw iamErr.noSuchEntity(msg.notAttachable(arn));
    if (outcome === 'noHolder') {
      const name = input[HOLDER[kind].nameParam] as string;
      throw iamErr.noSuchEntity(kind === 'user' ? msg.noSuchUser(name) : msg.noSuchRole(name));
    }
    return undefined;
  };
}

function detach(kind: PolicyHolderKind): QueryHandler {
  return async (input, ctx, deps) => {
    const arn = input.PolicyArn as string;
    const id = await holderId(kind, `iam:Detach${HOLDER[kind].verb}Policy`, input, ctx, deps, { 'iam:PolicyARN': arn });
    const policy = await findPolicyByArn(ctx, deps, arn);
    if (!policy || !(await deps.identity.detachPolicy(ctx.caller.accountId, id, policy.policyId))) {
      throw iamErr.noSuchEntity(msg.noSuchPolicy(arn));
    }
    return undefined;
  };
}

function listAttached(kind: PolicyHolderKind): QueryHandler {
  return async (input, ctx, deps) => {
    const id = await holderId(kind, `iam:ListAttached${HOLDER[kind].verb}Policies`, input, ctx, deps);
    const prefix = (input.PathPrefix as string | undefined) ?? '/';
    const all = (await deps.identity.listAttachedPolicies(ctx.caller.accountId, id)).filter((p) => p.path.startsWith(prefix));
    const page = pageOf(all, (p) => nameKey(p.policyName), input);
    return { AttachedPolicies: page.items.map((p) => ({ PolicyName: p.policyName, PolicyArn: p.arn })), ...pageFields(page) };
  };
}

export const attachUserPolicy = attach('user');
export const detachUserPolicy = detach('user');
export const listAttachedUserPolicies = listAttached('user');
export const attachRolePolicy = attach('role');
export const detachRolePolicy = detach('role');
export const listAttachedRolePolicies = listAttached('role');
