/** GetKeyPolicy, PutKeyPolicy and ListKeyPolicies. A key has one policy, named "default". */
import { err } from '../domain/errors.js';
import { DEFAULT_POLICY_NAME, checkKeyPolicyDocument } from '../domain/key-policy.js';
import type { Handler } from './context.js';
import { authorizeOnKey } from './authorize.js';
import { resolveKey } from './key-resolver.js';
import { mutateKey } from './mutate-key.js';

/** A key's only policy is "default"; any other name does not exist. */
function checkPolicyName(name: string | undefined): void {
  if (name !== undefined && name !== DEFAULT_POLICY_NAME) throw err.notFound('No such policy exists');
}

export const getKeyPolicy: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  authorizeOnKey('GetKeyPolicy', key, arn, ctx);
  checkPolicyName(input.PolicyName);
  return { Policy: key.policy, PolicyName: DEFAULT_POLICY_NAME };
};

export const putKeyPolicy: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  authorizeOnKey('PutKeyPolicy', key, arn, ctx);
  checkPolicyName(input.PolicyName);
  checkKeyPolicyDocument(input.Policy);
  await mutateKey(key, deps, (k) => {
    k.policy = input.Policy;
    return k;
  });
  return {};
};

export const listKeyPolicies: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  authorizeOnKey('ListKeyPolicies', key, arn, ctx);
  return { PolicyNames: [DEFAULT_POLICY_NAME], Truncated: false };
};
