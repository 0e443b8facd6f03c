/**
 * The IAM query API through @aws-sdk/client-iam against a real server: every
 * operation's happy path and documented errors, users' access keys working for
 * KMS (and stopping at once when deactivated or deleted), authorization of IAM
 * calls by identity policies, and the query protocol's framing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  IAMClient,
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListPoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListUserPoliciesCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { createAccount } from '../../src/adapters/identity/accounts.js';
import { assertFailure, fails } from '../helpers/query-failures.js';
import { startTestServer, TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_SECRET, type TestServer } from '../helpers/trent.js';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const ROOT: Creds = { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET };
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const ALLOW_KMS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
const TRUST_ACCOUNT = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] };
const AIDA = /^AIDA[A-Z2-7]{17}$/;
/** The calling user's own ARN, through a policy variable. */
const OWN_USER = `arn:aws:iam::${TEST_ACCOUNT}:user/` + '${aws:username}';

let server: TestServer;
const clients: IAMClient[] = [];

function iam(creds: Creds = ROOT): IAMClient {
  const c = new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 });
  clients.push(c);
  return c;
}

async function newUser(name: string, policy?: object): Promise<{ arn: string; creds: Creds; userId: string }> {
  const root = iam();
  const user = (await root.send(new CreateUserCommand({ UserName: name }))).User!;
  if (policy) await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify(policy) }));
  const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  return { arn: user.Arn!, userId: user.UserId!, creds: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } };
}

/** A raw query-protocol request signed as the SDK signs it. */
async function rawQuery(body: string, o: { service?: string; creds?: Creds; sign?: boolean } = {}) {
  const { hostname, port } = new URL(server.url);
  const request = {
    method: 'POST',
    protocol: 'http:',
    hostname,
    port: Number(port),
    path: '/',
    headers: { host: `${hostname}:${port}`, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } as Record<string, string>,
    body,
  };
  const creds = o.creds ?? ROOT;
  const headers =
    o.sign === false
      ? request.headers
      : ((await new SignatureV4({ service: o.service ?? 'iam', region: 'us-east-1', credentials: creds, sha256: Sha256 }).sign(request)).headers as Record<string, string>);
  const res = await fetch(server.url, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, body: await res.text() };
}

before(async () => {
  server = await startTestServer();
});

after(async () => {
  for (const c of clients) c.destroy();
  await server.close();
});

describe('IAM users', () => {
  it('CreateUser returns the user: AIDA id, path, ARN with the path, creation date, tags', async () => {
    const before = server.clock.now();
    const out = await iam().send(new CreateUserCommand({ UserName: 'u-create', Path: '/eng/web/', Tags: [{ Key: 'team', Value: 'blue' }] }));
    const u = out.User!;
    assert.match(u.UserId!, AIDA);
    assert.equal(u.UserName, 'u-create');
    assert.equal(u.Path, '/eng/web/');
    assert.equal(u.Arn, `arn:aws:iam::${TEST_ACCOUNT}:user/eng/web/u-create`);
    assert.ok(Math.abs(u.CreateDate!.getTime() - before) < 2000);
    assert.deepEqual(u.Tags, [{ Key: 'team', Value: 'blue' }]);
  });

  it('CreateUser of an existing name, in any case, is 409 EntityAlreadyExists', async () => {
    await iam().send(new CreateUserCommand({ UserName: 'u-dup' }));
    const f = await fails(iam().send(new CreateUserCommand({ UserName: 'U-DUP' })));
    assertFailure(f, 'EntityAlreadyExists', 409, 'User with name U-DUP already exists.');
  });

  it('CreateUser with an invalid name is 400 ValidationError in AWS wording', async () => {
    const f = await fails(iam().send(new CreateUserCommand({ UserName: 'bad name!' })));
    assertFailure(
      f,
      'ValidationError',
      400,
      "1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    );
  });

  it('CreateUser with duplicate tag keys is 400 InvalidInput', async () => {
    const f = await fails(iam().send(new CreateUserCommand({ UserName: 'u-tags', Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] })));
    assertFailure(f, 'InvalidInput', 400);
    assertFailure(await fails(iam().send(new GetUserCommand({ UserName: 'u-tags' }))), 'NoSuchEntity', 404);
  });

  it('GetUser finds a user without regard to case and returns its tags', async () => {
    await iam().send(new CreateUserCommand({ UserName: 'Gina', Tags: [{ Key: 'k', Value: 'v' }] }));
    const u = (await iam().send(new GetUserCommand({ UserName: 'gina' }))).User!;
    assert.equal(u.UserName, 'Gina');
    assert.deepEqual(u.Tags, [{ Key: 'k', Value: 'v' }]);
  });

  it("GetUser of an unknown user is 404 NoSuchEntity 'The user with name X cannot be found.'", async () => {
    const f = await fails(iam().send(new GetUserCommand({ UserName: 'nobody' })));
    assertFailure(f, 'NoSuchEntity', 404, 'The user with name nobody cannot be found.');
  });

  it('GetUser without UserName describes the caller: the root, or the calling user', async () => {
    const root = (await iam().send(new GetUserCommand({}))).User!;
    assert.equal(root.Arn, `arn:aws:iam::${TEST_ACCOUNT}:root`);
    assert.equal(root.UserId, TEST_ACCOUNT);
    const self = await newUser('u-self', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: OWN_USER }] });
    const me = (await iam(self.creds).send(new GetUserCommand({}))).User!;
    assert.equal(me.UserName, 'u-self');
    assert.equal(me.Arn, self.arn);
  });

  it('ListUsers pages with MaxItems and Marker, and filters by PathPrefix', async () => {
    for (const name of ['lu-a', 'lu-b', 'lu-c']) await iam().send(new CreateUserCommand({ UserName: name, Path: '/list/' }));
    const first = await iam().send(new ListUsersCommand({ PathPrefix: '/list/', MaxItems: 2 }));
    assert.deepEqual(first.Users!.map((u) => u.UserName), ['lu-a', 'lu-b']);
    assert.equal(first.IsTruncated, true);
    assert.ok(first.Marker);
    const second = await iam().send(new ListUsersCommand({ PathPrefix: '/list/', MaxItems: 2, Marker: first.Marker }));
    assert.deepEqual(second.Users!.map((u) => u.UserName), ['lu-c']);
    assert.equal(second.IsTruncated, false);
    assert.equal(second.Marker, undefined);
    const all = await iam().send(new ListUsersCommand({}));
    assert.ok(all.Users!.some((u) => u.UserName === 'lu-a') && all.Users!.some((u) => u.UserName === 'u-create'));
  });

  it('DeleteUser is 409 DeleteConflict while the user has access keys, inline policies or attached policies', async () => {
    const root = iam();
    const u = await newUser('u-del', ALLOW_KMS);
    const policyArn = (await root.send(new CreatePolicyCommand({ PolicyName: 'p-del', PolicyDocument: JSON.stringify(ALLOW_KMS) }))).Policy!.Arn!;
    await root.send(new AttachUserPolicyCommand({ UserName: 'u-del', PolicyArn: policyArn }));
    assertFailure(await fails(root.send(new DeleteUserCommand({ UserName: 'u-del' }))), 'DeleteConflict', 409, 'Cannot delete entity, must delete access keys first.');
    await root.send(new DeleteAccessKeyCommand({ UserName: 'u-del', AccessKeyId: u.creds.accessKeyId }));
    assertFailure(await fails(root.send(new DeleteUserCommand({ UserName: 'u-del' }))), 'DeleteConflict', 409, 'Cannot delete entity, must delete policies first.');
    await root.send(new DeleteUserPolicyCommand({ UserName: 'u-del', PolicyName: 'inline' }));
    assertFailure(await fails(root.send(new DeleteUserCommand({ UserName: 'u-del' }))), 'DeleteConflict', 409, 'Cannot delete entity, must detach all policies first.');
    await root.send(new DetachUserPolicyCommand({ UserName: 'u-del', PolicyArn: policyArn }));
    await root.send(new DeleteUserCommand({ UserName: 'u-del' }));
    assertFailure(await fails(root.send(new GetUserCommand({ UserName: 'u-del' }))), 'NoSuchEntity', 404);
    assertFailure(await fails(root.send(new DeleteUserCommand({ UserName: 'u-del' }))), 'NoSuchEntity', 404, 'The user with name u-del cannot be found.');
  });
});

