import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildAuditEvent, buildServiceEvent, eventTime, isReadOnly } from '../../../src/audit/build.js';
import { formatMemberDate } from '../../../src/audit/redact.js';
import { ACCOUNT, KEY_ARN, KEY_ARN_2, KEY_ID, MATERIAL_ID, REGION, T0, UUID, alice, request } from './helpers.js';

/** The field order of CloudTrail's records (KMS Developer Guide examples). */
const CLOUDTRAIL_ORDER = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'readOnly',
  'resources',
  'eventType',
  'managementEvent',
  'recipientAccountId',
  'serviceEventDetails',
  'eventCategory',
  'tlsDetails',
];

function assertOrder(e: object): void {
  const keys = Object.keys(e);
  const expected = CLOUDTRAIL_ORDER.filter((k) => keys.includes(k));
  assert.deepEqual(keys, expected);
}

describe('KMS audit events in CloudTrail format', () => {
  it('Encrypt: the documented record, with responseElements null and the key material id', () => {
    const e = buildAuditEvent(
      request({
        operation: 'Encrypt',
        input: { KeyId: 'alias/payroll', Plaintext: 'c2VjcmV0', EncryptionContext: { Department: 'Engineering' } },
        output: { KeyId: KEY_ARN, CiphertextBlob: 'AQIDBA==', EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
        keyArns: [KEY_ARN],
        keyMaterialId: MATERIAL_ID,
        eventId: '91235988-eb87-476a-ac2c-0cdc244e6dca',
      }),
    );
    assert.deepEqual(e, {
      eventVersion: '1.11',
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDAJ45Q7YFFAREXAMPLE',
        arn: `arn:aws:iam::${ACCOUNT}:user/Alice`,
        accountId: ACCOUNT,
        accessKeyId: 'AKIAALICEEXAMPLE0001',
        userName: 'Alice',
      },
      eventTime: '2026-11-23T14:00:00Z',
      eventSource: 'kms.amazonaws.com',
      eventName: 'Encrypt',
      awsRegion: REGION,
      sourceIPAddress: '192.0.2.10',
      userAgent: 'aws-cli/2.15.0 Python/3.11',
      requestParameters: { keyId: 'alias/payroll', encryptionContext: { Department: 'Engineering' }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      responseElements: null,
      additionalEventData: { keyMaterialId: MATERIAL_ID },
      requestID: 'f3423043-63bc-11e4-bc2b-4198b6150d5c',
      eventID: '91235988-eb87-476a-ac2c-0cdc244e6dca',
      readOnly: true,
      resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: KEY_ARN }],
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      eventCategory: 'Management',
    });
    assertOrder(e);
  });

  it('Decrypt without KeyId (as Vault sends it) still records keyId and encryptionAlgorithm', () => {
    const e = buildAuditEvent(
      request({
        operation: 'Decrypt',
        input: { CiphertextBlob: 'AQIDBAUG', EncryptionContext: { Project: 'Alpha' } },
        output: { KeyId: KEY_ARN, Plaintext: 'aGVsbG8=', EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
        keyArns: [KEY_ARN],
        keyMaterialId: MATERIAL_ID,
      }),
    );
    assert.deepEqual(e.requestParameters, { encryptionContext: { Project: 'Alpha' }, keyId: KEY_ARN, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    assert.equal(e.responseElements, null);
    assert.equal(e.readOnly, true);
    assert.match(e.eventID, UUID);
  });

  it('Decrypt that fails records the error, the request, no response', () => {
    const e = buildAuditEvent(
      request({
        operation: 'Decrypt',
        input: { CiphertextBlob: 'AQIDBAUG', KeyId: KEY_ARN },
        error: { code: 'InvalidCiphertextException', message: '' },
        keyArns: [KEY_ARN],
      }),
    );
    assert.equal(e.errorCode, 'InvalidCiphertextException');
    assert.equal(e.errorMessage, '');
    assert.deepEqual(e.requestParameters, { keyId: KEY_ARN, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    assert.equal(e.responseElements, null);
    assertOrder(e);
  });

  it('a denied call is recorded with AccessDenied and the reason', () => {
    const message = `User: ${alice.arn} is not authorized to perform: kms:Decrypt on resource: ${KEY_ARN} because no identity-based policy allows the kms:Decrypt action`;
    const e = buildAuditEvent(
      request({
        operation: 'Decrypt',
        input: { CiphertextBlob: 'AQID', KeyId: KEY_ID },
        error: { code: 'AccessDeniedException', message },
        keyArns: [KEY_ARN],
      }),
    );
    assert.equal(e.errorCode, 'AccessDenied');
    assert.equal(e.errorMessage, message);
    assert.equal(e.responseElements, null);
    assert.deepEqual(e.resources, [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: KEY_ARN }]);
    assert.equal(e.eventType, 'AwsApiCall');
  });

  it('a very long error message is cut', () => {
    const e = buildAuditEvent(request({ operation: 'DescribeKey', input: { KeyId: KEY_ID }, error: { code: 'NotFoundException', message: 'x'.repeat(5000) } }));
    assert.equal(e.errorMessage!.length, 2048);
    assert.ok(e.errorMessage!.endsWith('...'));
  });

  it('GenerateDataKey and GenerateDataKeyWithoutPlaintext: key spec / number of bytes, context; no keys', () => {
    for (const operation of ['GenerateDataKey', 'GenerateDataKeyWithoutPlaintext']) {
      const e = buildAuditEvent(
        request({
          operation,
          input: { KeyId: KEY_ID, KeySpec: 'AES_256', EncryptionContext: { Department: 'Engineering', Project: 'Alpha' } },
          output: { KeyId: KEY_ARN, CiphertextBlob: 'AQID', Plaintext: 'BAUG', KeyMaterialId: MATERIAL_ID },
          keyArns: [KEY_ARN],
          keyMaterialId: MATERIAL_ID,
        }),
      );
      assert.deepEqual(e.requestParameters, { keyId: KEY_ID, encryptionContext: { Department: 'Engineering', Project: 'Alpha' }, keySpec: 'AES_256' });
      assert.equal(e.responseElements, null);
      assert.equal(e.readOnly, true);
    }
    const n = buildAuditEvent(request({ operation: 'GenerateDataKey', input: { KeyId: KEY_ID, NumberOfBytes: 64 }, output: {} }));
    assert.deepEqual(n.requestParameters, { keyId: KEY_ID, numberOfBytes: 64 });
  });

  it('CreateKey: the request and the key metadata, with CloudTrail dates', () => {
    const created = Date.UTC(2022, 7, 10, 22, 38, 27) / 1000;
    const e = buildAuditEvent(
      request({
        operation: 'CreateKey',
        input: {
          Description: 'payroll data key',
          KeySpec: 'SYMMETRIC_DEFAULT',
          KeyUsage: 'ENCRYPT_DECRYPT',
          Origin: 'AWS_KMS',
          BypassPolicyLockoutSafetyCheck: false,
          Policy: '{"Version":"2012-10-17","Statement":[]}',
          Tags: [{ TagKey: 'team', TagValue: 'payroll' }],
        },
        output: {
          KeyMetadata: {
            AWSAccountId: ACCOUNT,
            KeyId: KEY_ID,
            Arn: KEY_ARN,
            CreationDate: created,
            Enabled: true,
            Description: 'payroll data key',
            KeyUsage: 'ENCRYPT_DECRYPT',
            KeyState: 'Enabled',
            Origin: 'AWS_KMS',
            KeyManager: 'CUSTOMER',
            CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
            KeySpec: 'SYMMETRIC_DEFAULT',
            EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
            MultiRegion: false,
            CurrentKeyMaterialId: MATERIAL_ID,
          },
        },
        keyArns: [KEY_ARN],
      }),
    );
    assert.deepEqual(e.requestParameters, {
      policy: '{"Version":"2012-10-17","Statement":[]}',
      description: 'payroll data key',
      keyUsage: 'ENCRYPT_DECRYPT',
      keySpec: 'SYMMETRIC_DEFAULT',
      origin: 'AWS_KMS',
      bypassPolicyLockoutSafetyCheck: false,
      tags: [{ tagKey: 'team', tagValue: 'payroll' }],
    });
    assert.deepEqual(e.responseElements, {
      keyMetadata: {
        AWSAccountId: ACCOUNT,
        keyId: KEY_ID,
        arn: KEY_ARN,
        creationDate: 'Aug 10, 2022, 10:38:27 PM',
        enabled: true,
        description: 'payroll data key',
        keyUsage: 'ENCRYPT_DECRYPT',
        keyState: 'Enabled',
        origin: 'AWS_KMS',
        keyManager: 'CUSTOMER',
        customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
        keySpec: 'SYMMETRIC_DEFAULT',
        encryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
        multiRegion: false,
        currentKeyMaterialId: MATERIAL_ID,
      },
    });
    assert.equal(e.readOnly, false);
  });

  it('ScheduleKeyDeletion: window in, key id, state and deletion date out', () => {
    const e = buildAuditEvent(
      request({
        operation: 'ScheduleKeyDeletion',
        input: { KeyId: KEY_ID, PendingWindowInDays: 20 },
        output: { KeyId: KEY_ARN, KeyState: 'PendingDeletion', DeletionDate: Date.UTC(2021, 3, 12, 18, 58, 30) / 1000, PendingWindowInDays: 20 },
        keyArns: [KEY_ARN],
      }),
    );
    assert.deepEqual(e.requestParameters, { keyId: KEY_ID, pendingWindowInDays: 20 });
    assert.deepEqual(e.responseElements, { keyId: KEY_ARN, keyState: 'PendingDeletion', deletionDate: 'Apr 12, 2021, 6:58:30 PM' });
    assert.equal(e.readOnly, false);
  });

  it('CreateGrant: grant fields and constraints, grant id and key ARN out, never the grant token', () => {
    const e = buildAuditEvent(
      request({
        operation: 'CreateGrant',
        input: {
          KeyId: KEY_ARN,
          GranteePrincipal: `arn:aws:iam::${ACCOUNT}:role/Worker`,
          RetiringPrincipal: `arn:aws:iam::${ACCOUNT}:role/Admin`,
          Operations: ['Encrypt', 'RetireGrant'],
          Constraints: { EncryptionContextSubset: { ContextKey1: 'Value1' } },
          Name: 'worker-grant',
          GrantTokens: ['GRANT-TOKEN-IN'],
        },
        output: { GrantId: 'f020fe75197b93991dc8491d6f19dd3cebb24ee62277a05914386724f3d48758', GrantToken: 'GRANT-TOKEN-OUT' },
        keyArns: [KEY_ARN],
      }),
    );
    assert.deepEqual(e.requestParameters, {
      keyId: KEY_ARN,
      granteePrincipal: `arn:aws:iam::${ACCOUNT}:role/Worker`,
      retiringPrincipal: `arn:aws:iam::${ACCOUNT}:role/Admin`,
      operations: ['Encrypt', 'RetireGrant'],
      constraints: { encryptionContextSubset: { ContextKey1: 'Value1' } },
      name: 'worker-grant',
    });
    assert.deepEqual(e.responseElements, { keyId: KEY_ARN, grantId: 'f020fe75197b93991dc8491d6f19dd3cebb24ee62277a05914386724f3d48758' });
    assert.ok(!JSON.stringify(e).includes('GRANT-TOKEN'));
  });

  it('key management operations add the key ARN to responseElements (DisableKey), PutKeyPolicy does not', () => {
    const d = buildAuditEvent(request({ operation: 'DisableKey', input: { KeyId: KEY_ID }, output: {}, keyArns: [KEY_ARN] }));
    assert.deepEqual(d.requestParameters, { keyId: KEY_ID });
    assert.deepEqual(d.responseElements, { keyId: KEY_ARN });
    assert.equal(d.readOnly, false);
    const policy = '{"Version":"2012-10-17","Id":"key-default-1","Statement":[]}';
    const p = buildAuditEvent(
      request({ operation: 'PutKeyPolicy', input: { KeyId: KEY_ID, PolicyName: 'default', Policy: policy, BypassPolicyLockoutSafetyCheck: false }, output: {}, keyArns: [KEY_ARN] }),
    );
    assert.deepEqual(p.requestParameters, { keyId: KEY_ID, policyName: 'default', policy, bypassPolicyLockoutSafetyCheck: false });
    assert.equal(p.responseElements, null);
    const failed = buildAuditEvent(request({ operation: 'DisableKey', input: { KeyId: KEY_ID }, error: { code: 'NotFoundException', message: 'x' }, keyArns: [KEY_ARN] }));
    assert.equal(failed.responseElements, null);
  });

  it('GetKeyPolicy, DescribeKey and List* are read-only with null responses', () => {
    const g = buildAuditEvent(request({ operation: 'GetKeyPolicy', input: { KeyId: KEY_ID, PolicyName: 'default' }, output: { Policy: '{"secret":"POLICY-BODY"}' }, keyArns: [KEY_ARN] }));
    assert.deepEqual(g.requestParameters, { keyId: KEY_ID, policyName: 'default' });
    assert.equal(g.responseElements, null);
    assert.equal(g.readOnly, true);
    const l = buildAuditEvent(request({ operation: 'ListKeys', input: {}, output: { Keys: [{ KeyId: KEY_ID, KeyArn: KEY_ARN }] } }));
    assert.equal(l.requestParameters, null);
    assert.equal(l.responseElements, null);
    for (const op of ['DescribeKey', 'ListAliases', 'ListGrants', 'GetPublicKey', 'GetKeyRotationStatus', 'ListResourceTags']) {
      assert.equal(isReadOnly('kms', op), true, op);
    }
    for (const op of ['CreateAlias', 'TagResource', 'EnableKey', 'RetireGrant', 'ImportKeyMaterial', 'ReplicateKey']) {
      assert.equal(isReadOnly('kms', op), false, op);
    }
  });

  it('Sign and Verify record message type and algorithm only; GetPublicKey records no key', () => {
    for (const operation of ['Sign', 'Verify']) {
      const e = buildAuditEvent(
        request({
          operation,
          input: { KeyId: KEY_ID_SIGN, Message: 'TUVTU0FHRQ==', MessageType: 'RAW', SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256', Signature: 'U0lH' },
          output: { KeyId: KEY_ARN_2, Signature: 'U0lH', SignatureValid: true, SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' },
          keyArns: [KEY_ARN_2],
        }),
      );
      assert.deepEqual(e.requestParameters, { keyId: KEY_ID_SIGN, messageType: 'RAW', signingAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256' });
      assert.equal(e.responseElements, null);
      assert.equal(e.readOnly, true);
    }
    const pk = buildAuditEvent(request({ operation: 'GetPublicKey', input: { KeyId: KEY_ID_SIGN }, output: { KeyId: KEY_ARN_2, PublicKey: 'MIIBIjAN' }, keyArns: [KEY_ARN_2] }));
    assert.deepEqual(pk.requestParameters, { keyId: KEY_ID_SIGN });
    assert.equal(pk.responseElements, null);
  });

  it('ReEncrypt records both keys, contexts and algorithms, as resources both keys', () => {
    const e = buildAuditEvent(
      request({
        operation: 'ReEncrypt',
        input: {
          CiphertextBlob: 'AQID',
          SourceEncryptionContext: { a: '1' },
          DestinationKeyId: KEY_ARN_2,
          DestinationEncryptionContext: { b: '2' },
        },
        output: { CiphertextBlob: 'BAUG', SourceKeyId: KEY_ARN, KeyId: KEY_ARN_2 },
        keyArns: [KEY_ARN, KEY_ARN_2],
      }),
    );
    assert.deepEqual(e.requestParameters, { destinationKeyId: KEY_ARN_2, sourceEncryptionContext: { a: '1' }, destinationEncryptionContext: { b: '2' } });
    assert.deepEqual(
      e.resources?.map((r) => r.ARN),
      [KEY_ARN, KEY_ARN_2],
    );
  });

  it('aliases: names in, nothing out', () => {
    const e = buildAuditEvent(request({ operation: 'CreateAlias', input: { AliasName: 'alias/payroll', TargetKeyId: KEY_ID }, output: {}, keyArns: [KEY_ARN] }));
    assert.deepEqual(e.requestParameters, { aliasName: 'alias/payroll', targetKeyId: KEY_ID });
    assert.equal(e.responseElements, null);
  });

  it('an operation without a recording rule records neither parameters nor response', () => {
    const e = buildAuditEvent(request({ operation: 'FrobnicateKey', input: { KeyId: KEY_ID, Secret: 'S' }, output: { Secret: 'S' } }));
    assert.equal(e.requestParameters, null);
    assert.equal(e.responseElements, null);
    assert.equal(e.readOnly, false);
    assert.equal(buildAuditEvent(request({ operation: 'GetFrobnication' })).readOnly, true);
  });

  it('the recipient is the key owner for cross-account use', () => {
    const foreignKey = 'arn:aws:kms:us-west-2:444455556666:key/' + KEY_ID;
    const e = buildAuditEvent(request({ operation: 'Encrypt', input: { KeyId: foreignKey }, output: {}, keyArns: [foreignKey] }));
    assert.equal(e.recipientAccountId, '444455556666');
    assert.equal(e.userIdentity.accountId, ACCOUNT);
    assert.equal(buildAuditEvent(request({ operation: 'ListKeys' })).recipientAccountId, ACCOUNT);
  });

  it('TLS details are recorded when given', () => {
    const tls = { tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_256_GCM_SHA384', clientProvidedHostHeader: 'kms.example.internal' };
    const e = buildAuditEvent(request({ operation: 'ListKeys', tls }));
    assert.deepEqual(e.tlsDetails, tls);
    assertOrder(e);
  });

  it('service events: automatic rotation and deletion as AwsServiceEvent from "AWS Internal"', () => {
    const r = buildServiceEvent({
      operation: 'RotateKey',
      accountId: ACCOUNT,
      region: REGION,
      time: T0,
      keyArns: [KEY_ARN],
      serviceEventDetails: { rotationType: 'AUTOMATIC', keyOrigin: 'AWS_KMS', previousKeyMaterialId: 'a', currentKeyMaterialId: 'b' },
      eventId: 'a24b3967-ddad-417f-9b22-2332b918db06',
    });
    assert.deepEqual(r, {
      eventVersion: '1.11',
      userIdentity: { accountId: ACCOUNT, invokedBy: 'AWS Internal' },
      eventTime: '2026-11-23T14:00:00Z',
      eventSource: 'kms.amazonaws.com',
      eventName: 'RotateKey',
      awsRegion: REGION,
      sourceIPAddress: 'AWS Internal',
      userAgent: 'AWS Internal',
      requestParameters: null,
      responseElements: null,
      eventID: 'a24b3967-ddad-417f-9b22-2332b918db06',
      readOnly: false,
      resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: KEY_ARN }],
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      recipientAccountId: ACCOUNT,
      serviceEventDetails: { rotationType: 'AUTOMATIC', keyOrigin: 'AWS_KMS', previousKeyMaterialId: 'a', currentKeyMaterialId: 'b' },
      eventCategory: 'Management',
    });
    assertOrder(r);
    const d = buildServiceEvent({ operation: 'DeleteKey', accountId: ACCOUNT, region: REGION, time: T0, keyArns: [KEY_ARN], responseElements: { keyId: KEY_ARN } });
    assert.equal(d.eventType, 'AwsServiceEvent');
    assert.equal(d.requestID, undefined);
    assert.deepEqual(d.responseElements, { keyId: KEY_ARN });
    assert.match(d.eventID, UUID);
  });

  it('times: eventTime to the second in UTC; member dates as CloudTrail writes them', () => {
    assert.equal(eventTime(Date.UTC(2026, 10, 23, 14, 0, 0, 999)), '2026-11-23T14:00:00Z');
    assert.equal(formatMemberDate(Date.UTC(2021, 0, 1, 0, 5, 9)), 'Jan 1, 2021, 12:05:09 AM');
    assert.equal(formatMemberDate(Date.UTC(2021, 0, 1, 12, 0, 0)), 'Jan 1, 2021, 12:00:00 PM');
    assert.equal(formatMemberDate(Date.UTC(2021, 11, 31, 23, 59, 59)), 'Dec 31, 2021, 11:59:59 PM');
  });
});

const KEY_ID_SIGN = '0987dcba-09fe-87dc-65ba-ab0987654321';
