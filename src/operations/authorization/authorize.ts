/**
 * Authorization of KMS requests: the key policy as the root of trust,
 * combined with the caller's IAM identity policies and the key's grants, as
 * AWS KMS documents it (the decision itself is policy/kms-decision.ts).
 * Denials throw AccessDeniedException with AWS's message.
 */
import { err } from '../../domain/errors.js';
import { grantAllows, type GrantRecord } from '../../domain/grants.js';
import type { KeyRecord } from '../../domain/key-model.js';
import {
  accessDeniedMessage,
  authorizeKmsRequest,
  evaluatePolicies,
  usesRequestContext,
  type ParsedPolicy,
  type RequestPrincipal,
} from '../../policy/index.js';
import type { Caller, Deps, RequestContext } from '../context.js';
import { identityPolicyDocuments } from '../identity-policies.js';
import { kmsConditionKeys, type KmsRequestFacts } from './condition-keys.js';
import { cachedPolicy } from './policy-cache.js';
import { contextFreeDecision } from './decision-memo.js';

export interface KeyActionRequest {
  /** The KMS action without prefix, e.g. 'Encrypt'. */
  action: string;
  key: KeyRecord;
  arn: string;
  facts?: KmsRequestFacts;
}

export interface KeyActionDecision {
  /** Set when only a grant allowed the request: the grant that did. */
  grant?: GrantRecord;
}

export function requestPrincipal(caller: Caller): RequestPrincipal {
  return {
    type: caller.principalType,
    arn: caller.arn,
    accountId: caller.accountId,
    userId: caller.userId,
    ...(caller.userName !== undefined ? { username: caller.userName } : {}),
    ...(caller.roleArn !== undefined ? { roleArn: caller.roleArn } : {}),
  };
}

/** The caller's IAM identity policies, parsed (cached by text). */
export async function callerIdentityPolicies(ctx: RequestContext, deps: Deps): Promise<ParsedPolicy[]> {
  if (ctx.caller.principalType === 'Root') return [];
  return (await identityPolicyDocuments(ctx.caller, deps)).map((text) => cachedPolicy(text, 'identity'));
}

async function resourceAliases(key: KeyRecord, policyTexts: string[], deps: Deps): Promise<string[] | undefined> {
  if (!policyTexts.some((t) => /kms:resourcealiases/i.test(t))) return undefined;
  const page = await deps.store.listAliases(key.accountId, key.region, key.keyId, undefined, 1000);
  return page.items.map((a) => a.aliasName);
}

/** Principals a grant's grantee may name for this caller: its ARN, and its role's ARN for a session. */
function granteeNames(caller: Caller): string[] {
  return [caller.arn, caller.roleArn].filter((x): x is string => x !== undefined);
}

/** The service a trusted integration's calls carry as kms:ViaService, if the caller is one. */
function viaServiceOf(caller: Caller, deps: Deps): string | undefined {
  if (!deps.viaServices) return undefined;
  return deps.viaServices.get(caller.arn) ?? (caller.roleArn !== undefined ? deps.viaServices.get(caller.roleArn) : undefined);
}

export async function authorizeKeyAction(deps: Deps, ctx: RequestContext, req: KeyActionRequest): Promise<KeyActionDecision> {
  const identityTexts = ctx.caller.principalType === 'Root' ? [] : await identityPolicyDocuments(ctx.caller, deps);
  const keyPolicy = cachedPolicy(req.key.policy, 'resource');
  const identityPolicies = identityTexts.map((t) => cachedPolicy(t, 'identity'));
  // Policies without conditions or variables cannot depend on the context: skip building it.
  const needsContext = usesRequestContext(keyPolicy) || identityPolicies.some(usesRequestContext);
  const context = needsContext
    ? kmsConditionKeys({
        ctx,
        now: deps.clock.now(),
        key: req.key,
        resourceAliases: await resourceAliases(req.key, [req.key.policy, ...identityTexts], deps),
        facts: { viaService: viaServiceOf(ctx.caller, deps), ...req.facts },
      })
    : undefined;
  const base = {
    keyPolicy,
    keyAccountId: req.key.accountId,
    principal: requestPrincipal(ctx.caller),
    identityPolicies,
    action: `kms:${req.action}`,
    keyArn: req.arn,
    ...(context ? { context } : {}),
  };
  const decision = contextFreeDecision(base);
  if (decision.allowed) return {};
  if (decision.reason === 'no-resource-policy-allow' || decision.reason === 'no-identity-policy-allow') {
    const names = granteeNames(ctx.caller);
    const grants = (await deps.store.grantsForKey(req.key.accountId, req.key.region, req.key.keyId)).filter(
      (g) => names.includes(g.granteePrincipal) && grantAllows(g, req.action, req.facts?.encryptionContext),
    );
    if (grants.length > 0 && authorizeKmsRequest({ ...base, grants: grants.map((g) => g.grantId) }).allowed) {
      return { grant: grants[0] };
    }
  }
  throw err.accessDenied(accessDeniedMessage(decision.reason, ctx.caller.arn, req.action, req.arn));
}

/**
 * Actions that are not on one key (CreateKey, ListKeys, GenerateRandom,
 * ListAliases, ...) are governed by IAM identity policies alone; an account
 * root may do them in its own account.
 */
export async function authorizeAccountAction(
  deps: Deps,
  ctx: RequestContext,
  action: string,
  resource: string,
  facts?: KmsRequestFacts,
): Promise<void> {
  if (ctx.caller.principalType === 'Root') return;
  const policies = await callerIdentityPolicies(ctx, deps);
  const result = evaluatePolicies(policies, {
    principal: requestPrincipal(ctx.caller),
    action: `kms:${action}`,
    resource,
    ...(policies.some(usesRequestContext)
      ? { context: kmsConditionKeys({ ctx, now: deps.clock.now(), facts: { viaService: viaServiceOf(ctx.caller, deps), ...facts } }) }
      : {}),
  });
  if (result.denied) {
    throw err.accessDenied(accessDeniedMessage('explicit-deny-identity-policy', ctx.caller.arn, action, resource));
  }
  if (result.allowed === 'none') {
    throw err.accessDenied(accessDeniedMessage('no-identity-policy-allow', ctx.caller.arn, action, resource));
  }
}