describe('IAM access keys', () => {
  it('CreateAccessKey returns an AKIA key and its secret once; ListAccessKeys shows metadata only', async () => {
    await iam().send(new CreateUserCommand({ UserName: 'k-list' }));
    const key = (await iam().send(new CreateAccessKeyCommand({ UserName: 'k-list' }))).AccessKey!;
    assert.match(key.AccessKeyId!, /^AKIA[A-Z2-7]{16}$/);
    assert.equal(key.SecretAccessKey!.length, 40);
    assert.equal(key.Status, 'Active');
    assert.equal(key.UserName, 'k-list');
    const listed = (await iam().send(new ListAccessKeysCommand({ UserName: 'k-list' }))).AccessKeyMetadata!;
    assert.deepEqual(listed.map((k) => [k.AccessKeyId, k.Status, k.UserName]), [[key.AccessKeyId, 'Active', 'k-list']]);
    assert.equal((listed[0] as Record<string, unknown>).SecretAccessKey, undefined);
  });

  it("a third key is 409 LimitExceeded 'Cannot exceed quota for AccessKeysPerUser: 2'", async () => {
    await iam().send(new CreateUserCommand({ UserName: 'k-limit' }));
    await iam().send(new CreateAccessKeyCommand({ UserName: 'k-limit' }));
    await iam().send(new CreateAccessKeyCommand({ UserName: 'k-limit' }));
    const f = await fails(iam().send(new CreateAccessKeyCommand({ UserName: 'k-limit' })));
    assertFailure(f, 'LimitExceeded', 409, 'Cannot exceed quota for AccessKeysPerUser: 2');
    assert.equal((await iam().send(new ListAccessKeysCommand({ UserName: 'k-limit' }))).AccessKeyMetadata!.length, 2);
  });

  it('CreateAccessKey for an unknown user is 404 NoSuchEntity', async () => {
    assertFailure(await fails(iam().send(new CreateAccessKeyCommand({ UserName: 'k-nobody' }))), 'NoSuchEntity', 404, 'The user with name k-nobody cannot be found.');
  });

  it("a user's access key works for KMS calls as that user", async () => {
    const u = await newUser('k-kms', ALLOW_KMS);
    const kms = server.kms(u.creds);
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const ct = (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('hello') }))).CiphertextBlob!;
    const pt = (await kms.send(new DecryptCommand({ CiphertextBlob: ct }))).Plaintext!;
    assert.equal(Buffer.from(pt).toString(), 'hello');
  });

  it('UpdateAccessKey Inactive stops the key at once; Active restores it', async () => {
    const u = await newUser('k-toggle', ALLOW_KMS);
    const kms = server.kms(u.creds);
    await kms.send(new ListKeysCommand({}));
    await iam().send(new UpdateAccessKeyCommand({ UserName: 'k-toggle', AccessKeyId: u.creds.accessKeyId, Status: 'Inactive' }));
    const f = await fails(kms.send(new ListKeysCommand({})));
    assert.equal(f.name, 'UnrecognizedClientException');
    assert.equal(f.message, 'The security token included in the request is invalid.');
    const listed = (await iam().send(new ListAccessKeysCommand({ UserName: 'k-toggle' }))).AccessKeyMetadata!;
    assert.equal(listed[0].Status, 'Inactive');
    await iam().send(new UpdateAccessKeyCommand({ UserName: 'k-toggle', AccessKeyId: u.creds.accessKeyId, Status: 'Active' }));
    await kms.send(new ListKeysCommand({}));
  });

  it('DeleteAccessKey stops the key at once; deleting it again is 404 NoSuchEntity', async () => {
    const u = await newUser('k-delete', ALLOW_KMS);
    const kms = server.kms(u.creds);
    await kms.send(new ListKeysCommand({}));
    await iam().send(new DeleteAccessKeyCommand({ UserName: 'k-delete', AccessKeyId: u.creds.accessKeyId }));
    assert.equal((await fails(kms.send(new ListKeysCommand({})))).name, 'UnrecognizedClientException');
    const f = await fails(iam().send(new DeleteAccessKeyCommand({ UserName: 'k-delete', AccessKeyId: u.creds.accessKeyId })));
    assertFailure(f, 'NoSuchEntity', 404, `The Access Key with id ${u.creds.accessKeyId} cannot be found.`);
  });

  it("another user's key cannot be updated or deleted through the wrong UserName", async () => {
    const a = await newUser('k-owner-a');
    await iam().send(new CreateUserCommand({ UserName: 'k-owner-b' }));
    const f = await fails(iam().send(new UpdateAccessKeyCommand({ UserName: 'k-owner-b', AccessKeyId: a.creds.accessKeyId, Status: 'Inactive' })));
    assertFailure(f, 'NoSuchEntity', 404);
    assert.equal((await iam().send(new ListAccessKeysCommand({ UserName: 'k-owner-a' }))).AccessKeyMetadata![0].Status, 'Active');
  });

  it("without UserName, the root lists the root's own keys and a user its own", async () => {
    const rootKeys = (await iam().send(new ListAccessKeysCommand({}))).AccessKeyMetadata!;
    assert.deepEqual(rootKeys.map((k) => k.AccessKeyId), [TEST_ACCESS_KEY_ID]);
    const u = await newUser('k-own', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: OWN_USER }] });
    const own = (await iam(u.creds).send(new ListAccessKeysCommand({}))).AccessKeyMetadata!;
    assert.deepEqual(own.map((k) => [k.AccessKeyId, k.UserName]), [[u.creds.accessKeyId, 'k-own']]);
  });
});

