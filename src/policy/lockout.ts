/**
 * The key policy lockout safety check of CreateKey and PutKeyPolicy: a new key
 * policy must still let the principal making the request call
 * kms:PutKeyPolicy on the key, directly or through root delegation plus the
 * caller's identity policies. Grants are not considered (a grant cannot
 * allow PutKeyPolicy). Pure.
 */
import { authorizeKmsRequest } from './kms-decision.js';
import type { ParsedPolicy, RequestContext, RequestPrincipal } from './types.js';

/** AWS KMS's MalformedPolicyDocumentException message when the check fails. */
export const LOCKOUT_MESSAGE = 'The new key policy will not allow you to update the key policy in the future.';

export interface LockoutOptions {
  /**
   * The key's ARN. Without it, statements (in the key policy or the identity
   * policies) whose Resource names particular keys cannot match, so the check
   * errs towards reporting a lockout; statements with `"Resource": "*"` are unaffected.
   */
  readonly keyArn?: string;
  /** The condition context of the current request, used as the future request's context. */
  readonly context?: RequestContext;
}

export function wouldLockOut(
  policy: ParsedPolicy,
  callerPrincipal: RequestPrincipal,
  keyAccountId: string,
  callerIdentityPolicies: readonly ParsedPolicy[],
  options: LockoutOptions = {},
): boolean {
  const decision = authorizeKmsRequest({
    keyPolicy: policy,
    keyAccountId,
    principal: callerPrincipal,
    identityPolicies: callerIdentityPolicies,
    action: 'kms:PutKeyPolicy',
    keyArn: options.keyArn ?? `arn:aws:kms::${keyAccountId}:key/unknown`,
    ...(options.context ? { context: options.context } : {}),
  });
  return !decision.allowed;
}
