/**
 * STS AssumeRole. The caller must be allowed sts:AssumeRole by the role's
 * trust policy (with sts:ExternalId, sts:RoleSessionName, sts:SourceIdentity,
 * aws:RequestTag/* and aws:TagKeys available to its conditions), and, when the
 * trust policy trusts the caller only through its account (or the caller is in
 * another account), also by the caller's own identity policies. An explicit
 * deny in either refuses. Session tags additionally need sts:TagSession, and
 * become the session's aws:PrincipalTag/* keys.
 *
 * Refusals, including an unknown role, are AccessDenied with AWS's message
 * `User: <caller arn> is not authorized to perform: sts:AssumeRole on resource: <role arn>`.
 * The account root cannot assume roles. Session duration: 900 s up to the
 * role's MaxSessionDuration (default 3600), and at most one hour when a role
 * session assumes a role (role chaining). Session policies (Policy,
 * PolicyArns) are not supported and are refused rather than ignored.
 */
import { iamErr } from '../../../domain/iam/errors.js';
import { LIMITS } from '../../../domain/iam/limits.js';
import type { IamRole, IamTag } from '../../../domain/iam/model.js';
import { assumedRoleArn, parseIamArn } from '../../../domain/iam/names.js';
import { requestTagContext } from '../../../domain/iam/tags.js';
import { evaluatePolicies, type RequestContext as PolicyContext } from '../../../policy/index.js';
import { issueSession } from '../../identity/sessions.js';
import { compiledPolicy, evaluateIdentityPolicies, requestContext, requestPrincipal } from '../authorize.js';
import type { QueryContext, QueryDeps, QueryHandler } from '../context.js';
import { credentialsShape } from './shapes.js';

const denied = (ctx: QueryContext, action: string, resource: string) =>
  iamErr.accessDenied(`User: ${ctx.caller.arn} is not authorized to perform: ${action} on resource: ${resource}`);

export const assumeRole: QueryHandler = async (input, ctx, deps) => {
  const roleArnIn = input.RoleArn as string;
  const sessionName = input.RoleSessionName as string;
  const tags = (input.Tags as IamTag[] | undefined) ?? [];
  if (input.Policy !== undefined || input.PolicyArns !== undefined) {
    throw iamErr.validation('Session policies (Policy, PolicyArns) are not supported by this server.');
  }
  checkSessionTags(tags);
  const parsed = parseIamArn(roleArnIn);
  if (!parsed || parsed.kind !== 'role') throw iamErr.validation(`${roleArnIn} is not a valid role ARN.`);
  if (ctx.caller.principalType === 'Root') throw iamErr.accessDenied('Roles may not be assumed by root accounts.');

  const role = await deps.identity.getRole(parsed.accountId, parsed.name);
  if (!role || role.arn !== roleArnIn) throw denied(ctx, 'sts:AssumeRole', roleArnIn);
  const context = requestContext(ctx, deps.clock.now(), {
    'sts:ExternalId': input.ExternalId as string | undefined,
    'sts:RoleSessionName': sessionName,
    'sts:SourceIdentity': input.SourceIdentity as string | undefined,
    'aws:SourceIdentity': input.SourceIdentity as string | undefined,
    'sts:TransitiveTagKeys': input.TransitiveTagKeys as string[] | undefined,
    ...requestTagContext(tags),
  });
  await authorize(ctx, deps, role, 'sts:AssumeRole', context);
  if (tags.length > 0) await authorize(ctx, deps, role, 'sts:TagSession', context);

  const duration = (input.DurationSeconds as number | undefined) ?? LIMITS.defaultRoleSessionSeconds;
  if (ctx.caller.principalType === 'AssumedRole' && duration > LIMITS.chainedSessionSeconds) {
    throw iamErr.validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (duration > role.maxSessionDuration) {
    throw iamErr.validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }

  const arn = assumedRoleArn(role.accountId, role.roleName, sessionName);
  const issued = await issueSession(
    deps.identity,
    deps.rootKey,
    {
      accountId: role.accountId,
      principalType: 'AssumedRole',
      principalArn: arn,
      principalId: role.roleId,
      roleArn: role.arn,
      roleName: role.roleName,
      sessionName,
      tags,
      ...(input.SourceIdentity !== undefined ? { sourceIdentity: input.SourceIdentity as string } : {}),
    },
    deps.clock.now(),
    duration,
  );
  return {
    Credentials: credentialsShape(issued),
    AssumedRoleUser: { AssumedRoleId: `${role.roleId}:${sessionName}`, Arn: arn },
    ...(tags.length > 0 ? { PackedPolicySize: packedSize(tags) } : {}),
    ...(input.SourceIdentity !== undefined ? { SourceIdentity: input.SourceIdentity } : {}),
  };
};

/** Trust policy first, then (when needed) the caller's identity policies; a Deny in either refuses. */
async function authorize(ctx: QueryContext, deps: QueryDeps, role: IamRole, action: string, context: PolicyContext): Promise<void> {
  const trustPolicy = compiledPolicy(role.trustPolicy, 'trust');
  if (!trustPolicy) throw denied(ctx, action, role.arn);
  const trust = evaluatePolicies([trustPolicy], { principal: requestPrincipal(ctx.caller), action, resource: role.arn, context });
  if (trust.denied || trust.allowed === 'none') throw denied(ctx, action, role.arn);
  const identity = await evaluateIdentityPolicies(ctx, deps, action, role.arn, context);
  const identityNeeded = ctx.caller.accountId !== role.accountId || trust.allowed === 'account';
  if (identity.denied || (identityNeeded && identity.allowed === 'none')) throw denied(ctx, action, role.arn);
}

function checkSessionTags(tags: readonly IamTag[]): void {
  const seen = new Set<string>();
  for (const t of tags) {
    const key = t.Key.toLowerCase();
    if (seen.has(key)) throw iamErr.validation('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(key);
  }
}

/** How full the packed session (tags) is, in percent of AWS's limit; an approximation. */
function packedSize(tags: readonly IamTag[]): number {
  const bytes = tags.reduce((n, t) => n + t.Key.length + t.Value.length + 2, 0);
  return Math.max(1, Math.ceil((bytes / 2048) * 100));
}
