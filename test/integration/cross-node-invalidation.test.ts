/**
 * Two Trent nodes, each with its own caches, sharing one fresh PostgreSQL
 * database: every change that revokes (or grants) a permission, made through
 * node A, is honoured by node B within one second, after B has served (and
 * cached) a successful call first. The measured delay is asserted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  CreateGrantCommand,
  CreateKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  PutKeyPolicyCommand,
  RevokeGrantCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  DeleteAccessKeyCommand,
  DeleteRoleCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  PutUserPolicyCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { KMSClient } from '@aws-sdk/client-kms';
import { rootEnv, startTestServer, TEST_ACCOUNT, TEST_REGION, type TestServer } from '../helpers/trent.js';
import { assumeRole, createRole, createUser, iam, sts, type Credentials } from '../helpers/identities.js';
import { createTestDatabase, dropAllTestDatabases } from '../helpers/postgres.js';

after(dropAllTestDatabases);

const BOUND_MS = 1000;
const PLAIN = Buffer.from('cross-node');
const ALL_KMS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };

/** Polls `attempt` until it reports true; returns how long that took after `since`, failing past twice the bound. */
async function honouredWithin(since: number, attempt: () => Promise<boolean>): Promise<number> {
  for (;;) {
    if (await attempt()) return performance.now() - since;
    if (performance.now() - since > 2 * BOUND_MS) assert.fail('the change was not honoured by node B within twice the bound');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function errorName(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as Error).name;
  }
}

function kmsOf(server: TestServer, c: Credentials): KMSClient {
  return new KMSClient({ endpoint: server.url, region: TEST_REGION, credentials: c, maxAttempts: 1 });
}

