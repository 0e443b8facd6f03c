/** Shared principals, ARNs and small policy builders for the policy engine tests. */
import { evaluatePolicy, parsePolicy } from '../../../src/policy/index.js';
import type { ParsedPolicy, PolicyKind, RequestContext, RequestPrincipal } from '../../../src/policy/index.js';

export const ACCOUNT = '111122223333';
export const OTHER = '444455556666';
export const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
export const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/${KEY_ID}`;
export const OTHER_KEY_ARN = `arn:aws:kms:us-west-2:${ACCOUNT}:key/0987dcba-09fe-87dc-65ba-ab0987654321`;

export const root = (account = ACCOUNT): RequestPrincipal => ({
  type: 'Root',
  arn: `arn:aws:iam::${account}:root`,
  accountId: account,
  userId: account,
});

export const user = (name = 'Alice', account = ACCOUNT, path = '/'): RequestPrincipal => ({
  type: 'IAMUser',
  arn: `arn:aws:iam::${account}:user${path}${name}`,
  accountId: account,
  userId: `AIDA${name.toUpperCase()}`,
  username: name,
});

export const session = (role = 'Admin', sessionName = 'sess', account = ACCOUNT, path = '/'): RequestPrincipal => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${account}:assumed-role/${role}/${sessionName}`,
  roleArn: `arn:aws:iam::${account}:role${path}${role}`,
  accountId: account,
  userId: `AROA${role.toUpperCase()}:${sessionName}`,
});

export const service = (name = 'logs.amazonaws.com'): RequestPrincipal => ({ type: 'Service', arn: name, serviceName: name });

export const anonymous = (): RequestPrincipal => ({ type: 'Anonymous', arn: '*' });

export function policy(doc: unknown, kind: PolicyKind = 'resource'): ParsedPolicy {
  return parsePolicy(JSON.stringify(doc), kind);
}

/** A key policy of the given statements (Version 2012-10-17). */
export function keyPolicy(...statements: object[]): ParsedPolicy {
  return policy({ Version: '2012-10-17', Statement: statements });
}

/** An identity policy of the given statements (Version 2012-10-17). */
export function iamPolicy(...statements: object[]): ParsedPolicy {
  return policy({ Version: '2012-10-17', Statement: statements }, 'identity');
}

export const ROOT_DELEGATION = {
  Sid: 'Enable IAM User Permissions',
  Effect: 'Allow',
  Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
  Action: 'kms:*',
  Resource: '*',
};

/**
 * Whether a Condition block holds: evaluates an Allow-everyone statement
 * carrying the block for the given context and principal.
 */
export function holds(
  condition: object,
  context: RequestContext,
  options: { principal?: RequestPrincipal; version?: string } = {},
): boolean {
  const p = policy({
    Version: options.version ?? '2012-10-17',
    Statement: { Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: condition },
  });
  const r = evaluatePolicy(p, { principal: options.principal ?? user(), action: 'kms:Encrypt', resource: KEY_ARN, context });
  return r.allowed !== 'none';
}
