/** GetKeyPolicy, PutKeyPolicy and ListKeyPolicies. A key has one policy, named "default". */
import { err } from '../domain/errors.js';
import { DEFAULT_POLICY_NAME } from '../domain/key-policy.js';
import type { Handler } from './context.js';
import { authorizeKeyAction } from './authorization/authorize.js';
import { acceptKeyPolicy } from './authorization/key-policy-document.js';
import { resolveKey } from './key-resolver.js';
import { mutateKey } from './mutate-key.js';

/** A key's only policy is "default"; any other name does not exist. */
function checkPolicyName(name: string | undefined): void {
  if (name !== undefined && name !== DEFAULT_POLICY_NAME) throw err.notFound('No such policy exists');
}

export const getKeyPolicy: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'GetKeyPolicy', key, arn });
  checkPolicyName(input.PolicyName);
  return { Policy: key.policy, PolicyName: DEFAULT_POLICY_NAME };
};

export const putKeyPolicy: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  const bypass = input.BypassPolicyLockoutSafetyCheck === true;
  await authorizeKeyAction(deps, ctx, { action: 'PutKeyPolicy', key, arn, facts: { bypassPolicyLockoutSafetyCheck: bypass } });
  checkPolicyName(input.PolicyName);
  await acceptKeyPolicy(input.Policy, key.accountId, arn, bypass, ctx, deps);
  await mutateKey(key, deps, (k) => {
    k.policy = input.Policy;
    return k;
  });
  return {};
};

export const listKeyPolicies: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'ListKeyPolicies', key, arn });
  return { PolicyNames: [DEFAULT_POLICY_NAME], Truncated: false };
};
