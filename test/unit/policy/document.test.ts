import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { INVALID_PRINCIPALS_MESSAGE, PolicyDocumentError, parsePolicy } from '../../../src/policy/index.js';
import type { PolicyKind } from '../../../src/policy/index.js';
import { ACCOUNT } from './fixtures.js';

const STMT = { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' };
const IAM_STMT = { Effect: 'Allow', Action: 'kms:Encrypt', Resource: '*' };
const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const withStmt = (patch: object, base: object = STMT) => doc({ ...base, ...patch });
const without = (key: string, base: object = STMT) => {
  const copy: Record<string, unknown> = { ...base };
  delete copy[key];
  return doc(copy);
};

function messageOf(text: string, kind: PolicyKind = 'resource'): string {
  try {
    parsePolicy(text, kind);
  } catch (e) {
    assert.ok(e instanceof PolicyDocumentError, `expected PolicyDocumentError, got ${String(e)}`);
    assert.equal(e.name, 'PolicyDocumentError');
    return e.message;
  }
  assert.fail(`accepted: ${text}`);
}

describe('parsePolicy rejects malformed documents', () => {
  const cases: Array<[string, string, PolicyKind, string]> = [
    ['not JSON', '{"Version":', 'resource', 'The policy is not valid JSON.'],
    ['a JSON array', '[]', 'resource', 'The policy must be a JSON object.'],
    ['a JSON string', '"policy"', 'resource', 'The policy must be a JSON object.'],
    ['an unknown top-level element', JSON.stringify({ Version: '2012-10-17', Statement: [STMT], Extra: 1 }), 'resource', 'The policy contains an unsupported element: Extra'],
    ['a bad Version', JSON.stringify({ Version: '2012-10-18', Statement: [STMT] }), 'resource', 'The policy has an invalid Version: 2012-10-18. Use 2012-10-17 or 2008-10-17.'],
    ['a non-string Id', JSON.stringify({ Version: '2012-10-17', Id: 5, Statement: [STMT] }), 'resource', 'The policy Id must be a string.'],
    ['no Statement', JSON.stringify({ Version: '2012-10-17' }), 'resource', 'The policy must contain a Statement element.'],
    ['an empty Statement array', doc(), 'resource', 'The policy must contain at least one statement.'],
    ['a statement that is not an object', JSON.stringify({ Version: '2012-10-17', Statement: ['x'] }), 'resource', 'Each policy statement must be a JSON object.'],
    ['an unknown statement element', withStmt({ Foo: 'bar' }), 'resource', 'Policy statement contains an unsupported element: Foo'],
    ['a duplicate Sid', doc({ ...STMT, Sid: 'a' }, { ...STMT, Sid: 'a' }), 'resource', 'Statement IDs (SID) in a single policy must be unique: a'],
    ['a non-string Sid', withStmt({ Sid: 1 }), 'resource', 'Policy statement Sid must be a string.'],
    ['a bad Effect', withStmt({ Effect: 'allow' }), 'resource', 'Policy statement Effect must be Allow or Deny.'],
    ['no Effect', without('Effect'), 'resource', 'Policy statement Effect must be Allow or Deny.'],
    ['no principal in a key policy', without('Principal'), 'resource', 'Policy statement must contain exactly one of Principal or NotPrincipal.'],
    ['both Principal and NotPrincipal', withStmt({ NotPrincipal: { AWS: ACCOUNT } }), 'resource', 'Policy statement must contain exactly one of Principal or NotPrincipal.'],
    ['no principal in a trust policy', without('Principal'), 'trust', 'Policy statement must contain exactly one of Principal or NotPrincipal.'],
    ['a principal in an identity policy', withStmt({ Principal: '*' }, IAM_STMT), 'identity', 'Policy document should not specify a principal.'],
    ['no Action', without('Action'), 'resource', 'Policy statement must contain exactly one of Action or NotAction.'],
    ['both Action and NotAction', withStmt({ NotAction: 'kms:Decrypt' }), 'resource', 'Policy statement must contain exactly one of Action or NotAction.'],
    ['an action without a service prefix', withStmt({ Action: 'Encrypt' }), 'resource', 'Policy statement has an invalid action: Encrypt'],
    ['an action with an empty name', withStmt({ Action: 'kms:' }), 'resource', 'Policy statement has an invalid action: kms:'],
    ['an empty Action array', withStmt({ Action: [] }), 'resource', 'Policy statement Action must not be empty.'],
    ['a non-string action', withStmt({ Action: [1] }), 'resource', 'Policy statement Action must be a string or an array of strings.'],
    ['both Resource and NotResource', withStmt({ NotResource: '*' }), 'resource', 'Policy statement must not contain both Resource and NotResource.'],
    ['no Resource in an identity policy', without('Resource', IAM_STMT), 'identity', 'Policy statement must contain exactly one of Resource or NotResource.'],
    ['a Resource in a trust policy', withStmt({ Action: 'sts:AssumeRole' }), 'trust', 'A trust policy statement must not contain Resource or NotResource.'],
    ['a resource that is not an ARN', withStmt({ Resource: 'my-key' }), 'resource', 'Policy statement has an invalid resource: my-key'],
    ['a Condition that is not an object', withStmt({ Condition: [] }), 'resource', 'Policy statement Condition must be an object of condition operators.'],
    ['an unknown condition operator', withStmt({ Condition: { StringEqual: { 'kms:X': 'a' } } }), 'resource', 'Policy statement has an unknown condition operator: StringEqual'],
    ['operator names are case-sensitive', withStmt({ Condition: { stringequals: { 'kms:X': 'a' } } }), 'resource', 'Policy statement has an unknown condition operator: stringequals'],
    ['NullIfExists is not an operator', withStmt({ Condition: { NullIfExists: { 'kms:X': 'true' } } }), 'resource', 'Policy statement has an unknown condition operator: NullIfExists'],
    ['a set qualifier on Null', withStmt({ Condition: { 'ForAnyValue:Null': { 'kms:X': 'true' } } }), 'resource', 'Policy statement has an unknown condition operator: ForAnyValue:Null'],
    ['an unknown set qualifier', withStmt({ Condition: { 'ForSomeValues:StringEquals': { 'kms:X': 'a' } } }), 'resource', 'Policy statement has an unknown condition operator: ForSomeValues:StringEquals'],
    ['an operator mapping to a string', withStmt({ Condition: { StringEquals: 'a' } }), 'resource', 'Condition operator StringEquals must map one or more condition keys to values.'],
    ['an operator with no keys', withStmt({ Condition: { StringEquals: {} } }), 'resource', 'Condition operator StringEquals must map one or more condition keys to values.'],
    ['an empty value list', withStmt({ Condition: { StringEquals: { 'kms:X': [] } } }), 'resource', 'Condition StringEquals has no values for key kms:X.'],
    ['an object value', withStmt({ Condition: { StringEquals: { 'kms:X': { a: 1 } } } }), 'resource', 'Condition StringEquals has a value for key kms:X that is not a string, number or boolean.'],
    ['a non-numeric Numeric value', withStmt({ Condition: { NumericLessThan: { 'kms:N': 'ten' } } }), 'resource', 'Condition NumericLessThan has an invalid value for key kms:N: ten'],
    ['an unparsable Date value', withStmt({ Condition: { DateLessThan: { 'aws:CurrentTime': '2025-13-01' } } }), 'resource', 'Condition DateLessThan has an invalid value for key aws:CurrentTime: 2025-13-01'],
    ['a Bool value that is not true/false', withStmt({ Condition: { Bool: { 'aws:SecureTransport': 'yes' } } }), 'resource', 'Condition Bool has an invalid value for key aws:SecureTransport: yes'],
    ['a Null value that is not true/false', withStmt({ Condition: { Null: { 'kms:X': 'maybe' } } }), 'resource', 'Condition Null has an invalid value for key kms:X: maybe'],
    ['a bad CIDR', withStmt({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } }), 'resource', 'Condition IpAddress has an invalid value for key aws:SourceIp: 10.0.0.0/33'],
    ['a bad IPv6 address', withStmt({ Condition: { IpAddress: { 'aws:SourceIp': '2001:db8:::1' } } }), 'resource', 'Condition IpAddress has an invalid value for key aws:SourceIp: 2001:db8:::1'],
    ['a BinaryEquals value that is not base64', withStmt({ Condition: { BinaryEquals: { 'kms:B': 'not base64!' } } }), 'resource', 'Condition BinaryEquals has an invalid value for key kms:B: not base64!'],
  ];
  for (const [name, text, kind, message] of cases) {
    it(name, () => {
      assert.equal(messageOf(text, kind), message);
    });
  }
});