describe('IAM roles', () => {
  it('CreateRole returns an AROA id and the trust policy URL-encoded; GetRole adds MaxSessionDuration', async () => {
    const doc = JSON.stringify(TRUST_ACCOUNT);
    const r = (await iam().send(new CreateRoleCommand({ RoleName: 'r-create', Path: '/svc/', AssumeRolePolicyDocument: doc, Description: 'the app' }))).Role!;
    assert.match(r.RoleId!, /^AROA[A-Z2-7]{17}$/);
    assert.equal(r.Arn, `arn:aws:iam::${TEST_ACCOUNT}:role/svc/r-create`);
    assert.equal(decodeURIComponent(r.AssumeRolePolicyDocument!), doc);
    assert.notEqual(r.AssumeRolePolicyDocument, doc, 'the document is URL-encoded as IAM does');
    const got = (await iam().send(new GetRoleCommand({ RoleName: 'R-CREATE' }))).Role!;
    assert.equal(got.MaxSessionDuration, 3600);
    assert.equal(got.Description, 'the app');
    assert.equal(got.RoleId, r.RoleId);
  });

  it('CreateRole with a malformed trust policy is 400 MalformedPolicyDocument, and nothing is created', async () => {
    const withResource = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: TEST_ACCOUNT }, Action: 'sts:AssumeRole', Resource: '*' }] };
    for (const doc of ['not json', JSON.stringify(withResource), JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] })]) {
      assertFailure(await fails(iam().send(new CreateRoleCommand({ RoleName: 'r-bad', AssumeRolePolicyDocument: doc }))), 'MalformedPolicyDocument', 400);
    }
    assertFailure(await fails(iam().send(new GetRoleCommand({ RoleName: 'r-bad' }))), 'NoSuchEntity', 404, 'The role with name r-bad cannot be found.');
  });

  it('CreateRole: MaxSessionDuration outside 3600..43200 is ValidationError; a duplicate name is EntityAlreadyExists', async () => {
    const doc = JSON.stringify(TRUST_ACCOUNT);
    const f = await fails(iam().send(new CreateRoleCommand({ RoleName: 'r-max', AssumeRolePolicyDocument: doc, MaxSessionDuration: 100 })));
    assertFailure(f, 'ValidationError', 400, /at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600/);
    await iam().send(new CreateRoleCommand({ RoleName: 'r-max', AssumeRolePolicyDocument: doc, MaxSessionDuration: 43200 }));
    assert.equal((await iam().send(new GetRoleCommand({ RoleName: 'r-max' }))).Role!.MaxSessionDuration, 43200);
    assertFailure(await fails(iam().send(new CreateRoleCommand({ RoleName: 'R-Max', AssumeRolePolicyDocument: doc }))), 'EntityAlreadyExists', 409, 'Role with name R-Max already exists.');
  });

  it('ListRoles pages and filters by path', async () => {
    const doc = JSON.stringify(TRUST_ACCOUNT);
    for (const n of ['lr-1', 'lr-2', 'lr-3']) await iam().send(new CreateRoleCommand({ RoleName: n, Path: '/lr/', AssumeRolePolicyDocument: doc }));
    const first = await iam().send(new ListRolesCommand({ PathPrefix: '/lr/', MaxItems: 2 }));
    assert.deepEqual(first.Roles!.map((r) => r.RoleName), ['lr-1', 'lr-2']);
    assert.equal(first.IsTruncated, true);
    const second = await iam().send(new ListRolesCommand({ PathPrefix: '/lr/', Marker: first.Marker }));
    assert.deepEqual(second.Roles!.map((r) => r.RoleName), ['lr-3']);
    assert.equal(decodeURIComponent(second.Roles![0].AssumeRolePolicyDocument!), doc);
  });

  it('UpdateAssumeRolePolicy replaces the trust policy; malformed ones and unknown roles are refused', async () => {
    await iam().send(new CreateRoleCommand({ RoleName: 'r-update', AssumeRolePolicyDocument: JSON.stringify(TRUST_ACCOUNT) }));
    const next = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:user/x` }, Action: 'sts:AssumeRole' }] };
    await iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: 'r-update', PolicyDocument: JSON.stringify(next) }));
    assert.equal(decodeURIComponent((await iam().send(new GetRoleCommand({ RoleName: 'r-update' }))).Role!.AssumeRolePolicyDocument!), JSON.stringify(next));
    assertFailure(await fails(iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: 'r-update', PolicyDocument: '{' }))), 'MalformedPolicyDocument', 400);
    assertFailure(await fails(iam().send(new UpdateAssumeRolePolicyCommand({ RoleName: 'r-none', PolicyDocument: JSON.stringify(next) }))), 'NoSuchEntity', 404);
  });

  it('DeleteRole is DeleteConflict while it has inline or attached policies, then deletes', async () => {
    const root = iam();
    await root.send(new CreateRoleCommand({ RoleName: 'r-del', AssumeRolePolicyDocument: JSON.stringify(TRUST_ACCOUNT) }));
    await root.send(new PutRolePolicyCommand({ RoleName: 'r-del', PolicyName: 'i', PolicyDocument: JSON.stringify(ALLOW_KMS) }));
    const arn = (await root.send(new CreatePolicyCommand({ PolicyName: 'p-rdel', PolicyDocument: JSON.stringify(ALLOW_KMS) }))).Policy!.Arn!;
    await root.send(new AttachRolePolicyCommand({ RoleName: 'r-del', PolicyArn: arn }));
    assertFailure(await fails(root.send(new DeleteRoleCommand({ RoleName: 'r-del' }))), 'DeleteConflict', 409, 'Cannot delete entity, must delete policies first.');
    await root.send(new DeleteRolePolicyCommand({ RoleName: 'r-del', PolicyName: 'i' }));
    assertFailure(await fails(root.send(new DeleteRoleCommand({ RoleName: 'r-del' }))), 'DeleteConflict', 409, 'Cannot delete entity, must detach all policies first.');
    await root.send(new DetachRolePolicyCommand({ RoleName: 'r-del', PolicyArn: arn }));
    await root.send(new DeleteRoleCommand({ RoleName: 'r-del' }));
    assertFailure(await fails(root.send(new DeleteRoleCommand({ RoleName: 'r-del' }))), 'NoSuchEntity', 404, 'The role with name r-del cannot be found.');
  });
});

describe('IAM inline policies', () => {
  it('PutUserPolicy / GetUserPolicy (document URL-encoded) / ListUserPolicies (paged) / DeleteUserPolicy', async () => {
    const root = iam();
    await root.send(new CreateUserCommand({ UserName: 'ip-user' }));
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'a b', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' }] });
    for (const name of ['pc', 'pa', 'pb']) await root.send(new PutUserPolicyCommand({ UserName: 'ip-user', PolicyName: name, PolicyDocument: doc }));
    const got = await root.send(new GetUserPolicyCommand({ UserName: 'ip-user', PolicyName: 'pa' }));
    assert.equal(got.UserName, 'ip-user');
    assert.equal(got.PolicyName, 'pa');
    assert.equal(decodeURIComponent(got.PolicyDocument!), doc);
    assert.ok(!got.PolicyDocument!.includes(' ') && !got.PolicyDocument!.includes('{'), 'URL-encoded');
    const first = await root.send(new ListUserPoliciesCommand({ UserName: 'ip-user', MaxItems: 2 }));
    assert.deepEqual(first.PolicyNames, ['pa', 'pb']);
    assert.equal(first.IsTruncated, true);
    const rest = await root.send(new ListUserPoliciesCommand({ UserName: 'ip-user', Marker: first.Marker }));
    assert.deepEqual(rest.PolicyNames, ['pc']);
    await root.send(new DeleteUserPolicyCommand({ UserName: 'ip-user', PolicyName: 'pa' }));
    const f = await fails(root.send(new GetUserPolicyCommand({ UserName: 'ip-user', PolicyName: 'pa' })));
    assertFailure(f, 'NoSuchEntity', 404, 'The user policy with name pa cannot be found.');
    assertFailure(await fails(root.send(new DeleteUserPolicyCommand({ UserName: 'ip-user', PolicyName: 'pa' }))), 'NoSuchEntity', 404);
  });

  it('PutRolePolicy / GetRolePolicy / ListRolePolicies / DeleteRolePolicy', async () => {
    const root = iam();
    await root.send(new CreateRoleCommand({ RoleName: 'ip-role', AssumeRolePolicyDocument: JSON.stringify(TRUST_ACCOUNT) }));
    await root.send(new PutRolePolicyCommand({ RoleName: 'ip-role', PolicyName: 'kms', PolicyDocument: JSON.stringify(ALLOW_KMS) }));
    const got = await root.send(new GetRolePolicyCommand({ RoleName: 'ip-role', PolicyName: 'KMS' }));
    assert.equal(got.RoleName, 'ip-role');
    assert.equal(decodeURIComponent(got.PolicyDocument!), JSON.stringify(ALLOW_KMS));
    assert.deepEqual((await root.send(new ListRolePoliciesCommand({ RoleName: 'ip-role' }))).PolicyNames, ['kms']);
    await root.send(new DeleteRolePolicyCommand({ RoleName: 'ip-role', PolicyName: 'kms' }));
    assertFailure(await fails(root.send(new GetRolePolicyCommand({ RoleName: 'ip-role', PolicyName: 'kms' }))), 'NoSuchEntity', 404, 'The role policy with name kms cannot be found.');
  });

  it('malformed identity policies are 400 MalformedPolicyDocument', async () => {
    await iam().send(new CreateUserCommand({ UserName: 'ip-bad' }));
    const docs = [
      'not json',
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] }),
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Maybe', Action: 'kms:*', Resource: '*' }] }),
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*' }] }),
    ];
    for (const doc of docs) {
      assertFailure(await fails(iam().send(new PutUserPolicyCommand({ UserName: 'ip-bad', PolicyName: 'p', PolicyDocument: doc }))), 'MalformedPolicyDocument', 400);
    }
    assert.deepEqual((await iam().send(new ListUserPoliciesCommand({ UserName: 'ip-bad' }))).PolicyNames, []);
  });

  it("a user's inline policies share a 2,048-character quota: 409 LimitExceeded", async () => {
    await iam().send(new CreateUserCommand({ UserName: 'ip-size' }));
    const big = (n: number) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/${'x'.repeat(n)}` }] });
    await iam().send(new PutUserPolicyCommand({ UserName: 'ip-size', PolicyName: 'one', PolicyDocument: big(1000) }));
    const f = await fails(iam().send(new PutUserPolicyCommand({ UserName: 'ip-size', PolicyName: 'two', PolicyDocument: big(1000) })));
    assertFailure(f, 'LimitExceeded', 409, 'Maximum policy size of 2048 bytes exceeded for user ip-size');
    await iam().send(new PutUserPolicyCommand({ UserName: 'ip-size', PolicyName: 'one', PolicyDocument: big(1500) }));
  });

  it('an inline policy for an unknown user or role is 404 NoSuchEntity', async () => {
    const doc = JSON.stringify(ALLOW_KMS);
    assertFailure(await fails(iam().send(new PutUserPolicyCommand({ UserName: 'ip-none', PolicyName: 'p', PolicyDocument: doc }))), 'NoSuchEntity', 404, 'The user with name ip-none cannot be found.');
    assertFailure(await fails(iam().send(new PutRolePolicyCommand({ RoleName: 'ip-none', PolicyName: 'p', PolicyDocument: doc }))), 'NoSuchEntity', 404, 'The role with name ip-none cannot be found.');
  });
});

