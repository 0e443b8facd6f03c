/**
 * Statement and policy evaluation: which statements of a policy apply to a
 * request, whether an Allow applied (and whether only through an account
 * principal), and whether an explicit Deny applied. Combining policies of
 * different kinds is the caller's business (see kms-decision.ts). Pure.
 *
 * A statement applies when its Action/NotAction, Resource/NotResource,
 * Principal/NotPrincipal and every condition match:
 * - Action: case-insensitive with `*` and `?`; NotAction: none of the patterns match.
 * - Resource: case-sensitive with `*` and `?` over the whole ARN, policy
 *   variables substituted; absent (resource policies) means any resource.
 *   A pattern whose variable does not resolve matches nothing, so under
 *   NotResource it excludes nothing.
 * - Principal: see principals.ts; NotPrincipal applies (as a direct match)
 *   to every caller its list does not match, directly or through the account.
 *   Identity policies have no principal: they apply directly to their holder.
 */
import { conditionsHold } from './conditions.js';
import { contextLookup, type ContextLookup } from './context.js';
import { matchPrincipal } from './principals.js';
import type { CompiledStatement, Effect, EvaluationRequest, ParsedPolicy, PrincipalMatch, RequestPrincipal } from './types.js';
import { resolveGlob } from './variables.js';
import { matchGlob } from './wildcards.js';

export interface MatchedStatement {
  readonly index: number;
  readonly sid?: string;
  readonly effect: Effect;
  /** 'account' when the principal element matched only through the caller's account. */
  readonly via: 'account' | 'direct';
}

export interface PolicyEvaluation {
  /** The strongest Allow that applied: none, only through an account principal, or direct. */
  readonly allowed: PrincipalMatch;
  /** Whether an explicit Deny applied. */
  readonly denied: boolean;
  /** The Sids of every applying statement (Allow and Deny), in order; statements without a Sid are omitted. */
  readonly matchedSids: readonly string[];
  readonly matched: readonly MatchedStatement[];
}

export const NO_MATCH: PolicyEvaluation = Object.freeze({ allowed: 'none', denied: false, matchedSids: [], matched: [] });

export function evaluatePolicy(policy: ParsedPolicy, request: EvaluationRequest): PolicyEvaluation {
  return evaluatePolicyWithLookup(policy, request, contextLookup(request.context, request.principal));
}

/** Evaluates several policies of one kind (e.g. a caller's identity policies) and merges the outcome. */
export function evaluatePolicies(policies: readonly ParsedPolicy[], request: EvaluationRequest): PolicyEvaluation {
  const lookup = contextLookup(request.context, request.principal);
  return mergeEvaluations(policies.map((p) => evaluatePolicyWithLookup(p, request, lookup)));
}

export function evaluatePolicyWithLookup(policy: ParsedPolicy, request: EvaluationRequest, lookup: ContextLookup): PolicyEvaluation {
  const action = request.action.toLowerCase();
  const matched: MatchedStatement[] = [];
  for (const st of policy.statements) {
    const via = statementApplies(st, action, request.resource, request.principal, lookup);
    if (via === 'none') continue;
    matched.push({ index: st.index, ...(st.sid !== undefined ? { sid: st.sid } : {}), effect: st.effect, via });
  }
  return summarize(matched);
}

export function mergeEvaluations(results: readonly PolicyEvaluation[]): PolicyEvaluation {
  if (results.length === 0) return NO_MATCH;
  if (results.length === 1) return results[0];
  return summarize(results.flatMap((r) => r.matched), results.flatMap((r) => r.matchedSids));
}

function summarize(matched: readonly MatchedStatement[], sids?: readonly string[]): PolicyEvaluation {
  let allowed: PrincipalMatch = 'none';
  let denied = false;
  for (const m of matched) {
    if (m.effect === 'Deny') denied = true;
    else if (m.via === 'direct') allowed = 'direct';
    else if (allowed === 'none') allowed = 'account';
  }
  const matchedSids = sids ?? matched.flatMap((m) => (m.sid !== undefined ? [m.sid] : []));
  return { allowed, denied, matchedSids, matched };
}

/** How a statement applies to the request ('none' when it does not). `action` must be lower-case. */
export function statementApplies(
  st: CompiledStatement,
  action: string,
  resource: string,
  principal: RequestPrincipal,
  lookup: ContextLookup,
): PrincipalMatch {
  if (st.action.patterns.some((g) => matchGlob(g, action)) === st.action.negated) return 'none';
  if (st.resource) {
    const hit = st.resource.patterns.some((t) => {
      const g = resolveGlob(t, lookup);
      return g !== null && matchGlob(g, resource);
    });
    if (hit === st.resource.negated) return 'none';
  }
  let via: PrincipalMatch = 'direct';
  if (st.principal) {
    const m = matchPrincipal(st.principal.matcher, principal);
    via = st.principal.negated ? (m === 'none' ? 'direct' : 'none') : m;
    if (via === 'none') return 'none';
  }
  return conditionsHold(st.conditions, lookup) ? via : 'none';
}
