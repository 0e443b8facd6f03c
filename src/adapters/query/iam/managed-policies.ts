/**
 * Customer managed policies: CreatePolicy (version v1 is the default),
 * GetPolicy, GetPolicyVersion, ListPolicies, DeletePolicy. AWS managed
 * policies (arn:aws:iam::aws:policy/...) are not provided: ListPolicies with
 * Scope=AWS is empty and their ARNs are not found.
 */
import { iamErr, msg } from '../../../domain/iam/errors.js';
import { LIMITS, policySize } from '../../../domain/iam/limits.js';
import type { IamTag, ManagedPolicy } from '../../../domain/iam/model.js';
import { collectionArn, ID_PREFIX, policyArn } from '../../../domain/iam/names.js';
import { checkTags, requestTagContext } from '../../../domain/iam/tags.js';
import { authorizeIam } from '../authorize.js';
import type { QueryHandler } from '../context.js';
import { pageFields, pageRequest } from '../paging.js';
import { checkPolicyDocument, findPolicyByArn, mustExist, newUniqueId } from './common.js';
import { policyShape, policyVersionShape } from './shapes.js';

export const createPolicy: QueryHandler = async (input, ctx, deps) => {
  const accountId = ctx.caller.accountId;
  const name = input.PolicyName as string;
  const path = (input.Path as string | undefined) ?? '/';
  const tags = (input.Tags as IamTag[] | undefined) ?? [];
  const document = input.PolicyDocument as string;
  const arn = policyArn(accountId, path, name);
  await authorizeIam(ctx, deps, 'iam:CreatePolicy', arn, requestTagContext(tags));
  checkTags(tags);
  checkPolicyDocument(document, 'identity');
  if (policySize(document) > LIMITS.managedPolicySize) throw iamErr.limitExceeded(msg.managedPolicySize(LIMITS.managedPolicySize));
  const now = deps.clock.now();
  const policy: ManagedPolicy = {
    accountId,
    policyName: name,
    policyId: newUniqueId(deps, ID_PREFIX.policy),
    path,
    arn,
    defaultVersionId: 'v1',
    attachmentCount: 0,
    createdAt: now,
    updatedAt: now,
    tags,
    ...(input.Description !== undefined ? { description: input.Description as string } : {}),
  };
  const created = await deps.identity.createManagedPolicy(policy, { versionId: 'v1', document, isDefaultVersion: true, createdAt: now });
  if (!created) throw iamErr.alreadyExists(msg.policyExists(name));
  return { Policy: policyShape(policy, 'create') };
};

export const getPolicy: QueryHandler = async (input, ctx, deps) => {
  const arn = input.PolicyArn as string;
  await authorizeIam(ctx, deps, 'iam:GetPolicy', arn);
  const policy = mustExist(await findPolicyByArn(ctx, deps, arn), msg.noSuchPolicy(arn));
  return { Policy: policyShape(policy, 'get') };
};

export const getPolicyVersion: QueryHandler = async (input, ctx, deps) => {
  const arn = input.PolicyArn as string;
  const versionId = input.VersionId as string;
  await authorizeIam(ctx, deps, 'iam:GetPolicyVersion', arn);
  const policy = mustExist(await findPolicyByArn(ctx, deps, arn), msg.noSuchPolicy(arn));
  const version = await deps.identity.getPolicyVersion(ctx.caller.accountId, policy.policyName, versionId);
  return { PolicyVersion: policyVersionShape(mustExist(version, msg.noSuchPolicyVersion(arn, versionId))) };
};

export const listPolicies: QueryHandler = async (input, ctx, deps) => {
  const accountId = ctx.caller.accountId;
  await authorizeIam(ctx, deps, 'iam:ListPolicies', collectionArn(accountId, 'policy'));
  if (input.Scope === 'AWS' || input.PolicyUsageFilter === 'PermissionsBoundary') return { Policies: [], IsTruncated: false };
  const page = await deps.identity.listManagedPolicies(accountId, {
    pathPrefix: input.PathPrefix as string | undefined,
    onlyAttached: input.OnlyAttached === true,
    ...pageRequest(input),
  });
  return { Policies: page.items.map((p) => policyShape(p, 'list')), ...pageFields(page) };
};

export const deletePolicy: QueryHandler = async (input, ctx, deps) => {
  const arn = input.PolicyArn as string;
  await authorizeIam(ctx, deps, 'iam:DeletePolicy', arn);
  const policy = mustExist(await findPolicyByArn(ctx, deps, arn), msg.noSuchPolicy(arn));
  const outcome = await deps.identity.deleteManagedPolicy(ctx.caller.accountId, policy.policyName);
  if (outcome === 'notFound') throw iamErr.noSuchEntity(msg.noSuchPolicy(arn));
  if (outcome === 'attached') throw iamErr.deleteConflict(msg.policyAttached);
  return undefined;
};
