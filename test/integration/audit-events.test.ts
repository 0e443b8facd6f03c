/**
 * The audit trail of a real server, driven by the real SDKs: each operation
 * family leaves exactly one CloudTrail record of the right shape, found by
 * the request id the client saw, and no record holds a secret (plaintext,
 * ciphertext, data key, private key, signature, MAC, secret access key,
 * session token, grant token). Denied calls are recorded as AccessDenied,
 * failed calls with their error; requests that never authenticated are not
 * recorded; the scheduler's deletions are service events.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { Agent as HttpsAgent } from 'node:https';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import {
  CreateAliasCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyPairCommand,
  GenerateMacCommand,
  GenerateRandomCommand,
  GetPublicKeyCommand,
  KMSClient,
  PutKeyPolicyCommand,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  TagResourceCommand,
  VerifyMacCommand,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { CreateAccessKeyCommand, CreateUserCommand, GetUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import type { AuditEvent } from '../../src/audit/event.js';
import { TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_REGION, TEST_SECRET, startTestServer, tempDir, type TestServer } from '../helpers/trent.js';
import { createRole, createUser, iam, sts, type Identity } from '../helpers/identities.js';
import { signedRequest } from '../helpers/raw-request.js';
import { eventOf, failure, requestIdOf, trailEvents, trailText } from './audit-support.js';

const ROOT_ARN = `arn:aws:iam::${TEST_ACCOUNT}:root`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MATERIAL_ID = /^[0-9a-f]{64}$/;

/** Every top-level field of an API-call record, in CloudTrail's order (optional ones aside). */
function assertShape(e: AuditEvent, expect: { eventName: string; source: string; readOnly: boolean }): void {
  assert.equal(e.eventVersion, '1.11');
  assert.equal(e.eventName, expect.eventName);
  assert.equal(e.eventSource, expect.source);
  assert.equal(e.readOnly, expect.readOnly, `${expect.eventName} readOnly`);
  assert.equal(e.eventType, 'AwsApiCall');
  assert.equal(e.managementEvent, true);
  assert.equal(e.eventCategory, 'Management');
  assert.match(e.eventID, UUID);
  assert.match(e.requestID!, UUID);
  assert.match(e.eventTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.equal(e.sourceIPAddress, '127.0.0.1');
  assert.match(e.userAgent, /aws-sdk-js/);
  assert.ok('requestParameters' in e && 'responseElements' in e);
}

describe('audit events of a real server', () => {
  let server: TestServer;
  let kms: KMSClient;
  let key: KeyMetadata;
  let other: KeyMetadata;
  /** Secrets the trail must never hold, collected as the tests produce them. */
  const secrets: string[] = [TEST_SECRET];

  before(async () => {
    server = await startTestServer();
    kms = server.kms();
    key = (await kms.send(new CreateKeyCommand({ Description: 'audited' }))).KeyMetadata!;
    other = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  });
  after(() => server.close());

  it('CreateKey: the root caller, the request, the new key metadata and the key as resource', async () => {
    const out = await kms.send(new CreateKeyCommand({ Description: 'payroll', Tags: [{ TagKey: 'team', TagValue: 'pay' }] }));
    const e = await eventOf(server, requestIdOf(out));
    assertShape(e, { eventName: 'CreateKey', source: 'kms.amazonaws.com', readOnly: false });
    assert.deepEqual(e.userIdentity, { type: 'Root', principalId: TEST_ACCOUNT, arn: ROOT_ARN, accountId: TEST_ACCOUNT, accessKeyId: TEST_ACCESS_KEY_ID });
    assert.equal(e.awsRegion, TEST_REGION);
    assert.deepEqual(e.requestParameters, { description: 'payroll', tags: [{ tagKey: 'team', tagValue: 'pay' }] });
    const md = (e.responseElements as any).keyMetadata;
    assert.equal(md.arn, out.KeyMetadata!.Arn);
    assert.equal(md.keyState, 'Enabled');
    assert.deepEqual(e.resources, [{ accountId: TEST_ACCOUNT, type: 'AWS::KMS::Key', ARN: out.KeyMetadata!.Arn }]);
    assert.equal(e.recipientAccountId, TEST_ACCOUNT);
    assert.equal(e.errorCode, undefined);
  });

  it('Encrypt: key id and context recorded, material id in additionalEventData, no plaintext or ciphertext', async () => {
    const plaintext = Buffer.from('ENCRYPT-PLAINTEXT-MARKER');
    const out = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext, EncryptionContext: { dept: 'eng' } }));
    secrets.push(plaintext.toString(), plaintext.toString('base64'), Buffer.from(out.CiphertextBlob!).toString('base64'));
    const e = await eventOf(server, requestIdOf(out));
    assertShape(e, { eventName: 'Encrypt', source: 'kms.amazonaws.com', readOnly: true });
    assert.deepEqual(e.requestParameters, { keyId: key.KeyId, encryptionContext: { dept: 'eng' }, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    assert.equal(e.responseElements, null);
    assert.match((e.additionalEventData as any).keyMaterialId, MATERIAL_ID);
    assert.deepEqual(e.resources, [{ accountId: TEST_ACCOUNT, type: 'AWS::KMS::Key', ARN: key.Arn }]);
  });

  it('Decrypt without KeyId still names the key (from the ciphertext), and the material that decrypted', async () => {
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('DECRYPT-ME-MARKER'), EncryptionContext: { a: 'b' } }));
    const out = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { a: 'b' } }));
    secrets.push('DECRYPT-ME-MARKER', Buffer.from('DECRYPT-ME-MARKER').toString('base64'));
    const e = await eventOf(server, requestIdOf(out));
    assertShape(e, { eventName: 'Decrypt', source: 'kms.amazonaws.com', readOnly: true });
    assert.deepEqual(e.requestParameters, { encryptionContext: { a: 'b' }, keyId: key.Arn, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    assert.equal(e.responseElements, null);
    assert.equal((e.additionalEventData as any).keyMaterialId, out.KeyMaterialId);
    assert.deepEqual(e.resources!.map((r) => r.ARN), [key.Arn]);
  });

  it('a Decrypt denied for an IAM user names the key found in the ciphertext and is recorded as AccessDenied', async () => {
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }));
    const nobody = await createUser(server, 'nobody');
    const client = nobody.kms();
    const err = await failure(() => client.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })));
    client.destroy();
    assert.equal(err.name, 'AccessDeniedException');
    const e = await eventOf(server, err.requestId);
    assertShape(e, { eventName: 'Decrypt', source: 'kms.amazonaws.com', readOnly: true });
    assert.equal(e.errorCode, 'AccessDenied');
    assert.equal(e.errorMessage, err.message);
    assert.match(e.errorMessage!, /is not authorized to perform: kms:Decrypt/);
    assert.equal(e.userIdentity.type, 'IAMUser');
    assert.equal(e.userIdentity.userName, 'nobody');
    assert.equal(e.userIdentity.arn, nobody.arn);
    assert.match(e.userIdentity.principalId!, /^AIDA/);
    assert.equal(e.userIdentity.accessKeyId, nobody.credentials.accessKeyId);
    assert.deepEqual(e.resources!.map((r) => r.ARN), [key.Arn]);
    assert.equal((e.requestParameters as any).keyId, key.Arn);
    assert.equal(e.responseElements, null);
    assert.equal(e.additionalEventData, undefined, 'no material was used');
    secrets.push(nobody.credentials.secretAccessKey);
  });

  it('ReEncrypt: source then destination as resources, both material ids', async () => {
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('REENCRYPT-MARKER') }));
    const out = await kms.send(new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: other.KeyId, DestinationEncryptionContext: { to: 'other' } }));
    secrets.push(Buffer.from(out.CiphertextBlob!).toString('base64'));
    const e = await eventOf(server, requestIdOf(out));
    assertShape(e, { eventName: 'ReEncrypt', source: 'kms.amazonaws.com', readOnly: true });
    assert.deepEqual(e.resources!.map((r) => r.ARN), [key.Arn, other.Arn]);
    assert.deepEqual(e.requestParameters, { destinationKeyId: other.KeyId, destinationEncryptionContext: { to: 'other' } });
    assert.deepEqual(e.additionalEventData, { destinationKeyMaterialId: out.DestinationKeyMaterialId, sourceKeyMaterialId: out.SourceKeyMaterialId });
  });

  it('GenerateDataKey, GenerateDataKeyPair and GenerateRandom record the request, never the key or bytes', async () => {
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: key.Arn, KeySpec: 'AES_256', EncryptionContext: { k: 'v' } }));
    secrets.push(Buffer.from(dk.Plaintext!).toString('base64'), Buffer.from(dk.CiphertextBlob!).toString('base64'));
    let e = await eventOf(server, requestIdOf(dk));
    assertShape(e, { eventName: 'GenerateDataKey', source: 'kms.amazonaws.com', readOnly: true });
    assert.deepEqual(e.requestParameters, { keyId: key.Arn, encryptionContext: { k: 'v' }, keySpec: 'AES_256' });
    assert.equal((e.additionalEventData as any).keyMaterialId, dk.KeyMaterialId);

    const pair = await kms.send(new GenerateDataKeyPairCommand({ KeyId: key.KeyId, KeyPairSpec: 'ECC_NIST_P256' }));
    secrets.push(Buffer.from(pair.PrivateKeyPlaintext!).toString('base64'), Buffer.from(pair.PublicKey!).toString('base64'));
    e = await eventOf(server, requestIdOf(pair));
    assert.deepEqual(e.requestParameters, { keyId: key.KeyId, keyPairSpec: 'ECC_NIST_P256' });
    assert.equal(e.responseElements, null);

    const random = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 48 }));
    secrets.push(Buffer.from(random.Plaintext!).toString('base64'));
    e = await eventOf(server, requestIdOf(random));
    assert.deepEqual(e.requestParameters, { numberOfBytes: 48 });
    assert.equal(e.resources, undefined);
  });

  it('Sign, GenerateMac, VerifyMac and GetPublicKey record algorithms, never messages, signatures, MACs or keys', async () => {
    const signing = (await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
    const message = Buffer.from('SIGNED-MESSAGE-MARKER');
    const sig = await kms.send(new SignCommand({ KeyId: signing.KeyId, Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
    secrets.push(message.toString('base64'), Buffer.from(sig.Signature!).toString('base64'));
    let e = await eventOf(server, requestIdOf(sig));
    assertShape(e, { eventName: 'Sign', source: 'kms.amazonaws.com', readOnly: true });
    assert.deepEqual(e.requestParameters, { keyId: signing.KeyId, messageType: 'RAW', signingAlgorithm: 'ECDSA_SHA_256' });
    const pk = await kms.send(new GetPublicKeyCommand({ KeyId: signing.KeyId }));
    secrets.push(Buffer.from(pk.PublicKey!).toString('base64'));
    e = await eventOf(server, requestIdOf(pk));
    assert.equal(e.responseElements, null);

    const hmac = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!;
    const mac = await kms.send(new GenerateMacCommand({ KeyId: hmac.KeyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }));
    secrets.push(Buffer.from(mac.Mac!).toString('base64'));
    e = await eventOf(server, requestIdOf(mac));
    assert.deepEqual(e.requestParameters, { keyId: hmac.KeyId, macAlgorithm: 'HMAC_SHA_256' });
    const bad = await failure(() => kms.send(new VerifyMacCommand({ KeyId: hmac.KeyId, Message: message, MacAlgorithm: 'HMAC_SHA_256', Mac: Buffer.alloc(32, 1) })));
    assert.equal(bad.name, 'KMSInvalidMacException');
    e = await eventOf(server, bad.requestId);
    assert.equal(e.errorCode, 'KMSInvalidMacException');
    assert.deepEqual(e.resources!.map((r) => r.ARN), [hmac.Arn]);
  });

  it('key management: DisableKey and TagResource name the key in responseElements; PutKeyPolicy records the policy', async () => {
    const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const disabled = await kms.send(new DisableKeyCommand({ KeyId: k.KeyId }));
    let e = await eventOf(server, requestIdOf(disabled));
    assertShape(e, { eventName: 'DisableKey', source: 'kms.amazonaws.com', readOnly: false });
    assert.deepEqual(e.requestParameters, { keyId: k.KeyId });
    assert.deepEqual(e.responseElements, { keyId: k.Arn });
    const tagged = await kms.send(new TagResourceCommand({ KeyId: k.KeyId, Tags: [{ TagKey: 'a', TagValue: 'b' }] }));
    e = await eventOf(server, requestIdOf(tagged));
    assert.deepEqual(e.requestParameters, { keyId: k.KeyId, tags: [{ tagKey: 'a', tagValue: 'b' }] });
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROOT_ARN }, Action: 'kms:*', Resource: '*' }] });
    const put = await kms.send(new PutKeyPolicyCommand({ KeyId: k.KeyId, PolicyName: 'default', Policy: policy }));
    e = await eventOf(server, requestIdOf(put));
    assert.deepEqual(e.requestParameters, { keyId: k.KeyId, policyName: 'default', policy });
    const scheduled = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    e = await eventOf(server, requestIdOf(scheduled));
    assert.equal((e.responseElements as any).keyState, 'PendingDeletion');
    assert.equal((e.responseElements as any).keyId, k.Arn);
  });

  it('aliases and grants: the target key as resource, the grant id but never the grant token', async () => {
    const alias = await kms.send(new CreateAliasCommand({ AliasName: 'alias/audited', TargetKeyId: key.KeyId }));
    let e = await eventOf(server, requestIdOf(alias));
    assert.deepEqual(e.requestParameters, { aliasName: 'alias/audited', targetKeyId: key.KeyId });
    assert.deepEqual(e.resources!.map((r) => r.ARN), [key.Arn]);
    const described = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/audited' }));
    e = await eventOf(server, requestIdOf(described));
    assert.deepEqual(e.requestParameters, { keyId: 'alias/audited' });
    assert.deepEqual(e.resources!.map((r) => r.ARN), [key.Arn]);
    const grant = await kms.send(
      new CreateGrantCommand({ KeyId: key.KeyId, GranteePrincipal: `arn:aws:iam::${TEST_ACCOUNT}:user/grantee`, Operations: ['Encrypt'] }),
    );
    secrets.push(grant.GrantToken!);
    e = await eventOf(server, requestIdOf(grant));
    assertShape(e, { eventName: 'CreateGrant', source: 'kms.amazonaws.com', readOnly: false });
    assert.deepEqual(e.responseElements, { keyId: key.Arn, grantId: grant.GrantId });
  });

  it('failed calls carry their error code and message; a missing key names no resource', async () => {
    const missing = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/00000000-0000-4000-8000-000000000000`;
    const err = await failure(() => kms.send(new DescribeKeyCommand({ KeyId: missing })));
    assert.equal(err.name, 'NotFoundException');
    let e = await eventOf(server, err.requestId);
    assert.equal(e.errorCode, 'NotFoundException');
    assert.equal(e.errorMessage, err.message);
    assert.equal(e.resources, undefined);
    assert.deepEqual(e.requestParameters, { keyId: missing });
    // Validation fails after authentication: still recorded.
    const invalid = await signedRequest(server.url, 'GenerateRandom', { NumberOfBytes: 5000 });
    assert.equal(invalid.status, 400);
    e = await eventOf(server, invalid.headers.get('x-amzn-requestid')!);
    assert.equal(e.errorCode, 'ValidationException');
    assert.deepEqual(e.requestParameters, { numberOfBytes: 5000 });
  });

  it('requests refused before authentication are not recorded', async () => {
    const before = (await trailEvents(server)).length;
    const wrong = new KMSClient({ endpoint: server.url, region: TEST_REGION, credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: 'not-the-secret-0123456789' }, maxAttempts: 1 });
    const err = await failure(() => wrong.send(new CreateKeyCommand({})));
    wrong.destroy();
    assert.equal(err.name, 'InvalidSignatureException');
    const unknown = await signedRequest(server.url, 'ListKeys', {}, { accessKeyId: 'AKIAUNKNOWNKEY000001' });
    assert.equal(unknown.status, 400);
    const after = await trailEvents(server);
    assert.equal(after.length, before);
    assert.ok(!after.some((e) => e.requestID === err.requestId));
  });

  it('IAM: events from iam.amazonaws.com in us-east-1; CreateAccessKey records the key id, never the secret', async () => {
    const client = iam(server);
    const user = await client.send(new CreateUserCommand({ UserName: 'audited-user' }));
    let e = await eventOf(server, requestIdOf(user));
    assertShape(e, { eventName: 'CreateUser', source: 'iam.amazonaws.com', readOnly: false });
    assert.equal(e.awsRegion, 'us-east-1');
    assert.deepEqual(e.requestParameters, { userName: 'audited-user' });
    assert.equal((e.responseElements as any).user.arn, user.User!.Arn);
    const key = await client.send(new CreateAccessKeyCommand({ UserName: 'audited-user' }));
    secrets.push(key.AccessKey!.SecretAccessKey!);
    e = await eventOf(server, requestIdOf(key));
    assert.deepEqual(Object.keys((e.responseElements as any).accessKey).sort(), ['accessKeyId', 'createDate', 'status', 'userName']);
    assert.equal((e.responseElements as any).accessKey.accessKeyId, key.AccessKey!.AccessKeyId);
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] });
    const put = await client.send(new PutUserPolicyCommand({ UserName: 'audited-user', PolicyName: 'p', PolicyDocument: policy }));
    e = await eventOf(server, requestIdOf(put));
    assert.deepEqual(e.requestParameters, { userName: 'audited-user', policyName: 'p', policyDocument: policy });
    client.destroy();

    // As the user: allowed GetUser, denied CreateUser (AccessDenied).
    const asUser = iam(server, { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! });
    const got = await asUser.send(new GetUserCommand({ UserName: 'audited-user' }));
    e = await eventOf(server, requestIdOf(got));
    assert.equal(e.userIdentity.userName, 'audited-user');
    assert.equal(e.readOnly, true);
    const denied = await failure(() => asUser.send(new CreateUserCommand({ UserName: 'intruder' })));
    asUser.destroy();
    assert.equal(denied.name, 'AccessDenied');
    e = await eventOf(server, denied.requestId);
    assert.equal(e.errorCode, 'AccessDenied');
    assert.match(e.errorMessage!, /not authorized to perform: iam:CreateUser/);
    assert.equal(e.responseElements, null);
  });

  it('STS: AssumeRole records the role as resource and the new access key id, never its secret or token; the session is AssumedRole', async () => {
    const alice: Identity = await createUser(server, 'alice', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
    });
    secrets.push(alice.credentials.secretAccessKey);
    const roleArn = await createRole(
      server,
      'deployer',
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: alice.arn }, Action: 'sts:AssumeRole' }] },
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] },
    );
    const client = sts(server, alice.credentials);
    const assumed = await client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'build-7', DurationSeconds: 900 }));
    client.destroy();
    const c = assumed.Credentials!;
    secrets.push(c.SecretAccessKey!, c.SessionToken!);
    let e = await eventOf(server, requestIdOf(assumed));
    assertShape(e, { eventName: 'AssumeRole', source: 'sts.amazonaws.com', readOnly: true });
    assert.deepEqual(e.resources, [{ accountId: TEST_ACCOUNT, type: 'AWS::IAM::Role', ARN: roleArn }]);
    assert.deepEqual(e.requestParameters, { roleArn, roleSessionName: 'build-7', durationSeconds: 900 });
    const re = e.responseElements as any;
    assert.equal(re.credentials.accessKeyId, c.AccessKeyId);
    assert.deepEqual(Object.keys(re.credentials).sort(), ['accessKeyId', 'expiration']);
    assert.equal(re.assumedRoleUser.arn, assumed.AssumedRoleUser!.Arn);

    // The session's own calls: userIdentity AssumedRole with the role as session issuer.
    const session = new KMSClient({ endpoint: server.url, region: TEST_REGION, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }, maxAttempts: 1 });
    const out = await session.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('x') }));
    session.destroy();
    e = await eventOf(server, requestIdOf(out));
    assert.equal(e.userIdentity.type, 'AssumedRole');
    assert.equal(e.userIdentity.arn, assumed.AssumedRoleUser!.Arn);
    assert.equal(e.userIdentity.accessKeyId, c.AccessKeyId);
    assert.equal(e.userIdentity.sessionContext!.sessionIssuer!.arn, roleArn);
    assert.equal(e.userIdentity.sessionContext!.sessionIssuer!.userName, 'deployer');
    assert.match(e.userIdentity.sessionContext!.attributes.creationDate!, /Z$/);

    const stsRoot = sts(server);
    const who = await stsRoot.send(new GetCallerIdentityCommand({}));
    e = await eventOf(server, requestIdOf(who));
    assert.equal(e.eventName, 'GetCallerIdentity');
    const aliceSts = sts(server, alice.credentials);
    const token = await aliceSts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
    aliceSts.destroy();
    stsRoot.destroy();
    secrets.push(token.Credentials!.SecretAccessKey!, token.Credentials!.SessionToken!);
    e = await eventOf(server, requestIdOf(token));
    assert.deepEqual(Object.keys((e.responseElements as any).credentials).sort(), ['accessKeyId', 'expiration']);
  });

  it('the scheduler records a completed deletion as a DeleteKey service event', async () => {
    const doomed = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }));
    server.clock.advance(8 * 86_400_000);
    // The key scheduled for deletion by the key management test goes too.
    assert.equal(await server.trent.sweep(), 2);
    const deletions = await trailEvents(server, { eventName: 'DeleteKey' });
    assert.equal(deletions.length, 2);
    const e = deletions.find((d) => d.resources?.[0].ARN === doomed.Arn)!;
    assert.ok(e, 'no DeleteKey event for the key');
    assert.deepEqual(e, {
      eventVersion: '1.11',
      userIdentity: { accountId: TEST_ACCOUNT, invokedBy: 'AWS Internal' },
      eventTime: e.eventTime,
      eventSource: 'kms.amazonaws.com',
      eventName: 'DeleteKey',
      awsRegion: TEST_REGION,
      sourceIPAddress: 'AWS Internal',
      userAgent: 'AWS Internal',
      requestParameters: null,
      responseElements: null,
      eventID: e.eventID,
      readOnly: false,
      resources: [{ accountId: TEST_ACCOUNT, type: 'AWS::KMS::Key', ARN: doomed.Arn }],
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      recipientAccountId: TEST_ACCOUNT,
      eventCategory: 'Management',
    });
    assert.equal(Date.parse(e.eventTime), Math.floor(server.clock.now() / 1000) * 1000);
  });

  it('no event in the whole trail holds a secret', async () => {
    const text = await trailText(server);
    assert.ok(secrets.length > 20);
    for (const s of secrets) assert.equal(text.includes(s), false, `secret found in the trail: ${s.slice(0, 12)}...`);
    for (const e of await trailEvents(server)) {
      const flat = JSON.stringify(e);
      for (const field of ['plaintext', 'ciphertextBlob', 'secretAccessKey', 'sessionToken', 'grantToken', 'signature', 'mac"', 'privateKey', 'publicKey"', 'message"']) {
        assert.equal(flat.toLowerCase().includes(`"${field.toLowerCase()}`), false, `${e.eventName} records ${field}`);
      }
    }
  });
});