describe('IAM managed policies and attachments', () => {
  it('CreatePolicy makes version v1 the default; GetPolicy and GetPolicyVersion return it', async () => {
    const doc = JSON.stringify(ALLOW_KMS);
    const p = (await iam().send(new CreatePolicyCommand({ PolicyName: 'mp-read', Path: '/team/', PolicyDocument: doc, Description: 'reads' }))).Policy!;
    assert.match(p.PolicyId!, /^ANPA[A-Z2-7]{17}$/);
    assert.equal(p.Arn, `arn:aws:iam::${TEST_ACCOUNT}:policy/team/mp-read`);
    assert.equal(p.DefaultVersionId, 'v1');
    assert.equal(p.AttachmentCount, 0);
    assert.equal(p.IsAttachable, true);
    const got = (await iam().send(new GetPolicyCommand({ PolicyArn: p.Arn }))).Policy!;
    assert.equal(got.Description, 'reads');
    assert.equal(got.PolicyId, p.PolicyId);
    const v = (await iam().send(new GetPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: 'v1' }))).PolicyVersion!;
    assert.equal(decodeURIComponent(v.Document!), doc);
    assert.equal(v.IsDefaultVersion, true);
    const f = await fails(iam().send(new GetPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: 'v2' })));
    assertFailure(f, 'NoSuchEntity', 404);
  });

  it('CreatePolicy errors: duplicate name 409, malformed document 400, too large 409', async () => {
    const doc = JSON.stringify(ALLOW_KMS);
    await iam().send(new CreatePolicyCommand({ PolicyName: 'mp-dup', PolicyDocument: doc }));
    assertFailure(
      await fails(iam().send(new CreatePolicyCommand({ PolicyName: 'MP-DUP', Path: '/other/', PolicyDocument: doc }))),
      'EntityAlreadyExists',
      409,
      'A policy called MP-DUP already exists. Duplicate names are not allowed.',
    );
    assertFailure(await fails(iam().send(new CreatePolicyCommand({ PolicyName: 'mp-bad', PolicyDocument: '[]' }))), 'MalformedPolicyDocument', 400);
    const huge = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Encrypt', Resource: 'arn:aws:kms:*:*:key/' + 'x'.repeat(6200) }] });
    assertFailure(await fails(iam().send(new CreatePolicyCommand({ PolicyName: 'mp-huge', PolicyDocument: huge }))), 'LimitExceeded', 409, 'Cannot exceed quota for PolicySize: 6144');
  });

  it('GetPolicy: unknown ARN is 404 NoSuchEntity, a malformed ARN is 400 InvalidInput', async () => {
    const arn = `arn:aws:iam::${TEST_ACCOUNT}:policy/mp-none`;
    assertFailure(await fails(iam().send(new GetPolicyCommand({ PolicyArn: arn }))), 'NoSuchEntity', 404, `Policy ${arn} was not found.`);
    assertFailure(await fails(iam().send(new GetPolicyCommand({ PolicyArn: 'arn:aws:s3:::not-a-policy-arn' }))), 'InvalidInput', 400, 'ARN arn:aws:s3:::not-a-policy-arn is not valid.');
  });

  it('Attach/Detach/ListAttached for users and roles; AttachmentCount follows', async () => {
    const root = iam();
    await root.send(new CreateUserCommand({ UserName: 'at-user' }));
    await root.send(new CreateRoleCommand({ RoleName: 'at-role', AssumeRolePolicyDocument: JSON.stringify(TRUST_ACCOUNT) }));
    const arn = (await root.send(new CreatePolicyCommand({ PolicyName: 'mp-attach', PolicyDocument: JSON.stringify(ALLOW_KMS) }))).Policy!.Arn!;
    await root.send(new AttachUserPolicyCommand({ UserName: 'at-user', PolicyArn: arn }));
    await root.send(new AttachUserPolicyCommand({ UserName: 'at-user', PolicyArn: arn }));
    await root.send(new AttachRolePolicyCommand({ RoleName: 'at-role', PolicyArn: arn }));
    assert.deepEqual((await root.send(new ListAttachedUserPoliciesCommand({ UserName: 'at-user' }))).AttachedPolicies, [{ PolicyName: 'mp-attach', PolicyArn: arn }]);
    assert.deepEqual((await root.send(new ListAttachedRolePoliciesCommand({ RoleName: 'at-role' }))).AttachedPolicies, [{ PolicyName: 'mp-attach', PolicyArn: arn }]);
    assert.equal((await root.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy!.AttachmentCount, 2);
    assertFailure(await fails(root.send(new DeletePolicyCommand({ PolicyArn: arn }))), 'DeleteConflict', 409, 'Cannot delete a policy attached to entities.');
    await root.send(new DetachUserPolicyCommand({ UserName: 'at-user', PolicyArn: arn }));
    await root.send(new DetachRolePolicyCommand({ RoleName: 'at-role', PolicyArn: arn }));
    assertFailure(await fails(root.send(new DetachUserPolicyCommand({ UserName: 'at-user', PolicyArn: arn }))), 'NoSuchEntity', 404, `Policy ${arn} was not found.`);
    assert.deepEqual((await root.send(new ListAttachedUserPoliciesCommand({ UserName: 'at-user' }))).AttachedPolicies, []);
    await root.send(new DeletePolicyCommand({ PolicyArn: arn }));
    assertFailure(await fails(root.send(new GetPolicyCommand({ PolicyArn: arn }))), 'NoSuchEntity', 404);
  });

  it('attaching an unknown policy is NoSuchEntity; more than 10 per user is LimitExceeded', async () => {
    const root = iam();
    await root.send(new CreateUserCommand({ UserName: 'at-many' }));
    const missing = `arn:aws:iam::${TEST_ACCOUNT}:policy/nope`;
    assertFailure(await fails(root.send(new AttachUserPolicyCommand({ UserName: 'at-many', PolicyArn: missing }))), 'NoSuchEntity', 404, `Policy ${missing} does not exist or is not attachable.`);
    for (let i = 0; i < 11; i++) {
      const arn = (await root.send(new CreatePolicyCommand({ PolicyName: `mp-many-${i}`, PolicyDocument: JSON.stringify(ALLOW_KMS) }))).Policy!.Arn!;
      const attach = root.send(new AttachUserPolicyCommand({ UserName: 'at-many', PolicyArn: arn }));
      if (i < 10) await attach;
      else assertFailure(await fails(attach), 'LimitExceeded', 409, 'Cannot exceed quota for PoliciesPerUser: 10');
    }
    assert.equal((await root.send(new ListAttachedUserPoliciesCommand({ UserName: 'at-many' }))).AttachedPolicies!.length, 10);
  });

  it('ListPolicies: Scope=Local lists customer managed policies with paging; OnlyAttached filters; Scope=AWS is empty', async () => {
    const root = iam();
    for (const n of ['lp-1', 'lp-2', 'lp-3']) await root.send(new CreatePolicyCommand({ PolicyName: n, Path: '/lp/', PolicyDocument: JSON.stringify(ALLOW_KMS) }));
    const first = await root.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/lp/', MaxItems: 2 }));
    assert.deepEqual(first.Policies!.map((p) => p.PolicyName), ['lp-1', 'lp-2']);
    assert.equal(first.IsTruncated, true);
    const second = await root.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/lp/', MaxItems: 2, Marker: first.Marker }));
    assert.deepEqual(second.Policies!.map((p) => p.PolicyName), ['lp-3']);
    await root.send(new CreateUserCommand({ UserName: 'lp-user' }));
    await root.send(new AttachUserPolicyCommand({ UserName: 'lp-user', PolicyArn: first.Policies![1].Arn }));
    const attached = await root.send(new ListPoliciesCommand({ Scope: 'Local', PathPrefix: '/lp/', OnlyAttached: true }));
    assert.deepEqual(attached.Policies!.map((p) => p.PolicyName), ['lp-2']);
    assert.deepEqual((await root.send(new ListPoliciesCommand({ Scope: 'AWS' }))).Policies, []);
  });
});

