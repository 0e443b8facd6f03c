import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { evaluatePolicies, evaluatePolicy } from '../../../src/policy/index.js';
import { ACCOUNT, KEY_ARN, OTHER_KEY_ARN, iamPolicy, keyPolicy, policy, user } from './fixtures.js';

const allowAll = { Effect: 'Allow', Principal: '*', Resource: '*' };

function applies(statement: object, action: string, resource = KEY_ARN): boolean {
  const p = keyPolicy({ ...allowAll, ...statement });
  return evaluatePolicy(p, { principal: user(), action, resource }).allowed !== 'none';
}

describe('Action and NotAction', () => {
  const cases: Array<[string, object, string, boolean]> = [
    ['exact action', { Action: 'kms:Encrypt' }, 'kms:Encrypt', true],
    ['other action', { Action: 'kms:Encrypt' }, 'kms:Decrypt', false],
    ['action names are case-insensitive', { Action: 'KMS:encrypt' }, 'kms:Encrypt', true],
    ['request action case does not matter', { Action: 'kms:Encrypt' }, 'KMS:ENCRYPT', true],
    ['kms:*', { Action: 'kms:*' }, 'kms:ScheduleKeyDeletion', true],
    ['kms:* does not match another service', { Action: 'kms:*' }, 's3:GetObject', false],
    ['*', { Action: '*' }, 's3:GetObject', true],
    ['prefix wildcard kms:Re*', { Action: 'kms:Re*' }, 'kms:ReEncryptFrom', true],
    ['prefix wildcard kms:Re* vs Decrypt', { Action: 'kms:Re*' }, 'kms:Decrypt', false],
    ['prefix wildcard is case-insensitive', { Action: 'kms:re*' }, 'kms:ReplicateKey', true],
    ['infix wildcard kms:*Grant*', { Action: 'kms:*Grant*' }, 'kms:ListRetirableGrants', true],
    ['? wildcard', { Action: 'kms:?ecrypt' }, 'kms:Decrypt', true],
    ['array of actions', { Action: ['kms:Encrypt', 'kms:Decrypt'] }, 'kms:Decrypt', true],
    ['NotAction excludes the listed action', { NotAction: 'kms:Decrypt' }, 'kms:Decrypt', false],
    ['NotAction applies to other actions', { NotAction: 'kms:Decrypt' }, 'kms:Encrypt', true],
    ['NotAction with a wildcard', { NotAction: 'kms:Generate*' }, 'kms:GenerateDataKey', false],
    ['NotAction array', { NotAction: ['kms:Encrypt', 'kms:Decrypt'] }, 'kms:Sign', true],
  ];
  for (const [name, statement, action, expected] of cases) {
    it(`${name} -> ${expected}`, () => assert.equal(applies(statement, action), expected));
  }
});

describe('Resource and NotResource', () => {
  const cases: Array<[string, object, string, boolean]> = [
    ['*', { Resource: '*' }, KEY_ARN, true],
    ['exact key ARN', { Resource: KEY_ARN }, KEY_ARN, true],
    ['exact key ARN vs another key', { Resource: KEY_ARN }, OTHER_KEY_ARN, false],
    ['account wildcard pattern', { Resource: `arn:aws:kms:*:${ACCOUNT}:key/*` }, OTHER_KEY_ARN, true],
    ['pattern for another account', { Resource: 'arn:aws:kms:*:999999999999:key/*' }, KEY_ARN, false],
    ['resource matching is case-sensitive', { Resource: KEY_ARN.replace('key/', 'KEY/') }, KEY_ARN, false],
    ['resource wildcard matching is case-sensitive', { Resource: 'arn:aws:kms:*:*:KEY/*' }, KEY_ARN, false],
    ['? in the region', { Resource: `arn:aws:kms:us-east-?:${ACCOUNT}:key/*` }, KEY_ARN, true],
    ['alias pattern does not match a key', { Resource: `arn:aws:kms:*:${ACCOUNT}:alias/*` }, KEY_ARN, false],
    ['array of resources', { Resource: [OTHER_KEY_ARN, KEY_ARN] }, KEY_ARN, true],
    ['no Resource element in a key policy', {}, KEY_ARN, true],
    ['NotResource excludes the listed key', { Resource: undefined, NotResource: KEY_ARN }, KEY_ARN, false],
    ['NotResource applies to other keys', { Resource: undefined, NotResource: KEY_ARN }, OTHER_KEY_ARN, true],
    ['NotResource with a wildcard', { Resource: undefined, NotResource: 'arn:aws:kms:us-west-2:*' }, OTHER_KEY_ARN, false],
  ];
  for (const [name, statement, resource, expected] of cases) {
    it(`${name} -> ${expected}`, () => {
      const st: Record<string, unknown> = { ...allowAll, Action: 'kms:*', ...statement };
      if (st.Resource === undefined) delete st.Resource;
      const p = keyPolicy(st);
      assert.equal(evaluatePolicy(p, { principal: user(), action: 'kms:Encrypt', resource }).allowed !== 'none', expected);
    });
  }
});

