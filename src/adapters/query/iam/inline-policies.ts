/**
 * Inline policies of users and roles: Put/Get/List/Delete User|Role Policy.
 * A holder's inline policies share one size quota (2,048 characters for a
 * user, 10,240 for a role, white space not counted).
 */
import { iamErr, msg } from '../../../domain/iam/errors.js';
import { LIMITS, policySize } from '../../../domain/iam/limits.js';
import type { PolicyHolderKind } from '../../../domain/iam/model.js';
import { nameKey } from '../../../domain/iam/names.js';
import { authorizeIam } from '../authorize.js';
import type { QueryContext, QueryDeps, QueryHandler, QueryInput } from '../context.js';
import { pageFields, pageOf } from '../paging.js';
import { checkPolicyDocument, requireRole, requireUser, roleResource, userResource } from './common.js';
import { encodePolicyDocument } from './shapes.js';

interface Holder {
  id: string;
  name: string;
}

const HOLDER = {
  user: { nameParam: 'UserName', verb: 'User' },
  role: { nameParam: 'RoleName', verb: 'Role' },
} as const;

/** Authorizes `iam:<Op><User|Role>Policy` on the holder and returns it (or NoSuchEntity). */
async function holder(kind: PolicyHolderKind, op: string, input: QueryInput, ctx: QueryContext, deps: QueryDeps): Promise<Holder> {
  const name = input[HOLDER[kind].nameParam] as string;
  const action = `iam:${op}${HOLDER[kind].verb}Policy`;
  const accountId = ctx.caller.accountId;
  if (kind === 'user') {
    const user = await deps.identity.getUser(accountId, name);
    await authorizeIam(ctx, deps, action, userResource(ctx, name, user));
    const u = requireUser(user, name);
    return { id: u.userId, name: u.userName };
  }
  const role = await deps.identity.getRole(accountId, name);
  await authorizeIam(ctx, deps, action, roleResource(ctx, name, role));
  const r = requireRole(role, name);
  return { id: r.roleId, name: r.roleName };
}

function noSuchPolicy(kind: PolicyHolderKind, policyName: string): Error {
  return iamErr.noSuchEntity(kind === 'user' ? msg.noSuchUserPolicy(policyName) : msg.noSuchRolePolicy(policyName));
}

function put(kind: PolicyHolderKind): QueryHandler {
  return async (input, ctx, deps) => {
    const h = await holder(kind, 'Put', input, ctx, deps);
    const policyName = input.PolicyName as string;
    const document = input.PolicyDocument as string;
    checkPolicyDocument(document, 'identity');
    const others = await deps.identity.listInlinePolicies(ctx.caller.accountId, h.id);
    const total = others.filter((p) => nameKey(p.policyName) !== nameKey(policyName)).reduce((n, p) => n + policySize(p.document), policySize(document));
    const limit = kind === 'user' ? LIMITS.userInlinePolicySize : LIMITS.roleInlinePolicySize;
    if (total > limit) throw iamErr.limitExceeded(kind === 'user' ? msg.userInlineSize(limit, h.name) : msg.roleInlineSize(limit, h.name));
    if (!(await deps.identity.putInlinePolicy(ctx.caller.accountId, h.id, { policyName, document }))) {
      throw iamErr.noSuchEntity(kind === 'user' ? msg.noSuchUser(h.name) : msg.noSuchRole(h.name));
    }
    return undefined;
  };
}

function get(kind: PolicyHolderKind): QueryHandler {
  return async (input, ctx, deps) => {
    const h = await holder(kind, 'Get', input, ctx, deps);
    const policy = await deps.identity.getInlinePolicy(ctx.caller.accountId, h.id, input.PolicyName as string);
    if (!policy) throw noSuchPolicy(kind, input.PolicyName as string);
    return { [HOLDER[kind].nameParam]: h.name, PolicyName: policy.policyName, PolicyDocument: encodePolicyDocument(policy.document) };
  };
}

function list(kind: PolicyHolderKind): QueryHandler {
  return async (input, ctx, deps) => {
    const h = await holder(kind, 'List', input, ctx, deps);
    const all = await deps.identity.listInlinePolicies(ctx.caller.accountId, h.id);
    const page = pageOf(all, (p) => nameKey(p.policyName), input);
    return { PolicyNames: page.items.map((p) => p.policyName), ...pageFields(page) };
  };
}

function remove(kind: PolicyHolderKind): QueryHandler {
  return async (input, ctx, deps) => {
    const h = await holder(kind, 'Delete', input, ctx, deps);
    if (!(await deps.identity.deleteInlinePolicy(ctx.caller.accountId, h.id, input.PolicyName as string))) {
      throw noSuchPolicy(kind, input.PolicyName as string);
    }
    return undefined;
  };
}

export const putUserPolicy = put('user');
export const getUserPolicy = get('user');
export const listUserPolicies = list('user');
export const deleteUserPolicy = remove('user');
export const putRolePolicy = put('role');
export const getRolePolicy = get('role');
export const listRolePolicies = list('role');
export const deleteRolePolicy = remove('role');