describe('authorization of IAM calls', () => {
  it('a user without IAM permissions is refused with 403 AccessDenied in AWS wording, and nothing changes', async () => {
    const u = await newUser('az-none');
    const f = await fails(iam(u.creds).send(new CreateUserCommand({ UserName: 'az-victim' })));
    assertFailure(
      f,
      'AccessDenied',
      403,
      `User: ${u.arn} is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${TEST_ACCOUNT}:user/az-victim because no identity-based policy allows the iam:CreateUser action`,
    );
    assertFailure(await fails(iam().send(new GetUserCommand({ UserName: 'az-victim' }))), 'NoSuchEntity', 404);
    assertFailure(await fails(iam(u.creds).send(new ListUsersCommand({}))), 'AccessDenied', 403, new RegExp(`on resource: arn:aws:iam::${TEST_ACCOUNT}:user/ `));
  });

  it('an allow on a resource pattern permits exactly the matching resources', async () => {
    const u = await newUser('az-dev', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['iam:CreateUser', 'iam:GetUser'], Resource: `arn:aws:iam::${TEST_ACCOUNT}:user/dev-*` }],
    });
    const client = iam(u.creds);
    await client.send(new CreateUserCommand({ UserName: 'dev-1' }));
    assert.equal((await client.send(new GetUserCommand({ UserName: 'dev-1' }))).User!.UserName, 'dev-1');
    assertFailure(await fails(client.send(new CreateUserCommand({ UserName: 'prod-1' }))), 'AccessDenied', 403);
    assertFailure(await fails(client.send(new DeleteUserCommand({ UserName: 'dev-1' }))), 'AccessDenied', 403);
  });

  it('an explicit deny wins over an allow', async () => {
    const u = await newUser('az-deny', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iam:*', Resource: '*' },
        { Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' },
      ],
    });
    await iam(u.creds).send(new CreateUserCommand({ UserName: 'az-deny-target' }));
    const f = await fails(iam(u.creds).send(new DeleteUserCommand({ UserName: 'az-deny-target' })));
    assertFailure(
      f,
      'AccessDenied',
      403,
      `User: ${u.arn} is not authorized to perform: iam:DeleteUser on resource: arn:aws:iam::${TEST_ACCOUNT}:user/az-deny-target with an explicit deny in an identity-based policy`,
    );
  });

  it('permissions from an attached managed policy apply, and stop as soon as it is detached', async () => {
    const u = await newUser('az-managed');
    const arn = (await iam().send(new CreatePolicyCommand({ PolicyName: 'mp-list-users', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] }) }))).Policy!.Arn!;
    assertFailure(await fails(iam(u.creds).send(new ListUsersCommand({}))), 'AccessDenied', 403);
    await iam().send(new AttachUserPolicyCommand({ UserName: 'az-managed', PolicyArn: arn }));
    assert.ok((await iam(u.creds).send(new ListUsersCommand({}))).Users!.length > 0);
    await iam().send(new DetachUserPolicyCommand({ UserName: 'az-managed', PolicyArn: arn }));
    assertFailure(await fails(iam(u.creds).send(new ListUsersCommand({}))), 'AccessDenied', 403);
  });

  it('iam:PolicyARN is available to conditions of Attach calls', async () => {
    const allowed = (await iam().send(new CreatePolicyCommand({ PolicyName: 'mp-cond-ok', PolicyDocument: JSON.stringify(ALLOW_KMS) }))).Policy!.Arn!;
    const other = (await iam().send(new CreatePolicyCommand({ PolicyName: 'mp-cond-no', PolicyDocument: JSON.stringify(ALLOW_KMS) }))).Policy!.Arn!;
    const u = await newUser('az-cond', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:AttachUserPolicy', Resource: '*', Condition: { ArnEquals: { 'iam:PolicyARN': allowed } } }],
    });
    await iam().send(new CreateUserCommand({ UserName: 'az-cond-target' }));
    await iam(u.creds).send(new AttachUserPolicyCommand({ UserName: 'az-cond-target', PolicyArn: allowed }));
    assertFailure(await fails(iam(u.creds).send(new AttachUserPolicyCommand({ UserName: 'az-cond-target', PolicyArn: other }))), 'AccessDenied', 403);
  });

  it("callers act only in their own account's IAM", async () => {
    const other = await createAccount(server.trent.deps.identity, server.trent.deps.rootKey, server.clock.now(), '999988887777');
    const client = iam({ accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey });
    const names = (await client.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName);
    assert.ok(!names.includes('u-create'), 'another account sees our users');
    assertFailure(await fails(client.send(new GetUserCommand({ UserName: 'u-create' }))), 'NoSuchEntity', 404);
    const created = (await client.send(new CreateUserCommand({ UserName: 'u-create' }))).User!;
    assert.equal(created.Arn, 'arn:aws:iam::999988887777:user/u-create');
    const ours = (await iam().send(new GetUserCommand({ UserName: 'u-create' }))).User!;
    assert.notEqual(ours.UserId, created.UserId);
    const arn = `arn:aws:iam::${TEST_ACCOUNT}:policy/mp-read`;
    assertFailure(await fails(client.send(new AttachUserPolicyCommand({ UserName: 'u-create', PolicyArn: arn }))), 'NoSuchEntity', 404);
  });
});

