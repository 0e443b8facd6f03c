import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { contextLookup, principalContextKeys } from '../../../src/policy/index.js';
import type { RequestPrincipal } from '../../../src/policy/index.js';
import { ACCOUNT, anonymous, holds, root, service, session, user } from './fixtures.js';

describe('global condition keys derived from the principal', () => {
  const cases: Array<[string, RequestPrincipal, Record<string, string>]> = [
    ['root', root(), { 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:root`, 'aws:PrincipalType': 'Account', 'aws:userid': ACCOUNT }],
    ['IAM user', user(), { 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:user/Alice`, 'aws:PrincipalType': 'User', 'aws:username': 'Alice', 'aws:userid': 'AIDAALICE' }],
    ['role session: PrincipalArn is the role ARN', session(), { 'aws:PrincipalAccount': ACCOUNT, 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/Admin`, 'aws:PrincipalType': 'AssumedRole', 'aws:userid': 'AROAADMIN:sess' }],
    ['service', service(), { 'aws:PrincipalServiceName': 'logs.amazonaws.com' }],
    ['anonymous', anonymous(), { 'aws:PrincipalType': 'Anonymous', 'aws:userid': 'anonymous' }],
  ];
  for (const [name, principal, expected] of cases) {
    it(name, () => assert.deepEqual(principalContextKeys(principal), expected));
  }

  it('a user name is taken from the ARN when not given', () => {
    const p: RequestPrincipal = { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/ops/Carol`, accountId: ACCOUNT };
    assert.equal(principalContextKeys(p)['aws:username'], 'Carol');
  });

  it('lookups are case-insensitive and the request context overrides derived keys', () => {
    const l = contextLookup({ 'AWS:PrincipalArn': 'given', 'kms:X': ['a'] }, session());
    assert.equal(l.get('aws:principalarn'), 'given');
    assert.equal(l.get('aws:principaltype'), 'AssumedRole');
    assert.deepEqual(l.get('kms:x'), ['a']);
    assert.equal(l.get('kms:missing'), undefined);
  });

  it('defaults apply only where neither the principal nor the context gives a value', () => {
    const l = contextLookup({ 'kms:CallerAccount': undefined, 'aws:ResourceAccount': '444455556666' }, user(), {
      'kms:CallerAccount': ACCOUNT,
      'aws:ResourceAccount': '999999999999',
      'aws:PrincipalType': 'default',
    });
    assert.equal(l.get('kms:calleraccount'), ACCOUNT, 'an undefined context value leaves the default');
    assert.equal(l.get('aws:resourceaccount'), '444455556666', 'a context value replaces the default');
    assert.equal(l.get('aws:principaltype'), 'User', 'a derived key replaces the default');
  });

  it('conditions see the derived keys', () => {
    assert.equal(holds({ ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/Admin` } }, {}, { principal: session() }), true);
    assert.equal(holds({ StringEquals: { 'aws:PrincipalType': 'User' } }, {}, { principal: session() }), false);
    assert.equal(holds({ Null: { 'aws:username': 'true' } }, {}, { principal: root() }), true);
  });
});
