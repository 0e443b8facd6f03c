/**
 * The AWS KMS authorization decision for one request on one key (AWS KMS
 * "Key policies", "Default key policy", "Allowing users in other accounts to
 * use a KMS key", "Grants"). Combines the key policy, the caller's IAM
 * identity policies and the caller's applicable grants:
 *
 * 1. An explicit Deny in the key policy, then in an identity policy -> denied.
 *    (Grants never override a Deny: "no AWS principal has any permissions to a
 *    KMS key unless that permission is provided explicitly and never denied".)
 * 2. Caller in the key's account: allowed when the key policy allows the
 *    caller directly (by its ARN, its role's ARN, or `*`); or when the key
 *    policy allows the account (root delegation: "enables IAM policies") and
 *    an identity policy allows. The account root needs no identity policy.
 * 3. Caller in another account: allowed only when the key policy allows the
 *    caller's account or the caller, and the caller's identity policies
 *    allow. Another account's root counts as allowed by its own IAM.
 * 4. Service principals and anonymous callers have no identity policies: the
 *    key policy must allow them directly.
 * 5. Otherwise an applicable grant allows; otherwise implicit deny.
 *
 * Condition context: `kms:CallerAccount` and `aws:ResourceAccount` are added
 * when the caller's context does not supply them. Pure.
 */
import { contextLookup } from './context.js';
import { evaluatePolicyWithLookup, mergeEvaluations, type PolicyEvaluation } from './evaluate.js';
import type { ContextValue, EvaluationRequest, ParsedPolicy, RequestContext, RequestPrincipal } from './types.js';

export type KmsDenyReason =
  | 'explicit-deny-resource-policy'
  | 'explicit-deny-identity-policy'
  | 'no-resource-policy-allow'
  | 'no-identity-policy-allow';

/** What allowed the request: the key policy alone, the key policy together with IAM, or a grant. */
export type KmsAllowBasis = 'key-policy' | 'key-policy-and-identity-policy' | 'grant';

export interface KmsAuthorizationRequest {
  readonly keyPolicy: ParsedPolicy;
  readonly keyAccountId: string;
  readonly principal: RequestPrincipal;
  /** The caller's IAM policies (identity kind); empty for an account root. */
  readonly identityPolicies: readonly ParsedPolicy[];
  /**
   * Grants that apply to this caller and operation after their constraints were
   * checked elsewhere: `true`, or the ids of the applicable grants. Absent,
   * `false` or `[]`: none.
   */
  readonly grants?: boolean | readonly string[];
  /** `kms:Encrypt`; a bare `Encrypt` is read as `kms:Encrypt`. */
  readonly action: string;
  readonly keyArn: string;
  readonly context?: RequestContext;
}

interface Evaluations {
  /** The key policy's outcome. */
  readonly keyPolicy: PolicyEvaluation;
  /** The merged outcome of the identity policies. */
  readonly identity: PolicyEvaluation;
}

export type KmsDecision =
  | (Evaluations & { readonly allowed: true; readonly basis: KmsAllowBasis; readonly grantIds: readonly string[] })
  | (Evaluations & { readonly allowed: false; readonly reason: KmsDenyReason });

export function kmsAction(action: string): string {
  return action.includes(':') ? action : `kms:${action}`;
}

export function authorizeKmsRequest(req: KmsAuthorizationRequest): KmsDecision {
  const action = kmsAction(req.action);
  const p = req.principal;
  const defaults: Record<string, ContextValue> = { 'aws:ResourceAccount': req.keyAccountId };
  if (p.accountId) defaults['kms:CallerAccount'] = p.accountId;
  // The defaults go into the lookup rather than into a copy of the context: copying a context of
  // some fifty keys cost more than the rest of the decision.
  const lookup = contextLookup(req.context, p, defaults);
  const er: EvaluationRequest = { principal: p, action, resource: req.keyArn, ...(req.context ? { context: req.context } : {}) };

  const keyPolicy = evaluatePolicyWithLookup(req.keyPolicy, er, lookup);
  const identity = mergeEvaluations(req.identityPolicies.map((pol) => evaluatePolicyWithLookup(pol, er, lookup)));
  const deny = (reason: KmsDenyReason): KmsDecision => ({ keyPolicy, identity, allowed: false, reason });
  const allow = (basis: KmsAllowBasis, grantIds: readonly string[] = []): KmsDecision => ({ keyPolicy, identity, allowed: true, basis, grantIds });

  if (keyPolicy.denied) return deny('explicit-deny-resource-policy');
  if (identity.denied) return deny('explicit-deny-identity-policy');

  const isRoot = p.type === 'Root';
  const hasIam = isRoot || p.type === 'IAMUser' || p.type === 'AssumedRole';
  const iamAllows = isRoot || identity.allowed !== 'none';
  const sameAccount = hasIam && !!p.accountId && p.accountId === req.keyAccountId;

  if (!hasIam) {
    if (keyPolicy.allowed === 'direct') return allow('key-policy');
  } else if (sameAccount) {
    if (keyPolicy.allowed === 'direct') return allow('key-policy');
    if (keyPolicy.allowed === 'account' && isRoot) return allow('key-policy');
    if (keyPolicy.allowed === 'account' && iamAllows) return allow('key-policy-and-identity-policy');
  } else if (keyPolicy.allowed !== 'none' && iamAllows) {
    return allow('key-policy-and-identity-policy');
  }

  const grantIds = Array.isArray(req.grants) ? req.grants : [];
  if (req.grants === true || grantIds.length > 0) return allow('grant', grantIds);

  return deny(keyPolicy.allowed === 'none' || !hasIam ? 'no-resource-policy-allow' : 'no-identity-policy-allow');
}

/**
 * AWS's AccessDeniedException message for a denied KMS request, e.g.
 * `User: arn:aws:iam::111122223333:user/Alice is not authorized to perform:
 * kms:Encrypt on resource: arn:aws:kms:...:key/... because no resource-based
 * policy allows the kms:Encrypt action`.
 */
export function accessDeniedMessage(reason: KmsDenyReason, principalArn: string, action: string, keyArn: string): string {
  const a = kmsAction(action);
  const head = `User: ${principalArn} is not authorized to perform: ${a} on resource: ${keyArn}`;
  switch (reason) {
    case 'no-resource-policy-allow':
      return `${head} because no resource-based policy allows the ${a} action`;
    case 'no-identity-policy-allow':
      return `${head} because no identity-based policy allows the ${a} action`;
    case 'explicit-deny-resource-policy':
      return `${head} with an explicit deny in a resource-based policy`;
    case 'explicit-deny-identity-policy':
      return `${head} with an explicit deny in an identity-based policy`;
  }
}
