import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { evaluatePolicy } from '../../../src/policy/index.js';
import type { RequestContext, RequestPrincipal } from '../../../src/policy/index.js';
import { ACCOUNT, KEY_ARN, holds, policy, root, session, user } from './fixtures.js';

describe('policy variables in condition values', () => {
  const cases: Array<[string, object, RequestContext, boolean, RequestPrincipal?]> = [
    ['${aws:username} from the principal', { StringEquals: { 'kms:EncryptionContext:Owner': '${aws:username}' } }, { 'kms:EncryptionContext:Owner': 'Alice' }, true],
    ['${aws:username} other user', { StringEquals: { 'kms:EncryptionContext:Owner': '${aws:username}' } }, { 'kms:EncryptionContext:Owner': 'Bob' }, false],
    ['variable key names are case-insensitive', { StringEquals: { 'kms:EncryptionContext:Owner': '${AWS:UserName}' } }, { 'kms:EncryptionContext:Owner': 'Alice' }, true],
    ['${aws:userid} of a role session', { StringLike: { 'kms:X': 'AROAADMIN:${aws:userid}' } }, { 'kms:X': 'AROAADMIN:AROAADMIN:sess' }, true, session()],
    ['${aws:PrincipalAccount}', { StringEquals: { 'kms:CallerAccount': '${aws:PrincipalAccount}' } }, { 'kms:CallerAccount': ACCOUNT }, true],
    ['any request context key', { StringEquals: { 'kms:EncryptionContext:Project': '${aws:ResourceTag/Project}' } }, { 'kms:EncryptionContext:Project': 'Apollo', 'aws:ResourceTag/Project': 'Apollo' }, true],
    ['variable inside StringLike text, wildcard around it', { StringLike: { 'kms:X': 'home/${aws:username}/*' } }, { 'kms:X': 'home/Alice/docs' }, true],
    ['substituted text is literal, not a wildcard', { StringLike: { 'kms:X': '${aws:ResourceTag/P}' } }, { 'kms:X': 'anything', 'aws:ResourceTag/P': '*' }, false],
    ['substituted * matches a literal *', { StringLike: { 'kms:X': '${aws:ResourceTag/P}' } }, { 'kms:X': '*', 'aws:ResourceTag/P': '*' }, true],
    ['${*} is a literal asterisk in StringLike', { StringLike: { 'kms:X': 'a${*}b' } }, { 'kms:X': 'a*b' }, true],
    ['${*} does not act as a wildcard', { StringLike: { 'kms:X': 'a${*}b' } }, { 'kms:X': 'aXXb' }, false],
    ['${?} is a literal question mark', { StringLike: { 'kms:X': 'what${?}' } }, { 'kms:X': 'what?' }, true],
    ['${?} does not match another character', { StringLike: { 'kms:X': 'what${?}' } }, { 'kms:X': 'whatX' }, false],
    ['${$} is a literal dollar', { StringEquals: { 'kms:X': '${$}{aws:username}' } }, { 'kms:X': '${aws:username}' }, true],
    ['default used when the key is missing', { StringEquals: { 'kms:X': "${aws:ResourceTag/Team, 'none'}" } }, { 'kms:X': 'none' }, true],
    ['default ignored when the key is present', { StringEquals: { 'kms:X': "${aws:ResourceTag/Team, 'none'}" } }, { 'kms:X': 'none', 'aws:ResourceTag/Team': 'red' }, false],
    ['default with blanks around key and quotes', { StringEquals: { 'kms:X': "${ aws:ResourceTag/Team ,  'n/a' }" } }, { 'kms:X': 'n/a' }, true],
    ["default with an escaped '' quote", { StringEquals: { 'kms:X': "${kms:Nope, 'it''s'}" } }, { 'kms:X': "it's" }, true],
    ['unresolved variable without default matches nothing', { StringLike: { 'kms:X': '${aws:username}*' } }, { 'kms:X': 'anything' }, false, root()],
    ['unresolved variable: another value of the key can still match', { StringEquals: { 'kms:X': ['${aws:username}', 'fixed'] } }, { 'kms:X': 'fixed' }, true, root()],
    ['unresolved variable under a negated operator: nothing to exclude', { StringNotEquals: { 'kms:X': '${aws:username}' } }, { 'kms:X': 'v' }, true, root()],
    ['multivalued keys are not variables', { StringEquals: { 'kms:X': '${aws:TagKeys}' } }, { 'kms:X': 'a', 'aws:TagKeys': ['a'] }, false],
    ['malformed variable never resolves', { StringEquals: { 'kms:X': '${aws:username, default}' } }, { 'kms:X': '${aws:username, default}' }, false],
    ['unterminated ${ is plain text', { StringEquals: { 'kms:X': 'a${b' } }, { 'kms:X': 'a${b' }, true],
    ['variables in ArnLike', { ArnLike: { 'aws:SourceArn': 'arn:aws:iam::${aws:PrincipalAccount}:role/*' } }, { 'aws:SourceArn': `arn:aws:iam::${ACCOUNT}:role/R` }, true],
    ['variables in ArnLike, other account', { ArnLike: { 'aws:SourceArn': 'arn:aws:iam::${aws:PrincipalAccount}:role/*' } }, { 'aws:SourceArn': 'arn:aws:iam::999999999999:role/R' }, false],
    ['number context value as a variable', { StringEquals: { 'kms:X': 'n-${kms:N}' } }, { 'kms:X': 'n-7', 'kms:N': 7 }, true],
  ];
  for (const [name, condition, context, expected, principal] of cases) {
    it(`${name} -> ${expected}`, () => {
      assert.equal(holds(condition, context, { principal: principal ?? user() }), expected);
    });
  }

  it('Version 2008-10-17 does not substitute variables', () => {
    const c = { StringEquals: { 'kms:X': '${aws:username}' } };
    assert.equal(holds(c, { 'kms:X': '${aws:username}' }, { version: '2008-10-17' }), true);
    assert.equal(holds(c, { 'kms:X': 'Alice' }, { version: '2008-10-17' }), false);
    assert.equal(holds(c, { 'kms:X': 'Alice' }), true);
  });
});

