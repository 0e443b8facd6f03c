/**
 * IAM quotas (IAM User Guide, "IAM and AWS STS quotas"), at their default
 * values. Policy sizes count characters other than white space, as IAM does.
 */
export const LIMITS = {
  accessKeysPerUser: 2,
  managedPoliciesPerUser: 10,
  managedPoliciesPerRole: 10,
  /** Aggregate size of a user's inline policies. */
  userInlinePolicySize: 2048,
  /** Aggregate size of a role's inline policies. */
  roleInlinePolicySize: 10240,
  managedPolicySize: 6144,
  trustPolicySize: 2048,
  tagsPerEntity: 50,
  sessionTags: 50,
  defaultRoleSessionSeconds: 3600,
  minSessionSeconds: 900,
  /** Role chaining: a session assuming a role gets at most one hour. */
  chainedSessionSeconds: 3600,
  defaultUserSessionSeconds: 43200,
  maxUserSessionSeconds: 129600,
  /** GetSessionToken for the account root: at most (and by default) one hour. */
  rootSessionSeconds: 3600,
} as const;

/** The size IAM counts for a policy: its characters other than white space. */
export function policySize(document: string): number {
  let n = 0;
  for (const c of document) if (!/\s/.test(c)) n++;
  return n;
}
