/**
 * The IAM identity policies that apply to a caller, for authorization:
 * - an IAM user (long-term key or GetSessionToken session): the user's inline
 *   policies and the default versions of its attached managed policies;
 * - an assumed-role session: the role's inline and attached managed policies;
 * - the account root: none (the root is not governed by identity policies).
 *
 * Policies are found by the principal's unique id (AIDA... / AROA...), so a
 * user or role deleted and re-created under the same name does not lend its
 * policies to the old credentials. Returns the documents' JSON texts.
 */
import type { Caller, Deps } from './context.js';

export async function identityPolicyDocuments(caller: Caller, deps: Deps): Promise<string[]> {
  const holderId = holderIdOf(caller);
  if (holderId === undefined) return [];
  return deps.identity.policyDocumentsOf(caller.accountId, holderId);
}

/** The unique id of the user or role whose policies govern the caller; undefined for the root. */
export function holderIdOf(caller: Caller): string | undefined {
  switch (caller.principalType) {
    case 'IAMUser':
      return caller.userId;
    case 'AssumedRole': {
      const colon = caller.userId.indexOf(':');
      return colon < 0 ? caller.userId : caller.userId.slice(0, colon);
    }
    default:
      return undefined;
  }
}
