/**
 * Case-insensitive access to a request context, completed with the global
 * condition keys that follow from the principal. Pure.
 */
import type { ContextValue, RequestContext, RequestPrincipal } from './types.js';

export interface ContextLookup {
  /** The value of a condition key; `key` must already be lower-case. */
  get(key: string): ContextValue | undefined;
}

/**
 * Builds the lookup for one request. Cheap (one pass over the context), but
 * callers evaluating several policies for one request should build it once and
 * use the `...WithLookup` evaluation functions.
 */
export function contextLookup(
  context: RequestContext | undefined,
  principal?: RequestPrincipal,
  /** Keys that apply when neither the context nor the principal gives them a value. */
  defaults?: RequestContext,
): ContextLookup {
  const map = new Map<string, ContextValue>();
  if (defaults) setAll(map, defaults);
  if (principal) setAll(map, principalContextKeys(principal));
  if (context) setAll(map, context);
  return { get: (key) => map.get(key) };
}

/** Adds every defined entry of `values` under its lower-cased name (a later value replaces an earlier one). */
function setAll(map: Map<string, ContextValue>, values: RequestContext): void {
  for (const k in values) {
    const v = values[k];
    if (v !== undefined) map.set(k.toLowerCase(), v);
  }
}

/**
 * The global condition keys a principal implies (IAM "global condition context keys"):
 * aws:PrincipalAccount, aws:PrincipalArn (the role ARN for an assumed-role session),
 * aws:PrincipalType (Account | User | AssumedRole | Anonymous), aws:userid,
 * aws:username (IAM users only), aws:PrincipalServiceName (services only).
 */
export function principalContextKeys(p: RequestPrincipal): Record<string, ContextValue> {
  const out: Record<string, ContextValue> = {};
  const account = p.accountId || undefined;
  if (account && p.type !== 'Service' && p.type !== 'Anonymous') out['aws:PrincipalAccount'] = account;
  switch (p.type) {
    case 'Root':
      out['aws:PrincipalArn'] = p.arn;
      out['aws:PrincipalType'] = 'Account';
      if (p.userId ?? account) out['aws:userid'] = (p.userId ?? account)!;
      break;
    case 'IAMUser': {
      out['aws:PrincipalArn'] = p.arn;
      out['aws:PrincipalType'] = 'User';
      const name = p.username ?? p.arn.slice(p.arn.lastIndexOf('/') + 1);
      if (name) out['aws:username'] = name;
      if (p.userId) out['aws:userid'] = p.userId;
      break;
    }
    case 'AssumedRole':
      out['aws:PrincipalArn'] = p.roleArn ?? p.arn;
      out['aws:PrincipalType'] = 'AssumedRole';
      if (p.userId) out['aws:userid'] = p.userId;
      break;
    case 'Service':
      out['aws:PrincipalServiceName'] = p.serviceName ?? p.arn;
      break;
    case 'Anonymous':
      out['aws:PrincipalType'] = 'Anonymous';
      out['aws:userid'] = p.userId ?? 'anonymous';
      break;
  }
  return out;
}