describe('parsePolicy rejects invalid principals with the KMS wording', () => {
  const bad: Array<[string, unknown]> = [
    ['a bare ARN string', `arn:aws:iam::${ACCOUNT}:root`],
    ['an 11-digit account', { AWS: '11112222333' }],
    ['a 13-digit account', { AWS: '1111222233334' }],
    ['a KMS key ARN', { AWS: `arn:aws:kms:us-east-1:${ACCOUNT}:key/abc` }],
    ['a wildcard inside a role ARN', { AWS: `arn:aws:iam::${ACCOUNT}:role/*` }],
    ['a wildcard account', { AWS: 'arn:aws:iam::*:root' }],
    ['an IAM group ARN', { AWS: `arn:aws:iam::${ACCOUNT}:group/Admins` }],
    ['a user name only', { AWS: 'Alice' }],
    ['an assumed-role ARN without a session', { AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/Admin` }],
    ['an unknown principal type', { Account: ACCOUNT }],
    ['an empty principal object', {}],
    ['an empty AWS array', { AWS: [] }],
    ['a non-string AWS value', { AWS: 111122223333 }],
    ['a service that is not a service principal name', { Service: 'logs' }],
    ['a principal array', [`arn:aws:iam::${ACCOUNT}:root`]],
  ];
  for (const [name, principal] of bad) {
    it(name, () => {
      assert.equal(messageOf(withStmt({ Principal: principal })), INVALID_PRINCIPALS_MESSAGE);
    });
  }
  it('the message is AWS KMS\'s', () => {
    assert.equal(INVALID_PRINCIPALS_MESSAGE, 'Policy contains a statement with one or more invalid principals.');
  });
});

describe('parsePolicy accepts and compiles valid documents', () => {
  it('a single statement object, Id and both versions', () => {
    for (const Version of ['2012-10-17', '2008-10-17']) {
      const p = parsePolicy(JSON.stringify({ Version, Id: 'key-default-1', Statement: STMT }), 'resource');
      assert.equal(p.version, Version);
      assert.equal(p.id, 'key-default-1');
      assert.equal(p.statements.length, 1);
      assert.equal(p.statements[0].effect, 'Allow');
    }
  });

  it('a missing Version defaults to 2008-10-17', () => {
    assert.equal(parsePolicy(JSON.stringify({ Statement: [STMT] }), 'resource').version, '2008-10-17');
  });

  it('every principal form', () => {
    const p = parsePolicy(
      withStmt({
        Principal: {
          AWS: [
            ACCOUNT,
            `arn:aws:iam::${ACCOUNT}:root`,
            `arn:aws:iam::${ACCOUNT}:user/path/Alice`,
            `arn:aws:iam::${ACCOUNT}:role/Admin`,
            `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/session@example.com`,
            `arn:aws-cn:iam::${ACCOUNT}:root`,
          ],
          Service: ['logs.amazonaws.com', 'logs.cn-north-1.amazonaws.com.cn'],
          Federated: 'cognito-identity.amazonaws.com',
          CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be',
        },
      }),
      'resource',
    );
    const m = p.statements[0].principal!.matcher;
    assert.deepEqual([...m.accounts], [ACCOUNT]);
    assert.equal(m.arns.size, 3);
    assert.equal(m.services.size, 2);
    assert.equal(m.any, false);
  });

  it('a key policy statement without Resource applies to any resource', () => {
    const p = parsePolicy(without('Resource'), 'resource');
    assert.equal(p.statements[0].resource, undefined);
  });

  it('an identity policy with NotResource, a trust policy with NotPrincipal', () => {
    assert.equal(parsePolicy(doc({ Effect: 'Deny', NotAction: 'kms:Describe*', NotResource: 'arn:aws:kms:*:*:key/*' }), 'identity').statements[0].resource!.negated, true);
    const trust = parsePolicy(doc({ Effect: 'Allow', NotPrincipal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }), 'trust');
    assert.equal(trust.statements[0].principal!.negated, true);
  });

  it('every operator with IfExists and set qualifiers, condition values of every JSON scalar type', () => {
    const p = parsePolicy(
      withStmt({
        Condition: {
          'ForAllValues:StringLikeIfExists': { 'kms:EncryptionContextKeys': ['a*', 'b'] },
          NumericLessThanEquals: { 'kms:N': 5 },
          Bool: { 'aws:SecureTransport': true },
          DateGreaterThan: { 'aws:CurrentTime': '2020-01-01T00:00:00Z', 'aws:EpochTime': 1577836800 },
          IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
          BinaryEquals: { 'kms:B': 'aGVsbG8=' },
          'ForAnyValue:ArnNotLike': { 'kms:A': 'arn:aws:iam::*:role/*' },
          Null: { 'kms:X': 'false' },
        },
      }),
      'resource',
    );
    assert.equal(p.statements[0].conditions.length, 9);
    const first = p.statements[0].conditions[0];
    assert.equal(first.qualifier, 'ForAllValues');
    assert.equal(first.ifExists, true);
    assert.equal(first.base.name, 'StringLike');
    assert.equal(first.key, 'kms:encryptioncontextkeys');
  });
});
