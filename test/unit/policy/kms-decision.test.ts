import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { LOCKOUT_MESSAGE, accessDeniedMessage, authorizeKmsRequest, wouldLockOut } from '../../../src/policy/index.js';
import type { KmsAuthorizationRequest, ParsedPolicy, RequestContext, RequestPrincipal } from '../../../src/policy/index.js';
import { ACCOUNT, KEY_ARN, OTHER, OTHER_KEY_ARN, ROOT_DELEGATION, iamPolicy, keyPolicy, root, service, session, user } from './fixtures.js';

const DEFAULT = keyPolicy(ROOT_DELEGATION);
const allowUser = (arn: string, action: string | string[] = 'kms:*') => ({ Effect: 'Allow', Principal: { AWS: arn }, Action: action, Resource: '*' });
const denyUser = (arn: string, action = 'kms:*') => ({ Effect: 'Deny', Principal: { AWS: arn }, Action: action, Resource: '*' });
const IAM_KMS_ALL = iamPolicy({ Effect: 'Allow', Action: 'kms:*', Resource: '*' });
const IAM_ENCRYPT_ONLY = iamPolicy({ Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' });
const IAM_OTHER_KEY = iamPolicy({ Effect: 'Allow', Action: 'kms:*', Resource: OTHER_KEY_ARN });
const IAM_DENY_DECRYPT = iamPolicy({ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' });
const ALICE = user();
const ALICE_ARN = ALICE.arn;
const OTHER_ALICE = user('Alice', OTHER);

interface Row {
  name: string;
  keyPolicy: ParsedPolicy;
  principal: RequestPrincipal;
  identity?: ParsedPolicy[];
  grants?: boolean | string[];
  action?: string;
  context?: RequestContext;
  expect: string;
}

function decide(r: Row) {
  const req: KmsAuthorizationRequest = {
    keyPolicy: r.keyPolicy,
    keyAccountId: ACCOUNT,
    principal: r.principal,
    identityPolicies: r.identity ?? [],
    ...(r.grants !== undefined ? { grants: r.grants } : {}),
    action: r.action ?? 'kms:Decrypt',
    keyArn: KEY_ARN,
    ...(r.context ? { context: r.context } : {}),
  };
  const d = authorizeKmsRequest(req);
  return d.allowed ? `allow:${d.basis}` : `deny:${d.reason}`;
}

const rows: Row[] = [
  // Same account: root delegation.
  { name: 'default policy + IAM allow', keyPolicy: DEFAULT, principal: ALICE, identity: [IAM_KMS_ALL], expect: 'allow:key-policy-and-identity-policy' },
  { name: 'default policy, no IAM policy', keyPolicy: DEFAULT, principal: ALICE, expect: 'deny:no-identity-policy-allow' },
  { name: 'default policy, IAM allows another action', keyPolicy: DEFAULT, principal: ALICE, identity: [IAM_ENCRYPT_ONLY], expect: 'deny:no-identity-policy-allow' },
  { name: 'default policy, IAM allows another key', keyPolicy: DEFAULT, principal: ALICE, identity: [IAM_OTHER_KEY], expect: 'deny:no-identity-policy-allow' },
  { name: 'default policy, role session + IAM allow', keyPolicy: DEFAULT, principal: session(), identity: [IAM_KMS_ALL], expect: 'allow:key-policy-and-identity-policy' },
  { name: 'default policy, account root needs no IAM policy', keyPolicy: DEFAULT, principal: root(), expect: 'allow:key-policy' },
  { name: 'account id form of root delegation', keyPolicy: keyPolicy(allowUser(ACCOUNT)), principal: ALICE, identity: [IAM_KMS_ALL], expect: 'allow:key-policy-and-identity-policy' },
  // Same account: root delegation off.
  { name: 'no delegation: IAM allow alone is not enough', keyPolicy: keyPolicy(allowUser(`arn:aws:iam::${ACCOUNT}:user/Bob`)), principal: ALICE, identity: [IAM_KMS_ALL], expect: 'deny:no-resource-policy-allow' },
  { name: 'no delegation: the account root is locked out', keyPolicy: keyPolicy(allowUser(ALICE_ARN)), principal: root(), expect: 'deny:no-resource-policy-allow' },
  { name: 'no delegation: user allowed directly needs no IAM', keyPolicy: keyPolicy(allowUser(ALICE_ARN)), principal: ALICE, expect: 'allow:key-policy' },
  { name: 'role allowed directly: its session needs no IAM', keyPolicy: keyPolicy(allowUser(`arn:aws:iam::${ACCOUNT}:role/Admin`)), principal: session(), expect: 'allow:key-policy' },
  { name: 'Principal * allows directly', keyPolicy: keyPolicy({ Effect: 'Allow', Principal: '*', Action: 'kms:Decrypt', Resource: '*' }), principal: ALICE, expect: 'allow:key-policy' },
  { name: 'direct allow for another action only', keyPolicy: keyPolicy(allowUser(ALICE_ARN, 'kms:Encrypt')), principal: ALICE, identity: [IAM_KMS_ALL], expect: 'deny:no-resource-policy-allow' },
  { name: 'key policy condition on kms:CallerAccount', keyPolicy: keyPolicy({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': ACCOUNT } } }), principal: ALICE, expect: 'allow:key-policy' },
  { name: 'key policy condition on kms:CallerAccount, other account', keyPolicy: keyPolicy({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': OTHER } } }), principal: ALICE, expect: 'deny:no-resource-policy-allow' },
  { name: 'identity policy condition fails', keyPolicy: DEFAULT, principal: ALICE, identity: [iamPolicy({ Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } })], context: { 'aws:SecureTransport': false }, expect: 'deny:no-identity-policy-allow' },
  { name: 'identity policy condition holds', keyPolicy: DEFAULT, principal: ALICE, identity: [iamPolicy({ Effect: 'Allow', Action: 'kms:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } })], context: { 'aws:SecureTransport': true }, expect: 'allow:key-policy-and-identity-policy' },
  // Explicit deny in each place.
  { name: 'key policy deny beats a direct allow', keyPolicy: keyPolicy(allowUser(ALICE_ARN), denyUser(ALICE_ARN, 'kms:Decrypt')), principal: ALICE, expect: 'deny:explicit-deny-resource-policy' },
  { name: 'key policy deny beats delegation + IAM allow', keyPolicy: keyPolicy(ROOT_DELEGATION, denyUser(ACCOUNT, 'kms:Decrypt')), principal: ALICE, identity: [IAM_KMS_ALL], expect: 'deny:explicit-deny-resource-policy' },
  { name: 'key policy deny applies to the account root', keyPolicy: keyPolicy(ROOT_DELEGATION, denyUser(ACCOUNT, 'kms:Decrypt')), principal: root(), expect: 'deny:explicit-deny-resource-policy' },
  { name: 'key policy deny for another action does not apply', keyPolicy: keyPolicy(allowUser(ALICE_ARN), denyUser(ALICE_ARN, 'kms:Encrypt')), principal: ALICE, expect: 'allow:key-policy' },
  { name: 'identity deny beats a direct key policy allow', keyPolicy: keyPolicy(allowUser(ALICE_ARN)), principal: ALICE, identity: [IAM_DENY_DECRYPT], expect: 'deny:explicit-deny-identity-policy' },
  { name: 'identity deny beats an identity allow', keyPolicy: DEFAULT, principal: ALICE, identity: [IAM_KMS_ALL, IAM_DENY_DECRYPT], expect: 'deny:explicit-deny-identity-policy' },
  { name: 'both denies: the resource-based one is reported', keyPolicy: keyPolicy(denyUser(ALICE_ARN)), principal: ALICE, identity: [IAM_DENY_DECRYPT], expect: 'deny:explicit-deny-resource-policy' },
  // Grants.
  { name: 'a grant allows without any policy allow', keyPolicy: keyPolicy(allowUser(`arn:aws:iam::${ACCOUNT}:user/Bob`)), principal: ALICE, grants: ['g-1'], expect: 'allow:grant' },
  { name: 'grants: true', keyPolicy: DEFAULT, principal: ALICE, grants: true, expect: 'allow:grant' },
  { name: 'grants: false', keyPolicy: DEFAULT, principal: ALICE, grants: false, expect: 'deny:no-identity-policy-allow' },
  { name: 'grants: empty list', keyPolicy: DEFAULT, principal: ALICE, grants: [], expect: 'deny:no-identity-policy-allow' },
  { name: 'a key policy deny beats a grant', keyPolicy: keyPolicy(denyUser(ALICE_ARN)), principal: ALICE, grants: ['g-1'], expect: 'deny:explicit-deny-resource-policy' },
  { name: 'an identity deny beats a grant', keyPolicy: DEFAULT, principal: ALICE, identity: [IAM_DENY_DECRYPT], grants: true, expect: 'deny:explicit-deny-identity-policy' },
  { name: 'a grant allows a caller in another account', keyPolicy: DEFAULT, principal: OTHER_ALICE, grants: ['g-2'], expect: 'allow:grant' },
  // Cross account.
  { name: 'cross-account: key policy allows the account + IAM allow', keyPolicy: keyPolicy(ROOT_DELEGATION, allowUser(OTHER)), principal: OTHER_ALICE, identity: [IAM_KMS_ALL], expect: 'allow:key-policy-and-identity-policy' },
  { name: 'cross-account: key policy allows the account, no IAM', keyPolicy: keyPolicy(ROOT_DELEGATION, allowUser(OTHER)), principal: OTHER_ALICE, expect: 'deny:no-identity-policy-allow' },
  { name: 'cross-account: user named directly still needs IAM', keyPolicy: keyPolicy(allowUser(OTHER_ALICE.arn)), principal: OTHER_ALICE, expect: 'deny:no-identity-policy-allow' },
  { name: 'cross-account: user named directly + IAM allow', keyPolicy: keyPolicy(allowUser(OTHER_ALICE.arn)), principal: OTHER_ALICE, identity: [IAM_KMS_ALL], expect: 'allow:key-policy-and-identity-policy' },
  { name: 'cross-account: Principal * still needs IAM', keyPolicy: keyPolicy({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }), principal: OTHER_ALICE, expect: 'deny:no-identity-policy-allow' },
  { name: 'cross-account: IAM allow alone is not enough', keyPolicy: DEFAULT, principal: OTHER_ALICE, identity: [IAM_KMS_ALL], expect: 'deny:no-resource-policy-allow' },
  { name: 'cross-account: IAM allow for another key', keyPolicy: keyPolicy(allowUser(OTHER)), principal: OTHER_ALICE, identity: [IAM_OTHER_KEY], expect: 'deny:no-identity-policy-allow' },
  { name: 'cross-account: the other account root counts as allowed by IAM', keyPolicy: keyPolicy(allowUser(`arn:aws:iam::${OTHER}:root`)), principal: root(OTHER), expect: 'allow:key-policy-and-identity-policy' },
  { name: 'cross-account: the other account root without a key policy allow', keyPolicy: DEFAULT, principal: root(OTHER), expect: 'deny:no-resource-policy-allow' },
  { name: 'cross-account: session of a role in the other account', keyPolicy: keyPolicy(allowUser(OTHER)), principal: session('Admin', 's', OTHER), identity: [IAM_KMS_ALL], expect: 'allow:key-policy-and-identity-policy' },
  { name: 'cross-account: identity deny', keyPolicy: keyPolicy(allowUser(OTHER)), principal: OTHER_ALICE, identity: [IAM_KMS_ALL, IAM_DENY_DECRYPT], expect: 'deny:explicit-deny-identity-policy' },
  // Services.
  { name: 'service principal allowed by name', keyPolicy: keyPolicy({ Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' }, Action: 'kms:Decrypt', Resource: '*' }), principal: service(), expect: 'allow:key-policy' },
  { name: 'service principal not in the key policy', keyPolicy: DEFAULT, principal: service(), expect: 'deny:no-resource-policy-allow' },
];

describe('authorizeKmsRequest', () => {
  for (const r of rows) {
    it(`${r.name} -> ${r.expect}`, () => assert.equal(decide(r), r.expect));
  }

  it('returns the grant ids that allowed the request and both evaluations', () => {
    const d = authorizeKmsRequest({ keyPolicy: DEFAULT, keyAccountId: ACCOUNT, principal: ALICE, identityPolicies: [], grants: ['g-1', 'g-2'], action: 'kms:Decrypt', keyArn: KEY_ARN });
    assert.ok(d.allowed);
    assert.deepEqual(d.grantIds, ['g-1', 'g-2']);
    assert.equal(d.keyPolicy.allowed, 'account');
    assert.equal(d.identity.allowed, 'none');
  });

  it('reads a bare action name as kms:<Action>', () => {
    const p = keyPolicy(allowUser(ALICE_ARN, 'kms:Decrypt'));
    const d = authorizeKmsRequest({ keyPolicy: p, keyAccountId: ACCOUNT, principal: ALICE, identityPolicies: [], action: 'Decrypt', keyArn: KEY_ARN });
    assert.equal(d.allowed, true);
  });

  it('a context value overrides the derived kms:CallerAccount, whatever its case', () => {
    const p = keyPolicy({ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*', Condition: { StringEquals: { 'kms:CallerAccount': '000000000000' } } });
    const d = authorizeKmsRequest({ keyPolicy: p, keyAccountId: ACCOUNT, principal: ALICE, identityPolicies: [], action: 'kms:Decrypt', keyArn: KEY_ARN, context: { 'KMS:CALLERACCOUNT': '000000000000' } });
    assert.equal(d.allowed, true);
  });
});

describe('accessDeniedMessage renders AWS AccessDeniedException messages', () => {
  const head = `User: ${ALICE_ARN} is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN}`;
  const cases: Array<[Parameters<typeof accessDeniedMessage>[0], string]> = [
    ['no-resource-policy-allow', `${head} because no resource-based policy allows the kms:Decrypt action`],
    ['no-identity-policy-allow', `${head} because no identity-based policy allows the kms:Decrypt action`],
    ['explicit-deny-resource-policy', `${head} with an explicit deny in a resource-based policy`],
    ['explicit-deny-identity-policy', `${head} with an explicit deny in an identity-based policy`],
  ];
  for (const [reason, message] of cases) {
    it(reason, () => assert.equal(accessDeniedMessage(reason, ALICE_ARN, 'kms:Decrypt', KEY_ARN), message));
  }
  it('accepts a bare action name', () => {
    assert.equal(accessDeniedMessage('no-resource-policy-allow', ALICE_ARN, 'Decrypt', KEY_ARN), cases[0][1]);
  });
  it('renders the message for a real decision', () => {
    const d = authorizeKmsRequest({ keyPolicy: DEFAULT, keyAccountId: ACCOUNT, principal: ALICE, identityPolicies: [], action: 'kms:Decrypt', keyArn: KEY_ARN });
    assert.ok(!d.allowed);
    assert.equal(accessDeniedMessage(d.reason, ALICE_ARN, 'kms:Decrypt', KEY_ARN), cases[1][1]);
  });
});

describe('wouldLockOut', () => {
  const cases: Array<[string, ParsedPolicy, RequestPrincipal, ParsedPolicy[], boolean]> = [
    ['default policy, user whose IAM allows kms:*', DEFAULT, ALICE, [IAM_KMS_ALL], false],
    ['default policy, user without IAM permission', DEFAULT, ALICE, [], true],
    ['default policy, user whose IAM allows only Encrypt', DEFAULT, ALICE, [IAM_ENCRYPT_ONLY], true],
    ['default policy, account root', DEFAULT, root(), [], false],
    ['policy naming only another user', keyPolicy(allowUser(`arn:aws:iam::${ACCOUNT}:user/Bob`)), ALICE, [IAM_KMS_ALL], true],
    ['policy allowing the caller PutKeyPolicy directly', keyPolicy(allowUser(ALICE_ARN, 'kms:PutKeyPolicy')), ALICE, [], false],
    ['policy allowing the caller but denying PutKeyPolicy', keyPolicy(allowUser(ALICE_ARN), denyUser(ALICE_ARN, 'kms:PutKeyPolicy')), ALICE, [], true],
    ['policy allowing the caller only Encrypt', keyPolicy(allowUser(ALICE_ARN, 'kms:Encrypt')), ALICE, [], true],
    ['policy without delegation, root caller', keyPolicy(allowUser(ALICE_ARN)), root(), [], true],
    ['caller IAM denies PutKeyPolicy', DEFAULT, ALICE, [IAM_KMS_ALL, iamPolicy({ Effect: 'Deny', Action: 'kms:PutKeyPolicy', Resource: '*' })], true],
    ['role session allowed via its role', keyPolicy(allowUser(`arn:aws:iam::${ACCOUNT}:role/Admin`, 'kms:Put*')), session(), [], false],
  ];
  for (const [name, pol, caller, identity, expected] of cases) {
    it(`${name} -> ${expected}`, () => assert.equal(wouldLockOut(pol, caller, ACCOUNT, identity), expected));
  }

  it('uses the key ARN when given', () => {
    const pol = keyPolicy({ ...allowUser(ALICE_ARN), Resource: KEY_ARN });
    assert.equal(wouldLockOut(pol, ALICE, ACCOUNT, []), true);
    assert.equal(wouldLockOut(pol, ALICE, ACCOUNT, [], { keyArn: KEY_ARN }), false);
  });

  it('evaluates conditions against the given context', () => {
    const pol = keyPolicy({ ...allowUser(ALICE_ARN), Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } });
    assert.equal(wouldLockOut(pol, ALICE, ACCOUNT, [], { context: { 'aws:SourceIp': '10.1.1.1' } }), false);
    assert.equal(wouldLockOut(pol, ALICE, ACCOUNT, [], { context: { 'aws:SourceIp': '192.0.2.1' } }), true);
  });

  it('the message is AWS KMS\'s', () => {
    assert.equal(LOCKOUT_MESSAGE, 'The new key policy will not allow you to update the key policy in the future.');
  });
});