describe('IAM query protocol framing', () => {
  it('responses are XML in the IAM namespace with the request id, as AWS frames them', async () => {
    const res = await rawQuery('Action=GetUser&Version=2010-05-08');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/xml');
    const id = res.headers.get('x-amzn-requestid')!;
    assert.ok(res.body.startsWith(`<GetUserResponse xmlns="${IAM_NS}"><GetUserResult><User>`), res.body);
    assert.ok(res.body.endsWith(`<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></GetUserResponse>`), res.body);
  });

  it('errors are an ErrorResponse with Type, Code, Message and RequestId', async () => {
    const res = await rawQuery('Action=GetUser&Version=2010-05-08&UserName=nobody');
    assert.equal(res.status, 404);
    const id = res.headers.get('x-amzn-requestid')!;
    assert.equal(
      res.body,
      `<ErrorResponse xmlns="${IAM_NS}"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>` +
        `<Message>The user with name nobody cannot be found.</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
    );
  });

  it('an unknown Action is 400 InvalidAction', async () => {
    const res = await rawQuery('Action=FlyToTheMoon&Version=2010-05-08');
    assert.equal(res.status, 400);
    assert.match(res.body, /<Code>InvalidAction<\/Code><Message>Could not find operation FlyToTheMoon for version 2010-05-08<\/Message>/);
  });

  it('a missing required parameter is ValidationError naming it', async () => {
    const res = await rawQuery('Action=CreateUser&Version=2010-05-08');
    assert.equal(res.status, 400);
    assert.match(res.body, /<Code>ValidationError<\/Code><Message>1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null<\/Message>/);
  });

  it('unsigned, unknown-key and wrong-secret requests get the query protocol auth errors', async () => {
    const unsigned = await rawQuery('Action=ListUsers&Version=2010-05-08', { sign: false });
    assert.equal(unsigned.status, 403);
    assert.match(unsigned.body, /<Code>MissingAuthenticationToken<\/Code>/);
    const unknown = await fails(iam({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x'.repeat(40) }).send(new ListUsersCommand({})));
    assertFailure(unknown, 'InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
    const wrong = await fails(iam({ accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: 'not-the-secret-0123456789' }).send(new ListUsersCommand({})));
    assertFailure(wrong, 'SignatureDoesNotMatch', 403);
  });

  it('tags are decoded from Tags.member.N.Key / .Value', async () => {
    const res = await rawQuery('Action=CreateUser&Version=2010-05-08&UserName=raw-tags&Tags.member.2.Key=b&Tags.member.2.Value=2&Tags.member.1.Key=a&Tags.member.1.Value=1');
    assert.equal(res.status, 200, res.body);
    const u = (await iam().send(new GetUserCommand({ UserName: 'raw-tags' }))).User!;
    assert.deepEqual(u.Tags, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);
  });

  it('KMS requests on the same listener are unaffected', async () => {
    const keys = await server.kms().send(new ListKeysCommand({}));
    assert.ok(Array.isArray(keys.Keys));
  });

  it("a KMS request signed for service iam is InvalidSignatureException 'Credential should be scoped to correct service'", async () => {
    const { hostname, port } = new URL(server.url);
    const body = '{}';
    const signed = await new SignatureV4({ service: 'iam', region: 'us-east-1', credentials: ROOT, sha256: Sha256 }).sign({
      method: 'POST',
      protocol: 'http:',
      hostname,
      port: Number(port),
      path: '/',
      headers: { host: `${hostname}:${port}`, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' },
      body,
    });
    const res = await fetch(server.url, { method: 'POST', headers: signed.headers as Record<string, string>, body });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { __type: 'InvalidSignatureException', message: "Credential should be scoped to correct service: 'kms'. " });
  });

  it('a query request signed for service kms is refused without touching IAM', async () => {
    const res = await rawQuery('Action=CreateUser&Version=2010-05-08&UserName=kms-scoped', { service: 'kms' });
    assert.equal(res.status, 400);
    assert.match(res.body, /<Code>InvalidAction<\/Code>/);
    assertFailure(await fails(iam().send(new GetUserCommand({ UserName: 'kms-scoped' }))), 'NoSuchEntity', 404);
  });

  it('STS actions are found by the scope: GetCallerIdentity signed for iam is InvalidAction', async () => {
    const res = await rawQuery('Action=GetCallerIdentity&Version=2011-06-15');
    assert.equal(res.status, 400);
    assert.match(res.body, /^<ErrorResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/">.*<Code>InvalidAction<\/Code>/);
    const sts = await rawQuery('Action=GetCallerIdentity&Version=2011-06-15', { service: 'sts' });
    assert.equal(sts.status, 200);
    assert.match(sts.body, new RegExp(`^<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>${TEST_ACCOUNT}</UserId><Account>${TEST_ACCOUNT}</Account><Arn>arn:aws:iam::${TEST_ACCOUNT}:root</Arn></GetCallerIdentityResult>`));
  });
});
