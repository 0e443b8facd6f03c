/**
 * Accepting a key policy (CreateKey, PutKeyPolicy): it must parse as a
 * resource policy, fit KMS's size quota, and, unless the caller sets
 * BypassPolicyLockoutSafetyCheck, still let the caller update it later.
 */
import { err } from '../../domain/errors.js';
import { LOCKOUT_MESSAGE, PolicyDocumentError, wouldLockOut, type ParsedPolicy } from '../../policy/index.js';
import type { Deps, RequestContext } from '../context.js';
import { callerIdentityPolicies, requestPrincipal } from './authorize.js';
import { cachedPolicy } from './policy-cache.js';

/** KMS's quota on the size of a key policy document. */
export const MAX_KEY_POLICY_BYTES = 32_768;

export function parseKeyPolicy(text: string): ParsedPolicy {
  if (Buffer.byteLength(text, 'utf8') > MAX_KEY_POLICY_BYTES) {
    throw err.limitExceeded(`The key policy exceeds the maximum size of ${MAX_KEY_POLICY_BYTES} bytes.`);
  }
  try {
    return cachedPolicy(text, 'resource');
  } catch (e) {
    if (e instanceof PolicyDocumentError) throw err.malformedPolicy(e.message);
    throw e;
  }
}

export async function acceptKeyPolicy(
  text: string,
  keyAccountId: string,
  keyArn: string,
  bypassLockoutCheck: boolean,
  ctx: RequestContext,
  deps: Deps,
): Promise<void> {
  const policy = parseKeyPolicy(text);
  if (bypassLockoutCheck) return;
  const identity = await callerIdentityPolicies(ctx, deps);
  if (wouldLockOut(policy, requestPrincipal(ctx.caller), keyAccountId, identity, { keyArn })) {
    throw err.malformedPolicy(LOCKOUT_MESSAGE);
  }
}
