import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { evaluatePolicy } from '../../../src/policy/index.js';
import type { PrincipalMatch, RequestPrincipal } from '../../../src/policy/index.js';
import { ACCOUNT, KEY_ARN, OTHER, anonymous, policy, root, service, session, user } from './fixtures.js';

function via(principalElement: unknown, caller: RequestPrincipal, element = 'Principal'): PrincipalMatch {
  const p = policy({ Version: '2012-10-17', Statement: { Effect: 'Allow', [element]: principalElement, Action: 'kms:*', Resource: '*' } });
  return evaluatePolicy(p, { principal: caller, action: 'kms:Encrypt', resource: KEY_ARN }).allowed;
}

const ROOT_ARN = `arn:aws:iam::${ACCOUNT}:root`;
const ALICE_ARN = `arn:aws:iam::${ACCOUNT}:user/Alice`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/Admin`;
const SESSION_ARN = `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/sess`;

describe('Principal matching', () => {
  const cases: Array<[string, unknown, RequestPrincipal, PrincipalMatch]> = [
    ['"*" matches a user directly', '*', user(), 'direct'],
    ['"*" matches another account', '*', user('Bob', OTHER), 'direct'],
    ['"*" matches a service', '*', service(), 'direct'],
    ['"*" matches an anonymous caller', '*', anonymous(), 'direct'],
    ['{"AWS": "*"} matches a session', { AWS: '*' }, session(), 'direct'],
    ['{"AWS": ["*"]} matches root', { AWS: ['*'] }, root(), 'direct'],
    ['account id matches a user through the account', { AWS: ACCOUNT }, user(), 'account'],
    ['account id matches a session through the account', { AWS: ACCOUNT }, session(), 'account'],
    ['account id matches the root through the account', { AWS: ACCOUNT }, root(), 'account'],
    ['account id does not match another account', { AWS: ACCOUNT }, user('Bob', OTHER), 'none'],
    ['root ARN matches a user through the account', { AWS: ROOT_ARN }, user(), 'account'],
    ['root ARN matches the root', { AWS: ROOT_ARN }, root(), 'account'],
    ['root ARN of another account', { AWS: `arn:aws:iam::${OTHER}:root` }, user(), 'none'],
    ['account principal does not match a service', { AWS: ACCOUNT }, service(), 'none'],
    ['user ARN matches that user directly', { AWS: ALICE_ARN }, user(), 'direct'],
    ['user ARN does not match another user', { AWS: ALICE_ARN }, user('Bob'), 'none'],
    ['user ARN does not match the account root', { AWS: ALICE_ARN }, root(), 'none'],
    ['user ARN with a path', { AWS: `arn:aws:iam::${ACCOUNT}:user/division/Alice` }, user('Alice', ACCOUNT, '/division/'), 'direct'],
    ['user ARN without the path does not match a user with a path', { AWS: ALICE_ARN }, user('Alice', ACCOUNT, '/division/'), 'none'],
    ['role ARN matches every session of the role', { AWS: ROLE_ARN }, session('Admin', 'other-session'), 'direct'],
    ['role ARN does not match a session of another role', { AWS: ROLE_ARN }, session('Reader'), 'none'],
    ['role ARN with a path matches its session', { AWS: `arn:aws:iam::${ACCOUNT}:role/ops/Admin` }, session('Admin', 's', ACCOUNT, '/ops/'), 'direct'],
    ['session ARN matches that session', { AWS: SESSION_ARN }, session('Admin', 'sess'), 'direct'],
    ['session ARN does not match another session', { AWS: SESSION_ARN }, session('Admin', 'other'), 'none'],
    ['array mixing forms: the direct match wins', { AWS: [ACCOUNT, ALICE_ARN] }, user(), 'direct'],
    ['Service principal matches that service', { Service: 'logs.amazonaws.com' }, service('logs.amazonaws.com'), 'direct'],
    ['Service principal array', { Service: ['s3.amazonaws.com', 'logs.amazonaws.com'] }, service('logs.amazonaws.com'), 'direct'],
    ['Service principal does not match another service', { Service: 's3.amazonaws.com' }, service('logs.amazonaws.com'), 'none'],
    ['Service principal does not match a user', { Service: 's3.amazonaws.com' }, user(), 'none'],
    ['Federated principal does not match an IAM user', { Federated: 'cognito-identity.amazonaws.com' }, user(), 'none'],
    ['CanonicalUser principal does not match an IAM user', { CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' }, user(), 'none'],
  ];
  for (const [name, element, caller, expected] of cases) {
    it(`${name} -> ${expected}`, () => {
      assert.equal(via(element, caller), expected);
    });
  }
});

describe('NotPrincipal', () => {
  const cases: Array<[string, unknown, RequestPrincipal, PrincipalMatch]> = [
    ['applies to a user it does not list', { AWS: ALICE_ARN }, user('Bob'), 'direct'],
    ['does not apply to the user it lists', { AWS: ALICE_ARN }, user(), 'none'],
    ['listing the account excludes its users', { AWS: ACCOUNT }, user(), 'none'],
    ['listing the account does not exclude another account', { AWS: ACCOUNT }, user('Bob', OTHER), 'direct'],
    ['listing a role excludes its sessions', { AWS: ROLE_ARN }, session(), 'none'],
    ['listing a service excludes it', { Service: 'logs.amazonaws.com' }, service(), 'none'],
    ['applies to a service it does not list', { AWS: ACCOUNT }, service(), 'direct'],
  ];
  for (const [name, element, caller, expected] of cases) {
    it(`${name} -> ${expected}`, () => {
      assert.equal(via(element, caller, 'NotPrincipal'), expected);
    });
  }
});