describe('audit events over TLS', () => {
  it('record tlsDetails: the protocol, the cipher suite and the Host header the client sent', async () => {
    const dir = tempDir('trent-audit-tls-');
    const keyFile = join(dir, 'key.pem');
    const certFile = join(dir, 'cert.pem');
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1', '-keyout', keyFile, '-out', certFile,
    ]);
    const cert = readFileSync(certFile);
    const server = await startTestServer({ tls: { cert, key: readFileSync(keyFile) } });
    try {
      assert.match(server.url, /^https:/);
      const kms = new KMSClient({
        endpoint: server.url,
        region: TEST_REGION,
        credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET },
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({ httpsAgent: new HttpsAgent({ ca: cert }) }),
      });
      const out = await kms.send(new CreateKeyCommand({}));
      kms.destroy();
      const e = await eventOf(server, requestIdOf(out));
      assert.match(e.tlsDetails!.tlsVersion, /^TLSv1\.[23]$/);
      assert.match(e.tlsDetails!.cipherSuite, /^[A-Z0-9_-]+$/);
      assert.equal(e.tlsDetails!.clientProvidedHostHeader, new URL(server.url).host);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('plain HTTP requests carry no tlsDetails', async () => {
    const server = await startTestServer();
    try {
      const kms = server.kms();
      const out = await kms.send(new CreateKeyCommand({}));
      assert.equal((await eventOf(server, requestIdOf(out))).tlsDetails, undefined);
    } finally {
      await server.close();
    }
  });
});
