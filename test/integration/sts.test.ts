/**
 * STS through @aws-sdk/client-sts against a real server: GetCallerIdentity for
 * the root, users and sessions; AssumeRole with trust policies (allow, deny,
 * account trust needing identity policies, ExternalId, session tags,
 * DurationSeconds bounds, role chaining, cross-account); session credentials
 * used for KMS and IAM, requiring their token and expiring by the server's
 * clock; GetSessionToken.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  IAMClient,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  ListUsersCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand, STSClient, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { createAccount } from '../../src/adapters/identity/accounts.js';
import { assertFailure, fails } from '../helpers/query-failures.js';
import { startTestServer, TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_REGION, TEST_SECRET, type TestServer } from '../helpers/trent.js';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const ROOT: Creds = { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET };
const ALLOW_KMS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
const EXPIRED = 'The security token included in the request is expired';
const INVALID = 'The security token included in the request is invalid.';

function trustUser(userArn: string, extra: object = {}) {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: userArn }, Action: 'sts:AssumeRole', ...extra }] };
}

class Harness {
  private readonly clients: { destroy(): void }[] = [];
  constructor(readonly server: TestServer) {}

  sts(creds: Creds = ROOT): STSClient {
    return this.track(new STSClient({ endpoint: this.server.url, region: TEST_REGION, credentials: creds, maxAttempts: 1 }));
  }
  iam(creds: Creds = ROOT): IAMClient {
    return this.track(new IAMClient({ endpoint: this.server.url, region: 'us-east-1', credentials: creds, maxAttempts: 1 }));
  }
  kms(creds: Creds = ROOT): KMSClient {
    return this.track(new KMSClient({ endpoint: this.server.url, region: TEST_REGION, credentials: creds, maxAttempts: 1 }));
  }
  private track<T extends { destroy(): void }>(c: T): T {
    this.clients.push(c);
    return c;
  }

  async user(name: string, policy?: object, root: Creds = ROOT): Promise<{ arn: string; userId: string; creds: Creds }> {
    const iam = this.iam(root);
    const u = (await iam.send(new CreateUserCommand({ UserName: name }))).User!;
    if (policy) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify(policy) }));
    const k = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { arn: u.Arn!, userId: u.UserId!, creds: { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! } };
  }

  async role(name: string, trust: object, policy?: object, maxSessionDuration?: number): Promise<{ arn: string; roleId: string }> {
    const iam = this.iam();
    const r = (await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust), MaxSessionDuration: maxSessionDuration }))).Role!;
    if (policy) await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify(policy) }));
    return { arn: r.Arn!, roleId: r.RoleId! };
  }

  async assume(as: Creds, input: AssumeRoleCommandInput): Promise<{ creds: Creds; arn: string; id: string; expiration: Date }> {
    const out = await this.sts(as).send(new AssumeRoleCommand(input));
    const c = out.Credentials!;
    return {
      creds: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
      arn: out.AssumedRoleUser!.Arn!,
      id: out.AssumedRoleUser!.AssumedRoleId!,
      expiration: c.Expiration!,
    };
  }

  close(): void {
    for (const c of this.clients) c.destroy();
  }
}

describe('STS', () => {
  let server: TestServer;
  let h: Harness;
  before(async () => {
    server = await startTestServer();
    h = new Harness(server);
  });
  after(async () => {
    h.close();
    await server.close();
  });

  describe('GetCallerIdentity', () => {
    it('for the account root: the account id and the root ARN', async () => {
      const out = await h.sts().send(new GetCallerIdentityCommand({}));
      assert.deepEqual([out.Account, out.Arn, out.UserId], [TEST_ACCOUNT, `arn:aws:iam::${TEST_ACCOUNT}:root`, TEST_ACCOUNT]);
    });

    it('for an IAM user: the user ARN and its AIDA id, with no permissions needed', async () => {
      const u = await h.user('gci-user');
      const out = await h.sts(u.creds).send(new GetCallerIdentityCommand({}));
      assert.deepEqual([out.Account, out.Arn, out.UserId], [TEST_ACCOUNT, u.arn, u.userId]);
    });

    it('for an assumed-role session: the assumed-role ARN and ROLEID:SESSION', async () => {
      const u = await h.user('gci-session');
      const r = await h.role('gci-role', trustUser(u.arn));
      const s = await h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 'my-session' });
      const out = await h.sts(s.creds).send(new GetCallerIdentityCommand({}));
      assert.equal(out.Arn, `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/gci-role/my-session`);
      assert.equal(out.UserId, `${r.roleId}:my-session`);
      assert.equal(out.Account, TEST_ACCOUNT);
    });
  });

  describe('AssumeRole', () => {
    it('a trust policy naming the user allows it without any identity policy; the credentials are temporary (ASIA)', async () => {
      const u = await h.user('ar-direct');
      const r = await h.role('ar-direct-role', trustUser(u.arn));
      const s = await h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 's1' });
      assert.match(s.creds.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
      assert.ok(s.creds.sessionToken && s.creds.sessionToken.length > 100);
      assert.equal(s.arn, `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/ar-direct-role/s1`);
      assert.equal(s.id, `${r.roleId}:s1`);
      const expected = server.clock.now() + 3600_000;
      assert.ok(Math.abs(s.expiration.getTime() - expected) < 1500, `expiration ${s.expiration.toISOString()}`);
    });

    it("a trust policy naming someone else refuses with 403 AccessDenied in AWS's wording", async () => {
      const u = await h.user('ar-other');
      const r = await h.role('ar-other-role', trustUser(`arn:aws:iam::${TEST_ACCOUNT}:user/somebody-else`));
      const f = await fails(h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 's-session' }));
      assertFailure(f, 'AccessDenied', 403, `User: ${u.arn} is not authorized to perform: sts:AssumeRole on resource: ${r.arn}`);
    });

    it('an unknown role refuses the same way', async () => {
      const u = await h.user('ar-unknown');
      const arn = `arn:aws:iam::${TEST_ACCOUNT}:role/no-such-role`;
      const f = await fails(h.assume(u.creds, { RoleArn: arn, RoleSessionName: 's-session' }));
      assertFailure(f, 'AccessDenied', 403, `User: ${u.arn} is not authorized to perform: sts:AssumeRole on resource: ${arn}`);
    });

    it('the account root cannot assume roles', async () => {
      const r = await h.role('ar-root-role', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: TEST_ACCOUNT }, Action: 'sts:AssumeRole' }] });
      assertFailure(await fails(h.assume(ROOT, { RoleArn: r.arn, RoleSessionName: 's-session' })), 'AccessDenied', 403, 'Roles may not be assumed by root accounts.');
    });

    it('trust through the account needs the caller’s identity policy too', async () => {
      const r = await h.role('ar-account-role', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] });
      const without = await h.user('ar-account-no');
      assertFailure(await fails(h.assume(without.creds, { RoleArn: r.arn, RoleSessionName: 's-session' })), 'AccessDenied', 403);
      const withPolicy = await h.user('ar-account-yes', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: r.arn }] });
      const s = await h.assume(withPolicy.creds, { RoleArn: r.arn, RoleSessionName: 's-session' });
      assert.equal(s.arn, `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/ar-account-role/s-session`);
    });

    it("an explicit deny in the caller's identity policy wins over the trust policy", async () => {
      const u = await h.user('ar-denied', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRole', Resource: '*' }] });
      const r = await h.role('ar-denied-role', trustUser(u.arn));
      assertFailure(await fails(h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 's-session' })), 'AccessDenied', 403);
    });

    it('a Deny statement in the trust policy refuses', async () => {
      const u = await h.user('ar-trust-deny');
      const trust = {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: u.arn }, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', Principal: { AWS: u.arn }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:RoleSessionName': 'forbidden' } } },
        ],
      };
      const r = await h.role('ar-trust-deny-role', trust);
      await h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 'allowed' });
      assertFailure(await fails(h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 'forbidden' })), 'AccessDenied', 403);
    });

    it('sts:ExternalId is available to trust policy conditions', async () => {
      const u = await h.user('ar-ext');
      const r = await h.role('ar-ext-role', trustUser(u.arn, { Condition: { StringEquals: { 'sts:ExternalId': 'Unf0rgeable' } } }));
      assertFailure(await fails(h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 's-session' })), 'AccessDenied', 403);
      assertFailure(await fails(h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 's-session', ExternalId: 'guessed' })), 'AccessDenied', 403);
      const s = await h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 's-session', ExternalId: 'Unf0rgeable' });
      assert.match(s.creds.accessKeyId, /^ASIA/);
    });

    it('DurationSeconds: 900 up to the role’s MaxSessionDuration (default 3600); out of bounds is ValidationError', async () => {
      const u = await h.user('ar-duration');
      const r = await h.role('ar-duration-role', trustUser(u.arn));
      const short = await h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 's-session', DurationSeconds: 900 });
      assert.ok(Math.abs(short.expiration.getTime() - (server.clock.now() + 900_000)) < 1500);
      assertFailure(
        await fails(h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 's-session', DurationSeconds: 899 })),
        'ValidationError',
        400,
        /at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900/,
      );
      assertFailure(
        await fails(h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 's-session', DurationSeconds: 3601 })),
        'ValidationError',
        400,
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
      const long = await h.role('ar-duration-long', trustUser(u.arn), undefined, 7200);
      const s = await h.assume(u.creds, { RoleArn: long.arn, RoleSessionName: 's-session', DurationSeconds: 7200 });
      assert.ok(Math.abs(s.expiration.getTime() - (server.clock.now() + 7200_000)) < 1500);
    });

    it('RoleSessionName is validated as AWS does', async () => {
      const u = await h.user('ar-name');
      const r = await h.role('ar-name-role', trustUser(u.arn));
      assertFailure(await fails(h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 'has space' })), 'ValidationError', 400, /roleSessionName/);
      assertFailure(await fails(h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 'x' })), 'ValidationError', 400, /Member must have length greater than or equal to 2/);
    });

    it('role chaining: a session may assume another role, for at most one hour', async () => {
      const u = await h.user('ar-chain');
      const first = await h.role('ar-chain-1', trustUser(u.arn));
      const second = await h.role('ar-chain-2', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: first.arn }, Action: 'sts:AssumeRole' }] }, undefined, 43200);
      const s1 = await h.assume(u.creds, { RoleArn: first.arn, RoleSessionName: 'one' });
      assertFailure(
        await fails(h.assume(s1.creds, { RoleArn: second.arn, RoleSessionName: 'two', DurationSeconds: 7200 })),
        'ValidationError',
        400,
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
      const s2 = await h.assume(s1.creds, { RoleArn: second.arn, RoleSessionName: 'two' });
      assert.equal(s2.arn, `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/ar-chain-2/two`);
    });

    it('session tags need sts:TagSession and become aws:PrincipalTag/* for the session', async () => {
      const u = await h.user('ar-tags');
      const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: u.arn }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] };
      const rolePolicy = {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'blue' } } }],
      };
      const r = await h.role('ar-tags-role', trust, rolePolicy);
      const blue = await h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 'b-session', Tags: [{ Key: 'team', Value: 'blue' }] });
      assert.ok((await h.iam(blue.creds).send(new ListUsersCommand({}))).Users!.length > 0);
      const red = await h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 'r-session', Tags: [{ Key: 'team', Value: 'red' }] });
      assertFailure(await fails(h.iam(red.creds).send(new ListUsersCommand({}))), 'AccessDenied', 403);
      const untaggable = await h.role('ar-tags-no', trustUser(u.arn));
      const f = await fails(h.assume(u.creds, { RoleArn: untaggable.arn, RoleSessionName: 's-session', Tags: [{ Key: 'team', Value: 'blue' }] }));
      assertFailure(f, 'AccessDenied', 403, `User: ${u.arn} is not authorized to perform: sts:TagSession on resource: ${untaggable.arn}`);
    });

    it('session policies are refused rather than ignored', async () => {
      const u = await h.user('ar-policy');
      const r = await h.role('ar-policy-role', trustUser(u.arn));
      const f = await fails(h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 's-session', Policy: JSON.stringify(ALLOW_KMS) }));
      assertFailure(f, 'ValidationError', 400);
    });

    it('cross-account: the trusted account must also allow it in the caller’s identity policy', async () => {
      const other = await createAccount(server.trent.deps.identity, server.trent.deps.rootKey, server.clock.now(), '555566667777');
      const otherRoot = { accessKeyId: other.accessKeyId, secretAccessKey: other.secretAccessKey };
      const r = await h.role('ar-cross', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '555566667777' }, Action: 'sts:AssumeRole' }] }, ALLOW_KMS);
      const bare = await h.user('x-bare', undefined, otherRoot);
      assertFailure(await fails(h.assume(bare.creds, { RoleArn: r.arn, RoleSessionName: 's-session' })), 'AccessDenied', 403);
      const allowed = await h.user('x-allowed', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: r.arn }] }, otherRoot);
      const s = await h.assume(allowed.creds, { RoleArn: r.arn, RoleSessionName: 'visitor' });
      const who = await h.sts(s.creds).send(new GetCallerIdentityCommand({}));
      assert.equal(who.Account, TEST_ACCOUNT);
      assert.equal(who.Arn, `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/ar-cross/visitor`);
    });
  });

  describe('session credentials', () => {
    it("work for KMS with the role's permissions", async () => {
      const u = await h.user('sc-kms');
      const r = await h.role('sc-kms-role', trustUser(u.arn), ALLOW_KMS);
      const s = await h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 'kms' });
      const kms = h.kms(s.creds);
      const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
      const ct = (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('role data') }))).CiphertextBlob!;
      assert.equal(Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: ct }))).Plaintext!).toString(), 'role data');
    });

    it('verify only with their own session token', async () => {
      const u = await h.user('sc-token');
      const r = await h.role('sc-token-role', trustUser(u.arn), ALLOW_KMS);
      const s = await h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 't-session' });
      const noToken = { accessKeyId: s.creds.accessKeyId, secretAccessKey: s.creds.secretAccessKey };
      const f1 = await fails(h.kms(noToken).send(new ListKeysCommand({})));
      assertFailure(f1, 'UnrecognizedClientException', 400, INVALID);
      const other = await h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 't2' });
      const f2 = await fails(h.kms({ ...s.creds, sessionToken: other.creds.sessionToken }).send(new ListKeysCommand({})));
      assertFailure(f2, 'UnrecognizedClientException', 400, INVALID);
      const f3 = await fails(h.sts({ ...s.creds, sessionToken: s.creds.sessionToken + 'x' }).send(new GetCallerIdentityCommand({})));
      assertFailure(f3, 'InvalidClientTokenId', 403, INVALID);
      await h.kms(s.creds).send(new ListKeysCommand({}));
    });

    it('a long-term key with a session token is refused', async () => {
      const f = await fails(h.sts({ ...ROOT, sessionToken: 'FwoGZXIvYXdzEXAMPLE' }).send(new GetCallerIdentityCommand({})));
      assertFailure(f, 'InvalidClientTokenId', 403, INVALID);
    });

    it('lose their permissions with the role policy, and stop when the role is deleted', async () => {
      const u = await h.user('sc-revoke');
      const r = await h.role('sc-revoke-role', trustUser(u.arn), { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] });
      const s = await h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 'r-session' });
      await h.iam(s.creds).send(new ListUsersCommand({}));
      await h.iam().send(new DeleteRolePolicyCommand({ RoleName: 'sc-revoke-role', PolicyName: 'inline' }));
      assertFailure(await fails(h.iam(s.creds).send(new ListUsersCommand({}))), 'AccessDenied', 403);
      await h.iam().send(new DeleteRoleCommand({ RoleName: 'sc-revoke-role' }));
      assertFailure(await fails(h.sts(s.creds).send(new GetCallerIdentityCommand({}))), 'InvalidClientTokenId', 403);
    });
  });

  describe('GetSessionToken', () => {
    it("gives an IAM user temporary credentials (12 h by default) acting as the user, for KMS but not IAM", async () => {
      const u = await h.user('gst-user', ALLOW_KMS);
      const out = (await h.sts(u.creds).send(new GetSessionTokenCommand({}))).Credentials!;
      assert.match(out.AccessKeyId!, /^ASIA/);
      assert.ok(Math.abs(out.Expiration!.getTime() - (server.clock.now() + 43200_000)) < 1500);
      const creds = { accessKeyId: out.AccessKeyId!, secretAccessKey: out.SecretAccessKey!, sessionToken: out.SessionToken! };
      const who = await h.sts(creds).send(new GetCallerIdentityCommand({}));
      assert.deepEqual([who.Arn, who.UserId], [u.arn, u.userId]);
      await h.kms(creds).send(new ListKeysCommand({}));
      assertFailure(await fails(h.iam(creds).send(new ListUsersCommand({}))), 'InvalidClientTokenId', 403);
      const again = await fails(h.sts(creds).send(new GetSessionTokenCommand({})));
      assertFailure(again, 'AccessDenied', 403, 'Cannot call GetSessionToken with session credentials');
    });

    it('DurationSeconds: 900..129600 for users; the root gets at most one hour', async () => {
      const u = await h.user('gst-duration');
      const short = (await h.sts(u.creds).send(new GetSessionTokenCommand({ DurationSeconds: 900 }))).Credentials!;
      assert.ok(Math.abs(short.Expiration!.getTime() - (server.clock.now() + 900_000)) < 1500);
      assertFailure(await fails(h.sts(u.creds).send(new GetSessionTokenCommand({ DurationSeconds: 800 }))), 'ValidationError', 400, /durationSeconds/);
      assertFailure(await fails(h.sts(u.creds).send(new GetSessionTokenCommand({ DurationSeconds: 129601 }))), 'ValidationError', 400, /durationSeconds/);
      const root = (await h.sts().send(new GetSessionTokenCommand({ DurationSeconds: 7200 }))).Credentials!;
      assert.ok(Math.abs(root.Expiration!.getTime() - (server.clock.now() + 3600_000)) < 1500);
    });

    it("a user's session token credentials can assume a role that trusts the user", async () => {
      const u = await h.user('gst-assume');
      const r = await h.role('gst-assume-role', trustUser(u.arn));
      const out = (await h.sts(u.creds).send(new GetSessionTokenCommand({}))).Credentials!;
      const creds = { accessKeyId: out.AccessKeyId!, secretAccessKey: out.SecretAccessKey!, sessionToken: out.SessionToken! };
      const s = await h.assume(creds, { RoleArn: r.arn, RoleSessionName: 'via-gst' });
      assert.equal(s.arn, `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/gst-assume-role/via-gst`);
    });
  });
});

describe('STS session expiry (by the server clock)', () => {
  let server: TestServer;
  let h: Harness;
  before(async () => {
    server = await startTestServer();
    h = new Harness(server);
  });
  after(async () => {
    h.close();
    await server.close();
  });

  it('session credentials work until their expiration, then get ExpiredToken (KMS: 400 ExpiredTokenException, STS: 403 ExpiredToken)', async () => {
    const u = await h.user('exp-user');
    const r = await h.role('exp-role', trustUser(u.arn), ALLOW_KMS);
    const s = await h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 'e-session', DurationSeconds: 900 });
    await h.kms(s.creds).send(new ListKeysCommand({}));
    server.clock.advance(899_000);
    await h.kms(s.creds).send(new ListKeysCommand({}));
    server.clock.advance(1_000);
    assertFailure(await fails(h.kms(s.creds).send(new ListKeysCommand({}))), 'ExpiredTokenException', 400, EXPIRED);
    assertFailure(await fails(h.sts(s.creds).send(new GetCallerIdentityCommand({}))), 'ExpiredToken', 403, EXPIRED);
    assertFailure(await fails(h.iam(s.creds).send(new ListUsersCommand({}))), 'ExpiredToken', 403, EXPIRED);
    const fresh = await h.assume(u.creds, { RoleArn: r.arn, RoleSessionName: 'e2' });
    await h.kms(fresh.creds).send(new ListKeysCommand({}));
  });

  it('GetSessionToken credentials expire too', async () => {
    const u = await h.user('exp-gst', ALLOW_KMS);
    const out = (await h.sts(u.creds).send(new GetSessionTokenCommand({ DurationSeconds: 1000 }))).Credentials!;
    const creds = { accessKeyId: out.AccessKeyId!, secretAccessKey: out.SecretAccessKey!, sessionToken: out.SessionToken! };
    await h.kms(creds).send(new ListKeysCommand({}));
    server.clock.advance(1_000_000);
    assertFailure(await fails(h.kms(creds).send(new ListKeysCommand({}))), 'ExpiredTokenException', 400, EXPIRED);
    await h.kms(u.creds).send(new ListKeysCommand({}));
  });
});
