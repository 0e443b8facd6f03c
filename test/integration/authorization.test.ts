/**
 * Authorization end to end: key policies, IAM identity policies and grants,
 * over real signed requests from IAM users, assumed roles and other accounts.
 * The table states every expected outcome explicitly.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelKeyDeletionCommand,
  CreateGrantCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyPolicyCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  RetireGrantCommand,
  RevokeGrantCommand,
  TagResourceCommand,
  UpdateKeyDescriptionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { startTestServer, TEST_ACCOUNT, type TestServer } from '../helpers/trent.js';
import { assumeRole, createAccount, createRole, createUser, rootIdentity, type Identity } from '../helpers/identities.js';

const A = TEST_ACCOUNT;
const B = '444455556666';
const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
const rootOf = (account: string) => `arn:aws:iam::${account}:root`;
const userArn = (name: string, account = A) => `arn:aws:iam::${account}:user/${name}`;

type Op = 'Encrypt' | 'Decrypt' | 'GenerateDataKey' | 'DescribeKey' | 'UpdateKeyDescription' | 'GetKeyPolicy' | 'TagResource' | 'ListResourceTags' | 'CancelKeyDeletion';
const OPS: Op[] = ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey', 'UpdateKeyDescription', 'GetKeyPolicy', 'TagResource', 'ListResourceTags', 'CancelKeyDeletion'];
const ALL = new Set<Op>(OPS);
const NONE = new Set<Op>();
const except = (...ops: Op[]) => new Set(OPS.filter((o) => !ops.includes(o)));
const only = (...ops: Op[]) => new Set(ops);

/**
 * Calls `op` on `keyArn`. Returns 'allowed' when authorization passed (the call
 * succeeded, or failed for a reason that comes after authorization, such as
 * CancelKeyDeletion on a key that is not pending deletion) and 'denied' on
 * AccessDeniedException.
 */
async function attempt(kms: KMSClient, op: Op, keyArn: string, ciphertext: Uint8Array): Promise<'allowed' | 'denied'> {
  try {
    switch (op) {
      case 'Encrypt':
        await kms.send(new EncryptCommand({ KeyId: keyArn, Plaintext: Buffer.from('x') }));
        break;
      case 'Decrypt':
        await kms.send(new DecryptCommand({ CiphertextBlob: ciphertext }));
        break;
      case 'GenerateDataKey':
        await kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256' }));
        break;
      case 'DescribeKey':
        await kms.send(new DescribeKeyCommand({ KeyId: keyArn }));
        break;
      case 'UpdateKeyDescription':
        await kms.send(new UpdateKeyDescriptionCommand({ KeyId: keyArn, Description: 'touched' }));
        break;
      case 'GetKeyPolicy':
        await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn }));
        break;
      case 'TagResource':
        await kms.send(new TagResourceCommand({ KeyId: keyArn, Tags: [{ TagKey: 'k', TagValue: 'v' }] }));
        break;
      case 'ListResourceTags':
        await kms.send(new ListResourceTagsCommand({ KeyId: keyArn }));
        break;
      case 'CancelKeyDeletion':
        await kms.send(new CancelKeyDeletionCommand({ KeyId: keyArn }));
        break;
    }
    return 'allowed';
  } catch (e) {
    const name = (e as Error).name;
    if (name === 'AccessDeniedException') return 'denied';
    if (op === 'CancelKeyDeletion' && name === 'KMSInvalidStateException') return 'allowed';
    throw e;
  }
}

