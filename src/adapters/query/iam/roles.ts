/** IAM roles: CreateRole, GetRole, ListRoles, DeleteRole, UpdateAssumeRolePolicy. */
import { iamErr, msg } from '../../../domain/iam/errors.js';
import { LIMITS, policySize } from '../../../domain/iam/limits.js';
import type { IamRole, IamTag } from '../../../domain/iam/model.js';
import { collectionArn, ID_PREFIX, roleArn } from '../../../domain/iam/names.js';
import { checkTags, requestTagContext } from '../../../domain/iam/tags.js';
import { authorizeIam } from '../authorize.js';
import type { QueryHandler } from '../context.js';
import { pageFields, pageRequest } from '../paging.js';
import { checkPolicyDocument, newUniqueId, requireRole, roleResource } from './common.js';
import { roleShape } from './shapes.js';

function checkTrustPolicy(document: string): void {
  checkPolicyDocument(document, 'trust');
  if (policySize(document) > LIMITS.trustPolicySize) throw iamErr.limitExceeded(msg.trustPolicySize(LIMITS.trustPolicySize));
}

export const createRole: QueryHandler = async (input, ctx, deps) => {
  const accountId = ctx.caller.accountId;
  const name = input.RoleName as string;
  const path = (input.Path as string | undefined) ?? '/';
  const tags = (input.Tags as IamTag[] | undefined) ?? [];
  const arn = roleArn(accountId, path, name);
  await authorizeIam(ctx, deps, 'iam:CreateRole', arn, requestTagContext(tags));
  if (input.PermissionsBoundary !== undefined) throw iamErr.invalidInput('Permissions boundaries are not supported by this server.');
  checkTags(tags);
  checkTrustPolicy(input.AssumeRolePolicyDocument as string);
  const role: IamRole = {
    accountId,
    roleName: name,
    roleId: newUniqueId(deps, ID_PREFIX.role),
    path,
    arn,
    trustPolicy: input.AssumeRolePolicyDocument as string,
    maxSessionDuration: (input.MaxSessionDuration as number | undefined) ?? LIMITS.defaultRoleSessionSeconds,
    createdAt: deps.clock.now(),
    tags,
    ...(input.Description !== undefined ? { description: input.Description as string } : {}),
  };
  if (!(await deps.identity.createRole(role))) throw iamErr.alreadyExists(msg.roleExists(name));
  return { Role: roleShape(role, 'create') };
};

export const getRole: QueryHandler = async (input, ctx, deps) => {
  const name = input.RoleName as string;
  const role = await deps.identity.getRole(ctx.caller.accountId, name);
  await authorizeIam(ctx, deps, 'iam:GetRole', roleResource(ctx, name, role));
  return { Role: roleShape(requireRole(role, name), 'get') };
};

export const listRoles: QueryHandler = async (input, ctx, deps) => {
  const accountId = ctx.caller.accountId;
  await authorizeIam(ctx, deps, 'iam:ListRoles', collectionArn(accountId, 'role'));
  const page = await deps.identity.listRoles(accountId, { pathPrefix: input.PathPrefix as string | undefined, ...pageRequest(input) });
  return { Roles: page.items.map((r) => roleShape(r, 'list')), ...pageFields(page) };
};

export const deleteRole: QueryHandler = async (input, ctx, deps) => {
  const accountId = ctx.caller.accountId;
  const name = input.RoleName as string;
  const role = await deps.identity.getRole(accountId, name);
  await authorizeIam(ctx, deps, 'iam:DeleteRole', roleResource(ctx, name, role));
  const outcome = await deps.identity.deleteRole(accountId, name);
  if (outcome === 'notFound') throw iamErr.noSuchEntity(msg.noSuchRole(name));
  if (outcome === 'hasInlinePolicies') throw iamErr.deleteConflict(msg.mustDeletePolicies);
  if (outcome === 'hasAttachedPolicies') throw iamErr.deleteConflict(msg.mustDetachPolicies);
  if (role) deps.credentials.forgetPrincipal(role.roleId);
  return undefined;
};

export const updateAssumeRolePolicy: QueryHandler = async (input, ctx, deps) => {
  const name = input.RoleName as string;
  const role = await deps.identity.getRole(ctx.caller.accountId, name);
  await authorizeIam(ctx, deps, 'iam:UpdateAssumeRolePolicy', roleResource(ctx, name, role));
  requireRole(role, name);
  checkTrustPolicy(input.PolicyDocument as string);
  if (!(await deps.identity.updateRoleTrustPolicy(ctx.caller.accountId, name, input.PolicyDocument as string))) {
    throw iamErr.noSuchEntity(msg.noSuchRole(name));
  }
  return undefined;
};
