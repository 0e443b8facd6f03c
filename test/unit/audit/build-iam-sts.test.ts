import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAuditEvent, isReadOnly, userIdentityOf } from '../../../src/audit/build.js';
import { IAM_OPERATIONS, STS_OPERATIONS } from '../../../src/audit/iam-sts-fields.js';
import { IAM_MODEL, STS_MODEL } from '../../../src/adapters/query/model.generated.js';
import { ACCOUNT, T0, alice, request, root, session } from './helpers.js';

describe('user identities', () => {
  it('an IAM user with long-term keys', () => {
    assert.deepEqual(userIdentityOf(alice), {
      type: 'IAMUser',
      principalId: 'AIDAJ45Q7YFFAREXAMPLE',
      arn: alice.arn,
      accountId: ACCOUNT,
      accessKeyId: 'AKIAALICEEXAMPLE0001',
      userName: 'Alice',
    });
  });

  it('the account root', () => {
    assert.deepEqual(userIdentityOf(root), {
      type: 'Root',
      principalId: ACCOUNT,
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      accountId: ACCOUNT,
      accessKeyId: 'AKIAROOTEXAMPLE00001',
    });
  });

  it('an assumed-role session names its issuer and when it was issued', () => {
    assert.deepEqual(userIdentityOf(session, { credential: 'session', issuedAt: Date.UTC(2026, 10, 23, 13, 15, 0) }), {
      type: 'AssumedRole',
      principalId: 'AROAIDPPEZS35WEXAMPLE:build-42',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/build-42`,
      accountId: ACCOUNT,
      accessKeyId: 'ASIASESSIONEXAMPLE01',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAIDPPEZS35WEXAMPLE',
          arn: `arn:aws:iam::${ACCOUNT}:role/Deployer`,
          accountId: ACCOUNT,
          userName: 'Deployer',
        },
        attributes: { creationDate: '2026-11-23T13:15:00Z', mfaAuthenticated: 'false' },
      },
    });
  });

  it('a session whose issue time the pipeline does not know omits creationDate', () => {
    assert.deepEqual(userIdentityOf(session).sessionContext?.attributes, { mfaAuthenticated: 'false' });
  });

  it("an IAM user's GetSessionToken credentials show session attributes without an issuer", () => {
    const u = userIdentityOf({ ...alice, accessKeyId: 'ASIAALICESESSION0001' }, { credential: 'session', issuedAt: T0 });
    assert.equal(u.type, 'IAMUser');
    assert.deepEqual(u.sessionContext, { attributes: { creationDate: '2026-11-23T14:00:00Z', mfaAuthenticated: 'false' } });
  });
});

describe('IAM and STS audit events', () => {
  it('IAM events come from iam.amazonaws.com and are recorded in us-east-1', () => {
    const e = buildAuditEvent(
      request({
        service: 'iam',
        operation: 'CreateUser',
        region: 'eu-west-1',
        input: { UserName: 'Bob', Path: '/' },
        output: { User: { Path: '/', UserName: 'Bob', UserId: 'AIDABOBEXAMPLE', Arn: `arn:aws:iam::${ACCOUNT}:user/Bob`, CreateDate: Date.UTC(2026, 10, 23, 14, 0, 0) } },
      }),
    );
    assert.equal(e.eventSource, 'iam.amazonaws.com');
    assert.equal(e.awsRegion, 'us-east-1');
    assert.deepEqual(e.requestParameters, { userName: 'Bob', path: '/' });
    assert.deepEqual(e.responseElements, {
      user: { path: '/', userName: 'Bob', userId: 'AIDABOBEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/Bob`, createDate: 'Nov 23, 2026, 2:00:00 PM' },
    });
    assert.equal(e.readOnly, false);
  });

  it('CreateAccessKey records the new key id and status, never the secret', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1';
    const e = buildAuditEvent(
      request({
        service: 'iam',
        operation: 'CreateAccessKey',
        input: { UserName: 'Bob' },
        output: { AccessKey: { UserName: 'Bob', AccessKeyId: 'AKIABOBNEWKEY0000001', Status: 'Active', SecretAccessKey: secret, CreateDate: T0 } },
      }),
    );
    assert.deepEqual(e.responseElements, {
      accessKey: { userName: 'Bob', accessKeyId: 'AKIABOBNEWKEY0000001', status: 'Active', createDate: 'Nov 23, 2026, 2:00:00 PM' },
    });
    assert.ok(!JSON.stringify(e).includes(secret));
  });

  it('AssumeRole records the role and session, the new access key id and expiry only', () => {
    const e = buildAuditEvent(
      request({
        service: 'sts',
        operation: 'AssumeRole',
        caller: alice,
        input: { RoleArn: `arn:aws:iam::${ACCOUNT}:role/Deployer`, RoleSessionName: 'build-42', DurationSeconds: 900, ExternalId: 'ext-1' },
        output: {
          Credentials: { AccessKeyId: 'ASIANEWSESSION000001', SecretAccessKey: 'SESSION-SECRET-KEY', SessionToken: 'SESSION-TOKEN-VALUE', Expiration: T0 + 900_000 },
          AssumedRoleUser: { AssumedRoleId: 'AROAIDPPEZS35WEXAMPLE:build-42', Arn: session.arn },
        },
        resourceArns: [`arn:aws:iam::${ACCOUNT}:role/Deployer`],
      }),
    );
    assert.equal(e.eventSource, 'sts.amazonaws.com');
    assert.equal(e.readOnly, true);
    assert.deepEqual(e.requestParameters, { roleArn: `arn:aws:iam::${ACCOUNT}:role/Deployer`, roleSessionName: 'build-42', durationSeconds: 900, externalId: 'ext-1' });
    assert.deepEqual(e.responseElements, {
      credentials: { accessKeyId: 'ASIANEWSESSION000001', expiration: 'Nov 23, 2026, 2:15:00 PM' },
      assumedRoleUser: { assumedRoleId: 'AROAIDPPEZS35WEXAMPLE:build-42', arn: session.arn },
    });
    assert.deepEqual(e.resources, [{ accountId: ACCOUNT, type: 'AWS::IAM::Role', ARN: `arn:aws:iam::${ACCOUNT}:role/Deployer` }]);
    const text = JSON.stringify(e);
    assert.ok(!text.includes('SESSION-SECRET-KEY') && !text.includes('SESSION-TOKEN-VALUE'));
  });

  it('GetSessionToken drops MFA codes and session secrets; GetCallerIdentity has no parameters', () => {
    const e = buildAuditEvent(
      request({
        service: 'sts',
        operation: 'GetSessionToken',
        input: { DurationSeconds: 3600, SerialNumber: 'arn:aws:iam::111122223333:mfa/alice', TokenCode: '123456' },
        output: { Credentials: { AccessKeyId: 'ASIAX', SecretAccessKey: 'S3CR3T', SessionToken: 'T0K3N', Expiration: T0 } },
      }),
    );
    assert.deepEqual(e.requestParameters, { durationSeconds: 3600 });
    assert.deepEqual(e.responseElements, { credentials: { accessKeyId: 'ASIAX', expiration: 'Nov 23, 2026, 2:00:00 PM' } });
    const g = buildAuditEvent(request({ service: 'sts', operation: 'GetCallerIdentity', input: {}, output: { Account: ACCOUNT, Arn: alice.arn, UserId: alice.userId } }));
    assert.equal(g.requestParameters, null);
    assert.equal(g.responseElements, null);
  });

  it('policy writes record the policy names and documents; denials record AccessDenied verbatim', () => {
    const doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}';
    const e = buildAuditEvent(request({ service: 'iam', operation: 'PutUserPolicy', input: { UserName: 'Bob', PolicyName: 'kms', PolicyDocument: doc } }));
    assert.deepEqual(e.requestParameters, { userName: 'Bob', policyName: 'kms', policyDocument: doc });
    const d = buildAuditEvent(
      request({
        service: 'iam',
        operation: 'DeleteUser',
        input: { UserName: 'Bob' },
        error: { code: 'AccessDenied', message: `User: ${alice.arn} is not authorized to perform: iam:DeleteUser on resource: user Bob` },
      }),
    );
    assert.equal(d.errorCode, 'AccessDenied');
    assert.equal(d.responseElements, null);
  });

  it('readOnly: Get* and List* only, for every IAM action Trent serves; STS calls are read-only', () => {
    for (const op of Object.keys(IAM_MODEL.operations)) {
      assert.ok(IAM_OPERATIONS[op], `no recording rule for iam:${op}`);
      assert.equal(isReadOnly('iam', op), /^(Get|List)/.test(op), op);
    }
    for (const op of Object.keys(STS_MODEL.operations)) {
      assert.ok(STS_OPERATIONS[op], `no recording rule for sts:${op}`);
      assert.equal(isReadOnly('sts', op), true, op);
    }
  });
});