describe('authorization', () => {
  let server: TestServer;
  let root: Identity;
  const users: Record<string, Identity> = {};
  const keys: Record<string, { arn: string; ciphertext: Uint8Array }> = {};

  async function key(name: string, policy: object | undefined): Promise<void> {
    const kms = root.kms();
    const md = (await kms.send(new CreateKeyCommand({ Policy: policy ? JSON.stringify(policy) : undefined, BypassPolicyLockoutSafetyCheck: true }))).KeyMetadata!;
    // The ciphertext is made while the root may still use the key: through a temporary permissive policy when needed.
    keys[name] = { arn: md.Arn!, ciphertext: new Uint8Array() };
  }

  before(async () => {
    server = await startTestServer();
    root = rootIdentity(server, A);
    users.admin = await createUser(server, 'admin');
    users.user = await createUser(server, 'user');
    users.nobody = await createUser(server, 'nobody');
    users.iamonly = await createUser(server, 'iamonly', allowAll);
    users.iamdeny = await createUser(server, 'iamdeny', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'kms:*', Resource: '*' },
        { Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' },
      ],
    });

    // K1: the default key policy (root delegation: IAM policies decide).
    // K2: no root delegation; key administrators and key users named directly.
    // K3: default policy plus an explicit deny of Decrypt for iamonly.
    const k2 = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'RootReadAndPolicy', Effect: 'Allow', Principal: { AWS: rootOf(A) }, Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy'], Resource: '*' },
        {
          Sid: 'KeyAdministrators',
          Effect: 'Allow',
          Principal: { AWS: userArn('admin') },
          Action: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion'],
          Resource: '*',
        },
        {
          Sid: 'KeyUsers',
          Effect: 'Allow',
          Principal: { AWS: [userArn('user'), userArn('iamdeny')] },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: '*',
        },
      ],
    };
    const k3 = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: rootOf(A) }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Deny', Principal: { AWS: userArn('iamonly') }, Action: 'kms:Decrypt', Resource: '*' },
      ],
    };
    const k4 = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: rootOf(A) }, Action: 'kms:*', Resource: '*' },
        { Effect: 'Allow', Principal: { AWS: B }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: '*' },
      ],
    };
    await key('K1', undefined);
    await key('K3', k3);
    await key('K4', k4);
    for (const name of ['K1', 'K3', 'K4']) {
      keys[name].ciphertext = (await root.kms().send(new EncryptCommand({ KeyId: keys[name].arn, Plaintext: Buffer.from('x') }))).CiphertextBlob!;
    }
    await key('K2', k2);
    keys.K2.ciphertext = (await users.user.kms().send(new EncryptCommand({ KeyId: keys.K2.arn, Plaintext: Buffer.from('x') }))).CiphertextBlob!;

    users.bRoot = await createAccount(server, B);
    users.bee = await createUser(server, 'bee', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: `arn:aws:kms:*:${A}:key/*` }],
    }, users.bRoot.credentials);
    users.bnone = await createUser(server, 'bnone', undefined, users.bRoot.credentials);
  });
  after(() => server.close());

  const table: Record<string, Record<string, Set<Op>>> = {
    K1: { root: ALL, admin: NONE, user: NONE, nobody: NONE, iamonly: ALL, iamdeny: except('Decrypt') },
    K2: {
      root: only('DescribeKey', 'GetKeyPolicy'),
      admin: only('DescribeKey', 'UpdateKeyDescription', 'GetKeyPolicy', 'TagResource', 'ListResourceTags', 'CancelKeyDeletion'),
      user: only('Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey'),
      nobody: NONE,
      iamonly: only('DescribeKey', 'GetKeyPolicy'),
      iamdeny: only('Encrypt', 'GenerateDataKey', 'DescribeKey', 'GetKeyPolicy'),
    },
    K3: { root: ALL, admin: NONE, user: NONE, nobody: NONE, iamonly: except('Decrypt'), iamdeny: except('Decrypt') },
  };

  for (const [keyName, byPrincipal] of Object.entries(table)) {
    for (const [principal, allowed] of Object.entries(byPrincipal)) {
      for (const op of OPS) {
        const expected = allowed.has(op) ? 'allowed' : 'denied';
        it(`${keyName}: ${principal} ${op} is ${expected}`, async () => {
          const who = principal === 'root' ? root : users[principal];
          assert.equal(await attempt(who.kms(), op, keys[keyName].arn, keys[keyName].ciphertext), expected);
        });
      }
    }
  }

  const crossOps: Op[] = ['Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey', 'GetKeyPolicy', 'UpdateKeyDescription'];
  const crossTable: Record<string, Record<string, Set<Op>>> = {
    // K4 allows account B to use it; B's principals also need their own IAM allow.
    K4: { bRoot: only('Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey'), bee: only('Encrypt', 'Decrypt', 'GenerateDataKey', 'DescribeKey'), bnone: NONE },
    // K1's policy trusts only account A.
    K1: { bRoot: NONE, bee: NONE, bnone: NONE },
  };
  for (const [keyName, byPrincipal] of Object.entries(crossTable)) {
    for (const [principal, allowed] of Object.entries(byPrincipal)) {
      for (const op of crossOps) {
        const expected = allowed.has(op) ? 'allowed' : 'denied';
        it(`cross-account ${keyName}: ${principal} ${op} is ${expected}`, async () => {
          assert.equal(await attempt(users[principal].kms(), op, keys[keyName].arn, keys[keyName].ciphertext), expected);
        });
      }
    }
  }

  it('denials carry AWS message shapes for each reason', async () => {
    const msg = async (who: Identity, op: 'Decrypt' | 'DescribeKey' | 'Encrypt', k: string) => {
      const kms = who.kms();
      const call =
        op === 'Decrypt'
          ? kms.send(new DecryptCommand({ CiphertextBlob: keys[k].ciphertext }))
          : op === 'Encrypt'
            ? kms.send(new EncryptCommand({ KeyId: keys[k].arn, Plaintext: Buffer.from('x') }))
            : kms.send(new DescribeKeyCommand({ KeyId: keys[k].arn }));
      const e = await call.then(() => undefined, (x: Error) => x);
      assert.equal(e?.name, 'AccessDeniedException');
      return e!.message;
    };
    // K1 delegates to the account, so IAM decides: no identity policy allows.
    assert.equal(await msg(users.nobody, 'DescribeKey', 'K1'), `User: ${users.nobody.arn} is not authorized to perform: kms:DescribeKey on resource: ${keys.K1.arn} because no identity-based policy allows the kms:DescribeKey action`);
    // K2 allows Encrypt only to named key users: no resource-based policy allows.
    assert.equal(await msg(users.nobody, 'Encrypt', 'K2'), `User: ${users.nobody.arn} is not authorized to perform: kms:Encrypt on resource: ${keys.K2.arn} because no resource-based policy allows the kms:Encrypt action`);
    assert.equal(await msg(users.iamonly, 'Decrypt', 'K3'), `User: ${users.iamonly.arn} is not authorized to perform: kms:Decrypt on resource: ${keys.K3.arn} with an explicit deny in a resource-based policy`);
    assert.equal(await msg(users.iamdeny, 'Decrypt', 'K1'), `User: ${users.iamdeny.arn} is not authorized to perform: kms:Decrypt on resource: ${keys.K1.arn} with an explicit deny in an identity-based policy`);
  });

  it('a role may Decrypt only with kms:EncryptionContext:App = vault-prod, assumed through STS', async () => {
    const roleArn = await createRole(
      server,
      'vault',
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: userArn('iamonly') }, Action: 'sts:AssumeRole' }] },
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:DescribeKey'], Resource: keys.K1.arn },
          { Effect: 'Allow', Action: 'kms:Decrypt', Resource: keys.K1.arn, Condition: { StringEquals: { 'kms:EncryptionContext:App': 'vault-prod' } } },
        ],
      },
    );
    const session = await assumeRole(server, users.iamonly.credentials, roleArn, 'unseal');
    assert.equal(session.arn, `arn:aws:sts::${A}:assumed-role/vault/unseal`);
    const kms = session.kms();
    const prod = await kms.send(new EncryptCommand({ KeyId: keys.K1.arn, Plaintext: Buffer.from('k'), EncryptionContext: { App: 'vault-prod' } }));
    const dev = await kms.send(new EncryptCommand({ KeyId: keys.K1.arn, Plaintext: Buffer.from('k'), EncryptionContext: { App: 'vault-dev' } }));
    const none = await kms.send(new EncryptCommand({ KeyId: keys.K1.arn, Plaintext: Buffer.from('k') }));
    await kms.send(new DecryptCommand({ CiphertextBlob: prod.CiphertextBlob, EncryptionContext: { App: 'vault-prod' } }));
    for (const [blob, context] of [[dev.CiphertextBlob, { App: 'vault-dev' }], [none.CiphertextBlob, undefined]] as const) {
      await assert.rejects(kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context })), (e: Error) => {
        assert.equal(e.name, 'AccessDeniedException');
        assert.match(e.message, new RegExp(`^User: arn:aws:sts::${A}:assumed-role/vault/unseal is not authorized to perform: kms:Decrypt`));
        return true;
      });
    }
  });

  it('a kms:ViaService condition refuses direct calls and admits the trusted integration', async () => {
    const viaS3 = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }],
    };
    const direct = await createUser(server, 'svc', viaS3);
    const gateway = await createUser(server, 's3-gateway', viaS3);
    const other = await createUser(server, 'sqs-gateway', viaS3);
    server.trent.deps.viaServices = new Map([
      [gateway.arn, 's3.us-east-1.amazonaws.com'],
      [other.arn, 'sqs.us-east-1.amazonaws.com'],
    ]);
    try {
      assert.equal(await attempt(direct.kms(), 'Decrypt', keys.K1.arn, keys.K1.ciphertext), 'denied');
      assert.equal(await attempt(gateway.kms(), 'Decrypt', keys.K1.arn, keys.K1.ciphertext), 'allowed');
      assert.equal(await attempt(other.kms(), 'Decrypt', keys.K1.arn, keys.K1.ciphertext), 'denied');
    } finally {
      server.trent.deps.viaServices = undefined;
    }
  });

  it('removing the root delegation from a key policy makes IAM policies stop working for that key', async () => {
    const md = (await root.kms().send(new CreateKeyCommand({}))).KeyMetadata!;
    assert.equal(await attempt(users.iamonly.kms(), 'DescribeKey', md.Arn!, new Uint8Array()), 'allowed');
    const withoutRoot = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: userArn('admin') }, Action: 'kms:*', Resource: '*' }],
    };
    await root.kms().send(new PutKeyPolicyCommand({ KeyId: md.KeyId, Policy: JSON.stringify(withoutRoot), BypassPolicyLockoutSafetyCheck: true }));
    assert.equal(await attempt(users.iamonly.kms(), 'DescribeKey', md.Arn!, new Uint8Array()), 'denied');
    assert.equal(await attempt(root.kms(), 'DescribeKey', md.Arn!, new Uint8Array()), 'denied');
    assert.equal(await attempt(users.admin.kms(), 'DescribeKey', md.Arn!, new Uint8Array()), 'allowed');
  });

  it('the lockout safety check refuses a policy that would lock the caller out, unless bypassed', async () => {
    const md = (await root.kms().send(new CreateKeyCommand({}))).KeyMetadata!;
    const lockout = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: userArn('user') }, Action: 'kms:Encrypt', Resource: '*' }] });
    await assert.rejects(root.kms().send(new PutKeyPolicyCommand({ KeyId: md.KeyId, Policy: lockout })), (e: Error) => {
      assert.deepEqual([e.name, e.message], ['MalformedPolicyDocumentException', 'The new key policy will not allow you to update the key policy in the future.']);
      return true;
    });
    await assert.rejects(root.kms().send(new CreateKeyCommand({ Policy: lockout })), { name: 'MalformedPolicyDocumentException' });
    await root.kms().send(new PutKeyPolicyCommand({ KeyId: md.KeyId, Policy: lockout, BypassPolicyLockoutSafetyCheck: true }));
    assert.equal(await attempt(root.kms(), 'GetKeyPolicy', md.Arn!, new Uint8Array()), 'denied');
  });

  it('a grant with an encryption-context constraint works immediately, then is retired; another is revoked', async () => {
    const nobody = users.nobody.kms();
    const grant = await root.kms().send(
      new CreateGrantCommand({
        KeyId: keys.K1.arn,
        GranteePrincipal: users.nobody.arn,
        Operations: ['Encrypt', 'Decrypt', 'RetireGrant'],
        Constraints: { EncryptionContextSubset: { purpose: 'backup' } },
      }),
    );
    const enc = await nobody.send(
      new EncryptCommand({ KeyId: keys.K1.arn, Plaintext: Buffer.from('g'), EncryptionContext: { purpose: 'backup', day: 'mon' }, GrantTokens: [grant.GrantToken!] }),
    );
    await nobody.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { purpose: 'backup', day: 'mon' } }));
    await assert.rejects(nobody.send(new EncryptCommand({ KeyId: keys.K1.arn, Plaintext: Buffer.from('g') })), { name: 'AccessDeniedException' });
    await assert.rejects(nobody.send(new EncryptCommand({ KeyId: keys.K1.arn, Plaintext: Buffer.from('g'), EncryptionContext: { purpose: 'other' } })), { name: 'AccessDeniedException' });
    await assert.rejects(nobody.send(new DescribeKeyCommand({ KeyId: keys.K1.arn })), { name: 'AccessDeniedException' });
    await nobody.send(new RetireGrantCommand({ GrantToken: grant.GrantToken }));
    await assert.rejects(nobody.send(new EncryptCommand({ KeyId: keys.K1.arn, Plaintext: Buffer.from('g'), EncryptionContext: { purpose: 'backup' } })), { name: 'AccessDeniedException' });

    const second = await root.kms().send(new CreateGrantCommand({ KeyId: keys.K1.arn, GranteePrincipal: users.nobody.arn, Operations: ['DescribeKey'] }));
    await nobody.send(new DescribeKeyCommand({ KeyId: keys.K1.arn }));
    await root.kms().send(new RevokeGrantCommand({ KeyId: keys.K1.arn, GrantId: second.GrantId }));
    await assert.rejects(nobody.send(new DescribeKeyCommand({ KeyId: keys.K1.arn })), { name: 'AccessDeniedException' });
  });

  it('an explicit deny beats a grant', async () => {
    await root.kms().send(new CreateGrantCommand({ KeyId: keys.K3.arn, GranteePrincipal: users.iamonly.arn, Operations: ['Decrypt'] }));
    assert.equal(await attempt(users.iamonly.kms(), 'Decrypt', keys.K3.arn, keys.K3.ciphertext), 'denied');
    await root.kms().send(new CreateGrantCommand({ KeyId: keys.K1.arn, GranteePrincipal: users.iamdeny.arn, Operations: ['Decrypt'] }));
    assert.equal(await attempt(users.iamdeny.kms(), 'Decrypt', keys.K1.arn, keys.K1.ciphertext), 'denied');
  });
});