describe('cross-node cache invalidation on a shared PostgreSQL store', () => {
  let a: TestServer;
  let b: TestServer;
  const delays: Record<string, number> = {};

  before(async () => {
    const db = await createTestDatabase();
    const env = { ...rootEnv(), TRENT_ROOT_KEY: randomBytes(32).toString('base64') };
    a = await startTestServer({ store: db.url, env });
    b = await startTestServer({ store: db.url, env });
  });
  after(async () => {
    await b?.close();
    await a?.close();
    console.log('node B honoured changes after (ms):', JSON.stringify(delays));
  });

  /** Warms B with `ok` (which must succeed), makes `change` through A, then waits for B to answer `refused`. */
  async function check(name: string, ok: () => Promise<unknown>, change: () => Promise<unknown>, refused: () => Promise<boolean>): Promise<void> {
    await ok();
    await ok();
    await change();
    const delay = await honouredWithin(performance.now(), refused);
    delays[name] = Math.round(delay);
    assert.ok(delay < BOUND_MS, `${name}: honoured after ${delay} ms`);
  }

  async function newKey(server: TestServer): Promise<string> {
    return (await server.kms().send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
  }

  it('DisableKey and ScheduleKeyDeletion', async () => {
    const k1 = await newKey(a);
    const k2 = await newKey(a);
    const onB = b.kms();
    await check(
      'DisableKey',
      () => onB.send(new EncryptCommand({ KeyId: k1, Plaintext: PLAIN })),
      () => a.kms().send(new DisableKeyCommand({ KeyId: k1 })),
      async () => (await errorName(onB.send(new EncryptCommand({ KeyId: k1, Plaintext: PLAIN })))) === 'DisabledException',
    );
    await check(
      'ScheduleKeyDeletion',
      () => onB.send(new EncryptCommand({ KeyId: k2, Plaintext: PLAIN })),
      () => a.kms().send(new ScheduleKeyDeletionCommand({ KeyId: k2, PendingWindowInDays: 7 })),
      async () => (await errorName(onB.send(new EncryptCommand({ KeyId: k2, Plaintext: PLAIN })))) === 'KMSInvalidStateException',
    );
  });

  it('PutKeyPolicy and RevokeGrant', async () => {
    const user = await createUser(a, 'kp-user');
    const key = await newKey(a);
    const policy = (principals: string[]) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Sid: 'root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
          ...principals.map((p) => ({ Sid: 'user', Effect: 'Allow', Principal: { AWS: p }, Action: 'kms:Encrypt', Resource: '*' })),
        ],
      });
    await a.kms().send(new PutKeyPolicyCommand({ KeyId: key, PolicyName: 'default', Policy: policy([user.arn]) }));
    const userOnB = kmsOf(b, user.credentials);
    await check(
      'PutKeyPolicy',
      () => userOnB.send(new EncryptCommand({ KeyId: key, Plaintext: PLAIN })),
      () => a.kms().send(new PutKeyPolicyCommand({ KeyId: key, PolicyName: 'default', Policy: policy([]) })),
      async () => (await errorName(userOnB.send(new EncryptCommand({ KeyId: key, Plaintext: PLAIN })))) === 'AccessDeniedException',
    );
    const grant = await a.kms().send(new CreateGrantCommand({ KeyId: key, GranteePrincipal: user.arn, Operations: ['Encrypt'] }));
    await check(
      'RevokeGrant',
      () => userOnB.send(new EncryptCommand({ KeyId: key, Plaintext: PLAIN })),
      () => a.kms().send(new RevokeGrantCommand({ KeyId: key, GrantId: grant.GrantId })),
      async () => (await errorName(userOnB.send(new EncryptCommand({ KeyId: key, Plaintext: PLAIN })))) === 'AccessDeniedException',
    );
  });

  it('IAM policies: inline removed, managed detached, a new one honoured', async () => {
    const key = await newKey(a);
    const user = await createUser(a, 'iam-user', ALL_KMS);
    const onB = kmsOf(b, user.credentials);
    const encrypt = () => onB.send(new EncryptCommand({ KeyId: key, Plaintext: PLAIN }));
    const denied = async () => (await errorName(encrypt())) === 'AccessDeniedException';
    const admin = iam(a);
    await check('DeleteUserPolicy', encrypt, () => admin.send(new DeleteUserPolicyCommand({ UserName: 'iam-user', PolicyName: 'inline' })), denied);
    // A new policy is honoured as fast.
    const managed = await admin.send(new CreatePolicyCommand({ PolicyName: 'all-kms', PolicyDocument: JSON.stringify(ALL_KMS) }));
    const start = performance.now();
    await admin.send(new AttachUserPolicyCommand({ UserName: 'iam-user', PolicyArn: managed.Policy!.Arn }));
    const grantDelay = await honouredWithin(start, async () => (await errorName(encrypt())) === undefined);
    delays.AttachUserPolicy = Math.round(grantDelay);
    assert.ok(grantDelay < BOUND_MS);
    await check('DetachUserPolicy', encrypt, () => admin.send(new DetachUserPolicyCommand({ UserName: 'iam-user', PolicyArn: managed.Policy!.Arn })), denied);
    // Policy documents are cached too: a policy that allows again is honoured by B within the bound.
    const allowStart = performance.now();
    await admin.send(new PutUserPolicyCommand({ UserName: 'iam-user', PolicyName: 'deny', PolicyDocument: JSON.stringify(ALL_KMS) }));
    const allowDelay = await honouredWithin(allowStart, async () => (await errorName(encrypt())) === undefined);
    delays['PutUserPolicy (Allow)'] = Math.round(allowDelay);
    assert.ok(allowDelay < BOUND_MS);
    await check(
      'PutUserPolicy (Deny)',
      encrypt,
      () =>
        admin.send(
          new PutUserPolicyCommand({
            UserName: 'iam-user',
            PolicyName: 'deny',
            PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:Encrypt', Resource: '*' }] }),
          }),
        ),
      denied,
    );
    admin.destroy();
  });

  it('access keys deactivated or deleted', async () => {
    const admin = iam(a);
    const u1 = await createUser(a, 'key-user-1', ALL_KMS);
    const u2 = await createUser(a, 'key-user-2', ALL_KMS);
    const callerOnB = (c: Credentials) => () => sts(b, c).send(new GetCallerIdentityCommand({}));
    const refused = (c: Credentials) => async () => (await errorName(callerOnB(c)())) === 'InvalidClientTokenId';
    await check(
      'UpdateAccessKey Inactive',
      callerOnB(u1.credentials),
      () => admin.send(new UpdateAccessKeyCommand({ UserName: 'key-user-1', AccessKeyId: u1.credentials.accessKeyId, Status: 'Inactive' })),
      refused(u1.credentials),
    );
    await check(
      'DeleteAccessKey',
      callerOnB(u2.credentials),
      () => admin.send(new DeleteAccessKeyCommand({ UserName: 'key-user-2', AccessKeyId: u2.credentials.accessKeyId })),
      refused(u2.credentials),
    );
    admin.destroy();
  });

  it('deleted user and deleted role: their sessions are refused', async () => {
    const admin = iam(a);
    const user = await createUser(a, 'gone-user', ALL_KMS);
    const out = await sts(a, user.credentials).send(new GetSessionTokenCommand({}));
    const session: Credentials = {
      accessKeyId: out.Credentials!.AccessKeyId!,
      secretAccessKey: out.Credentials!.SecretAccessKey!,
      sessionToken: out.Credentials!.SessionToken!,
    };
    await admin.send(new DeleteAccessKeyCommand({ UserName: 'gone-user', AccessKeyId: user.credentials.accessKeyId }));
    await admin.send(new DeleteUserPolicyCommand({ UserName: 'gone-user', PolicyName: 'inline' }));
    const callerOnB = (c: Credentials) => () => sts(b, c).send(new GetCallerIdentityCommand({}));
    const refused = (c: Credentials) => async () => (await errorName(callerOnB(c)())) === 'InvalidClientTokenId';
    await check('DeleteUser', callerOnB(session), () => admin.send(new DeleteUserCommand({ UserName: 'gone-user' })), refused(session));

    const roleArn = await createRole(a, 'gone-role', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
    });
    const assumer = await createUser(a, 'assumer', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] });
    const { credentials } = await assumeRole(a, assumer.credentials, roleArn, 'session-b');
    await check('DeleteRole', callerOnB(credentials), () => admin.send(new DeleteRoleCommand({ RoleName: 'gone-role' })), refused(credentials));
    admin.destroy();
  });

  it('a node that cannot follow the feed stops trusting its caches within the bound', async () => {
    const admin = iam(a);
    const user = await createUser(a, 'no-feed-user', ALL_KMS);
    const callerOnB = () => sts(b, user.credentials).send(new GetCallerIdentityCommand({}));
    await callerOnB();
    b.trent.changes.stop();
    await check(
      'UpdateAccessKey Inactive, B not polling',
      callerOnB,
      () => admin.send(new UpdateAccessKeyCommand({ UserName: 'no-feed-user', AccessKeyId: user.credentials.accessKeyId, Status: 'Inactive' })),
      async () => (await errorName(callerOnB())) === 'InvalidClientTokenId',
    );
    assert.equal(b.trent.changes.trusted(), false);
    admin.destroy();
  });
});