describe('policy outcome: allow strength, explicit deny, matched Sids', () => {
  const rootStmt = { Sid: 'Root', Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 'kms:*', Resource: '*' };
  const aliceStmt = { Sid: 'Alice', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/Alice` }, Action: 'kms:Encrypt', Resource: '*' };
  const denyStmt = { Sid: 'NoDecrypt', Effect: 'Deny', Principal: '*', Action: 'kms:Decrypt', Resource: '*' };

  it('an account-only allow is reported as account', () => {
    const r = evaluatePolicy(keyPolicy(rootStmt), { principal: user(), action: 'kms:Encrypt', resource: KEY_ARN });
    assert.deepEqual([r.allowed, r.denied, r.matchedSids], ['account', false, ['Root']]);
  });

  it('a direct allow beats an account allow', () => {
    const r = evaluatePolicy(keyPolicy(rootStmt, aliceStmt), { principal: user(), action: 'kms:Encrypt', resource: KEY_ARN });
    assert.deepEqual([r.allowed, r.matchedSids], ['direct', ['Root', 'Alice']]);
  });

  it('a deny is reported alongside the allows', () => {
    const r = evaluatePolicy(keyPolicy(rootStmt, aliceStmt, denyStmt), { principal: user(), action: 'kms:Decrypt', resource: KEY_ARN });
    assert.deepEqual([r.allowed, r.denied, r.matchedSids], ['account', true, ['Root', 'NoDecrypt']]);
  });

  it('a deny whose condition fails does not apply', () => {
    const conditional = { ...denyStmt, Condition: { Bool: { 'aws:SecureTransport': 'false' } } };
    const r = evaluatePolicy(keyPolicy(rootStmt, conditional), {
      principal: user(),
      action: 'kms:Decrypt',
      resource: KEY_ARN,
      context: { 'aws:SecureTransport': true },
    });
    assert.deepEqual([r.allowed, r.denied], ['account', false]);
  });

  it('a deny naming the account applies to its users', () => {
    const r = evaluatePolicy(keyPolicy({ ...denyStmt, Principal: { AWS: ACCOUNT } }), { principal: user(), action: 'kms:Decrypt', resource: KEY_ARN });
    assert.equal(r.denied, true);
  });

  it('statements without a Sid are reported by index only', () => {
    const r = evaluatePolicy(keyPolicy({ ...aliceStmt, Sid: undefined }), { principal: user(), action: 'kms:Encrypt', resource: KEY_ARN });
    assert.deepEqual(r.matchedSids, []);
    assert.deepEqual(r.matched.map((m) => [m.index, m.effect, m.via]), [[0, 'Allow', 'direct']]);
  });

  it('nothing applies: allowed none, not denied', () => {
    const r = evaluatePolicy(keyPolicy(aliceStmt), { principal: user('Bob'), action: 'kms:Encrypt', resource: KEY_ARN });
    assert.deepEqual([r.allowed, r.denied, r.matched.length], ['none', false, 0]);
  });

  it('identity policies apply directly and merge', () => {
    const a = iamPolicy({ Sid: 'A', Effect: 'Allow', Action: 'kms:Encrypt', Resource: KEY_ARN });
    const b = iamPolicy({ Sid: 'B', Effect: 'Deny', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'aws:username': 'Bob' } } });
    const forAlice = evaluatePolicies([a, b], { principal: user(), action: 'kms:Encrypt', resource: KEY_ARN });
    assert.deepEqual([forAlice.allowed, forAlice.denied, forAlice.matchedSids], ['direct', false, ['A']]);
    const forBob = evaluatePolicies([a, b], { principal: user('Bob'), action: 'kms:Encrypt', resource: KEY_ARN });
    assert.deepEqual([forBob.allowed, forBob.denied, forBob.matchedSids], ['direct', true, ['A', 'B']]);
  });

  it('a compiled policy is reusable across requests', () => {
    const p = policy({ Version: '2012-10-17', Statement: { ...aliceStmt } });
    for (let i = 0; i < 3; i++) {
      assert.equal(evaluatePolicy(p, { principal: user(), action: 'kms:Encrypt', resource: KEY_ARN }).allowed, 'direct');
      assert.equal(evaluatePolicy(p, { principal: user('Bob'), action: 'kms:Encrypt', resource: KEY_ARN }).allowed, 'none');
    }
  });
});