describe('policy variables in Resource', () => {
  const p = (resource: string | string[], version = '2012-10-17', effect = 'Allow', element = 'Resource') =>
    policy({ Version: version, Statement: { Effect: effect, Principal: '*', Action: 'kms:*', [element]: resource } });
  const eval_ = (pol: ReturnType<typeof p>, resource: string, principal: RequestPrincipal = user(), context: RequestContext = {}) =>
    evaluatePolicy(pol, { principal, action: 'kms:Decrypt', resource, context }).allowed;

  const cases: Array<[string, string | string[], string, RequestPrincipal, RequestContext, string]> = [
    ['account from the principal', 'arn:aws:kms:*:${aws:PrincipalAccount}:key/*', KEY_ARN, user(), {}, 'direct'],
    ['account from another principal', 'arn:aws:kms:*:${aws:PrincipalAccount}:key/*', KEY_ARN, user('Bob', '999999999999'), {}, 'none'],
    ['context key in the resource', 'arn:aws:kms:${aws:RequestedRegion}:*:key/*', KEY_ARN, user(), { 'aws:RequestedRegion': 'us-east-1' }, 'direct'],
    ['context key in the resource, other region', 'arn:aws:kms:${aws:RequestedRegion}:*:key/*', KEY_ARN, user(), { 'aws:RequestedRegion': 'eu-west-1' }, 'none'],
    ['default in the resource', "arn:aws:kms:${aws:RequestedRegion, 'us-east-1'}:*:key/*", KEY_ARN, user(), {}, 'direct'],
    ['unresolved variable: the pattern matches nothing', 'arn:aws:kms:*:*:key/${aws:username}', KEY_ARN, root(), {}, 'none'],
  ];
  for (const [name, resource, arn, principal, context, expected] of cases) {
    it(`${name} -> ${expected}`, () => {
      assert.equal(eval_(p(resource), arn, principal, context), expected);
    });
  }

  it('NotResource with an unresolved variable excludes nothing', () => {
    const pol = p('arn:aws:kms:*:*:key/${aws:username}', '2012-10-17', 'Allow', 'NotResource');
    assert.equal(eval_(pol, KEY_ARN, root()), 'direct');
    assert.equal(eval_(pol, 'arn:aws:kms:us-east-1:111122223333:key/Alice', user()), 'none');
  });

  it('Version 2008-10-17 keeps ${...} in Resource literal', () => {
    const pol = p('arn:aws:kms:*:${aws:PrincipalAccount}:key/*', '2008-10-17');
    assert.equal(eval_(pol, KEY_ARN), 'none');
    assert.equal(eval_(pol, 'arn:aws:kms:us-east-1:${aws:PrincipalAccount}:key/x'), 'direct');
  });
});
