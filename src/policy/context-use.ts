/**
 * Whether evaluating a policy can depend on the request context: true when a
 * statement has a condition, or a Resource/NotResource with a policy variable.
 * Callers skip building the context for policies that cannot use it. Pure;
 * memoised per compiled policy.
 */
import type { ParsedPolicy } from './types.js';

const memo = new WeakMap<ParsedPolicy, boolean>();

export function usesRequestContext(policy: ParsedPolicy): boolean {
  let uses = memo.get(policy);
  if (uses === undefined) {
    uses = policy.statements.some(
      (st) => st.conditions.length > 0 || (st.resource?.patterns.some((t) => t.fixed === null) ?? false),
    );
    memo.set(policy, uses);
  }
  return uses;
}
