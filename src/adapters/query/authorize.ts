/**
 * Authorization of IAM calls and the policy-engine plumbing STS shares:
 * the caller as the engine's RequestPrincipal, the global condition keys of a
 * request, and compiled policies (cached by text; compiling is pure).
 *
 * IAM calls are allowed to the account root (in its own account; IAM calls
 * never reach another account's entities), and to users and role sessions
 * whose identity policies allow the action on the resource without an
 * explicit deny. Credentials from GetSessionToken cannot call IAM (AWS
 * requires MFA information for that, which Trent does not issue).
 */
import { KmsError } from '../../domain/errors.js';
import { denyReason, iamErr, msg } from '../../domain/iam/errors.js';
import type { Caller } from '../../operations/context.js';
import { identityPolicyDocuments } from '../../operations/identity-policies.js';
import {
  evaluatePolicies,
  parsePolicy,
  type ContextValue,
  type ParsedPolicy,
  type PolicyEvaluation,
  type PolicyKind,
  type RequestContext as PolicyContext,
  type RequestPrincipal,
} from '../../policy/index.js';
import type { QueryContext, QueryDeps } from './context.js';

export function requestPrincipal(c: Caller): RequestPrincipal {
  return {
    type: c.principalType,
    arn: c.arn,
    accountId: c.accountId,
    userId: c.userId,
    ...(c.roleArn !== undefined ? { roleArn: c.roleArn } : {}),
    ...(c.userName !== undefined ? { username: c.userName } : {}),
  };
}

/** The global condition keys of a request (aws:SourceIp, aws:CurrentTime, aws:PrincipalTag/..., ...) plus `extra`. */
export function requestContext(ctx: QueryContext, now: number, extra: Record<string, ContextValue | undefined> = {}): PolicyContext {
  const out: Record<string, ContextValue | undefined> = {
    'aws:SourceIp': ctx.sourceIp || undefined,
    'aws:SecureTransport': ctx.secureTransport,
    'aws:CurrentTime': new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': Math.floor(now / 1000),
    'aws:UserAgent': ctx.userAgent || undefined,
    'aws:RequestedRegion': ctx.region,
    'aws:ViaAWSService': false,
  };
  if (ctx.credential === 'session') {
    out['aws:MultiFactorAuthPresent'] = false;
    if (ctx.issuedAt !== undefined) out['aws:TokenIssueTime'] = new Date(ctx.issuedAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  const tags = ctx.caller.principalTags ?? {};
  for (const [k, v] of Object.entries(tags)) out[`aws:PrincipalTag/${k}`] = v;
  return { ...out, ...extra };
}

const compiledCache = new Map<string, ParsedPolicy | null>();
const CACHE_LIMIT = 2000;

/** The compiled policy, or null when the stored text no longer parses (it then grants nothing). */
export function compiledPolicy(document: string, kind: PolicyKind): ParsedPolicy | null {
  const key = kind + '\u0000' + document;
  if (compiledCache.has(key)) return compiledCache.get(key)!;
  let parsed: ParsedPolicy | null;
  try {
    parsed = parsePolicy(document, kind);
  } catch {
    parsed = null;
  }
  compiledCache.set(key, parsed);
  if (compiledCache.size > CACHE_LIMIT) compiledCache.delete(compiledCache.keys().next().value as string);
  return parsed;
}

/** Evaluates the caller's identity policies for one action and resource. */
export async function evaluateIdentityPolicies(
  ctx: QueryContext,
  deps: QueryDeps,
  action: string,
  resource: string,
  context: PolicyContext,
): Promise<PolicyEvaluation> {
  const docs = await identityPolicyDocuments(ctx.caller, deps);
  const policies = docs.map((d) => compiledPolicy(d, 'identity')).filter((p): p is ParsedPolicy => p !== null);
  return evaluatePolicies(policies, { principal: requestPrincipal(ctx.caller), action, resource, context });
}

/** Throws AccessDenied unless the caller may perform `action` (e.g. iam:CreateUser) on `resource`. */
export async function authorizeIam(
  ctx: QueryContext,
  deps: QueryDeps,
  action: string,
  resource: string,
  extra: Record<string, ContextValue | undefined> = {},
): Promise<void> {
  if (ctx.credential === 'session' && ctx.caller.principalType !== 'AssumedRole') {
    throw new KmsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
  }
  if (ctx.caller.principalType === 'Root') return;
  const result = await evaluateIdentityPolicies(ctx, deps, action, resource, requestContext(ctx, deps.clock.now(), extra));
  if (result.denied) throw iamErr.accessDenied(msg.notAuthorized(ctx.caller.arn, action, resource, denyReason.explicit));
  if (result.allowed === 'none') throw iamErr.accessDenied(msg.notAuthorized(ctx.caller.arn, action, resource, denyReason.implicit(action)));
}
