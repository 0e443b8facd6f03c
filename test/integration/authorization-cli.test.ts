/**
 * The authorization scenarios of authorization.test.ts, driven once through
 * the real AWS CLI (v1) with --endpoint-url: key administrators and key users,
 * an assumed role limited by an encryption-context condition, kms:ViaService,
 * cross-account use, explicit denies in the key policy, an IAM policy and
 * against a grant, removing the root delegation, grants with constraints and
 * grant tokens, and the lockout safety check.
 *
 * Every step goes through `aws iam`, `aws sts` or `aws kms`, except creating
 * the second account (there is no AWS API for it; `trent admin` does it), for
 * which the test uses the same helper as the SDK tests.
 *
 * The CLI is always run asynchronously (execFile): the server shares this
 * process's event loop, so a synchronous child would deadlock it. Each call
 * costs most of a second of Python start-up, so independent calls run in
 * parallel, and so do the tests themselves (each uses its own keys; the shared
 * users made in `before` are only read), which keeps the file near 45 s
 * instead of 70 s on two cores.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, tempDir, TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_REGION, TEST_SECRET, type TestServer } from '../helpers/trent.js';
import { createAccount } from '../helpers/identities.js';
import { isolatedCliEnv, runAws, type CliResult } from '../helpers/aws-cli.js';

const A = TEST_ACCOUNT;
const B = '444455556666';
const rootOf = (account: string) => `arn:aws:iam::${account}:root`;
const userArn = (name: string, account = A) => `arn:aws:iam::${account}:user/${name}`;
const KEY_ARN = new RegExp(`^arn:aws:kms:${TEST_REGION}:${A}:key/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`);
const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] };
/** The default key policy's essence: the account root may do everything, so IAM policies decide. */
const rootOnly = (account = A) => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'Enable IAM User Permissions', Effect: 'Allow', Principal: { AWS: rootOf(account) }, Action: 'kms:*', Resource: '*' }],
});


/** Credentials as the CLI reads them from the environment. */
interface Creds {
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_SESSION_TOKEN?: string;
}

interface User {
  arn: string;
  creds: Creds;
}

interface Key {
  keyId: string;
  arn: string;
}


describe('authorization through the AWS CLI', { concurrency: true }, () => {
  let server: TestServer;
  let work: string;
  let baseEnv: NodeJS.ProcessEnv;
  let fileCount = 0;
  const root: Creds = { AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET };
  const plaintext = randomBytes(48);
  let plaintextArg = '';
  const users: Record<string, User> = {};

  // ---- running the CLI ------------------------------------------------------

  function awsRaw(creds: Creds, args: string[]): Promise<CliResult> {
    return runAws([...args, '--endpoint-url', server.url, '--output', 'json'], { ...baseEnv, ...creds });
  }
  /** Runs `aws <args>` as `creds`, asserts success and returns the parsed JSON output ({} when empty). */
  async function aws(creds: Creds, ...args: string[]): Promise<any> {
    const r = await awsRaw(creds, args);
    assert.equal(r.code, 0, `aws ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout}`);
    return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout);
  }
  /**
   * Runs `aws <args>` as `creds`, asserts it failed with AWS error `code` in
   * `operation` (as the CLI prints it on stderr) and returns the error message.
   */
  async function awsFails(code: string, operation: string, creds: Creds, ...args: string[]): Promise<string> {
    const r = await awsRaw(creds, args);
    assert.notEqual(r.code, 0, `aws ${args.join(' ')} should have failed with ${code}, but succeeded: ${r.stdout}`);
    const m = /An error occurred \((\w+)\) when calling the (\w+) operation: ([^\n]*)/.exec(r.stderr);
    assert.ok(m, `aws ${args.join(' ')}: no AWS error on stderr: ${r.stderr}`);
    assert.deepEqual([m[1], m[2]], [code, operation], `aws ${args.join(' ')}\nstderr: ${r.stderr}`);
    return m[3].trim();
  }
  /** Asserts AccessDeniedException for `kms:<operation>` on `keyArn` and, when given, the reason AWS words. */
  async function denied(operation: string, who: { arn: string; creds: Creds }, keyArn: string, reason: string | undefined, ...args: string[]): Promise<void> {
    const message = await awsFails('AccessDeniedException', operation, who.creds, ...args);
    const head = `User: ${who.arn} is not authorized to perform: kms:${operation} on resource: ${keyArn}`;
    if (reason === undefined) assert.ok(message.startsWith(head), `message: ${message}\nexpected to start: ${head}`);
    else assert.equal(message, `${head} ${reason}`);
  }
  const noResourceAllow = (op: string) => `because no resource-based policy allows the kms:${op} action`;
  const noIdentityAllow = (op: string) => `because no identity-based policy allows the kms:${op} action`;
  const resourceDeny = 'with an explicit deny in a resource-based policy';
  const identityDeny = 'with an explicit deny in an identity-based policy';

  // ---- files ----------------------------------------------------------------

  /** Writes `content` (an object is written as JSON) to a fresh file and returns `file://path` or `fileb://path`. */
  function file(content: object | Buffer, scheme: 'file' | 'fileb' = 'file'): string {
    const path = join(work, `f${++fileCount}`);
    writeFileSync(path, Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2));
    return `${scheme}://${path}`;
  }
  const blobArg = (base64: string) => file(Buffer.from(base64, 'base64'), 'fileb');

  // ---- building blocks, each through the CLI --------------------------------

  async function createUser(name: string, policy?: object, as: Creds = root, account = A): Promise<User> {
    const user = (await aws(as, 'iam', 'create-user', '--user-name', name)).User;
    assert.equal(user.Arn, userArn(name, account));
    const [key] = await Promise.all([
      aws(as, 'iam', 'create-access-key', '--user-name', name),
      policy ? aws(as, 'iam', 'put-user-policy', '--user-name', name, '--policy-name', 'inline', '--policy-document', file(policy)) : undefined,
    ]);
    assert.equal(key.AccessKey.Status, 'Active');
    return { arn: user.Arn, creds: { AWS_ACCESS_KEY_ID: key.AccessKey.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.AccessKey.SecretAccessKey } };
  }

  async function createKey(policy?: object, description?: string): Promise<Key> {
    const args = ['kms', 'create-key'];
    if (policy) args.push('--policy', file(policy));
    if (description) args.push('--description', description);
    const md = (await aws(root, ...args)).KeyMetadata;
    assert.match(md.Arn, KEY_ARN);
    assert.equal(md.KeyState, 'Enabled');
    return { keyId: md.KeyId, arn: md.Arn };
  }

  /** `aws kms encrypt` of the test plaintext; returns the ciphertext as a fileb:// argument. */
  async function encrypt(as: Creds, key: Key, ...extra: string[]): Promise<string> {
    const out = await aws(as, 'kms', 'encrypt', '--key-id', key.arn, '--plaintext', plaintextArg, ...extra);
    assert.equal(out.KeyId, key.arn);
    assert.equal(out.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    return blobArg(out.CiphertextBlob);
  }

  /** `aws kms decrypt`; asserts the plaintext and the key. */
  async function decrypt(as: Creds, key: Key, ciphertext: string, ...extra: string[]): Promise<void> {
    const out = await aws(as, 'kms', 'decrypt', '--ciphertext-blob', ciphertext, ...extra);
    assert.equal(out.KeyId, key.arn);
    assert.deepEqual(Buffer.from(out.Plaintext, 'base64'), plaintext);
  }

  // ---- shared principals of account A ---------------------------------------

  const viaS3 = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*', Condition: { StringEquals: { 'kms:ViaService': 's3.us-east-1.amazonaws.com' } } }],
  };

  before(async () => {
    work = tempDir('trent-authz-cli-');
    baseEnv = isolatedCliEnv(work, TEST_REGION);
    plaintextArg = file(plaintext, 'fileb');
    server = await startTestServer();

    // admin / user: no IAM policy, named in key policies. nobody: no permissions at all.
    // iamonly: IAM allows kms:*. iamdeny: IAM only denies kms:Decrypt.
    // svc: Decrypt only via S3. svcplain: the same policy without the condition.
    const made = await Promise.all([
      createUser('admin'),
      createUser('user'),
      createUser('nobody'),
      createUser('iamonly', allowAll),
      createUser('iamdeny', { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'kms:Decrypt', Resource: '*' }] }),
      createUser('svc', viaS3),
      createUser('svcplain', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: '*' }] }),
    ]);
    for (const u of made) users[u.arn.split('/').pop()!] = u;
  });

  after(async () => {
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('key administrators manage but cannot use a key; key users use but cannot manage it', async () => {
    const { admin, user } = users;
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'RootReadAndPolicy', Effect: 'Allow', Principal: { AWS: rootOf(A) }, Action: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:PutKeyPolicy'], Resource: '*' },
        {
          Sid: 'KeyAdministrators',
          Effect: 'Allow',
          Principal: { AWS: admin.arn },
          Action: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion'],
          Resource: '*',
        },
        { Sid: 'KeyUsers', Effect: 'Allow', Principal: { AWS: user.arn }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'], Resource: '*' },
      ],
    };
    // The root keeps PutKeyPolicy, so the lockout safety check passes without a bypass.
    const key = await createKey(policy, 'admins and users');

    const [adminDescribed, , , adminPolicy, , ciphertext] = await Promise.all([
      aws(admin.creds, 'kms', 'describe-key', '--key-id', key.arn),
      aws(admin.creds, 'kms', 'update-key-description', '--key-id', key.arn, '--description', 'renamed by the admin'),
      aws(admin.creds, 'kms', 'tag-resource', '--key-id', key.arn, '--tags', 'TagKey=owner,TagValue=admin'),
      aws(admin.creds, 'kms', 'get-key-policy', '--key-id', key.arn, '--policy-name', 'default'),
      denied('Encrypt', admin, key.arn, noResourceAllow('Encrypt'), 'kms', 'encrypt', '--key-id', key.arn, '--plaintext', plaintextArg),
      encrypt(user.creds, key),
      denied('UpdateKeyDescription', user, key.arn, noResourceAllow('UpdateKeyDescription'), 'kms', 'update-key-description', '--key-id', key.arn, '--description', 'renamed by the user'),
      // The root statement delegates PutKeyPolicy to IAM, and the user has no IAM policy. Authorization
      // comes before the lockout check: the policy would lock the user out, but the answer is AccessDenied.
      denied('PutKeyPolicy', user, key.arn, noIdentityAllow('PutKeyPolicy'), 'kms', 'put-key-policy', '--key-id', key.arn, '--policy', file(policy)),
    ]);
    assert.equal(adminDescribed.KeyMetadata.Arn, key.arn);
    assert.deepEqual(JSON.parse(adminPolicy.Policy), policy);

    const [, described, tags] = await Promise.all([
      decrypt(user.creds, key, ciphertext),
      aws(admin.creds, 'kms', 'describe-key', '--key-id', key.keyId),
      aws(admin.creds, 'kms', 'list-resource-tags', '--key-id', key.keyId),
    ]);
    // The admin's changes took effect; the user's did not.
    assert.equal(described.KeyMetadata.Description, 'renamed by the admin');
    assert.deepEqual(tags.Tags, [{ TagKey: 'owner', TagValue: 'admin' }]);
  });

  it('a role may Decrypt only with kms:EncryptionContext:App = vault-prod, assumed through aws sts assume-role', async () => {
    const key = await createKey();
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: users.iamonly.arn }, Action: 'sts:AssumeRole' }] };
    const rolePolicy = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:DescribeKey'], Resource: key.arn },
        { Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.arn, Condition: { StringEquals: { 'kms:EncryptionContext:App': 'vault-prod' } } },
      ],
    };
    const role = (await aws(root, 'iam', 'create-role', '--role-name', 'vault', '--assume-role-policy-document', file(trust))).Role;
    assert.equal(role.Arn, `arn:aws:iam::${A}:role/vault`);
    await aws(root, 'iam', 'put-role-policy', '--role-name', 'vault', '--policy-name', 'unseal', '--policy-document', file(rolePolicy));

    const assumed = await aws(users.iamonly.creds, 'sts', 'assume-role', '--role-arn', role.Arn, '--role-session-name', 'unseal');
    const session: User = {
      arn: assumed.AssumedRoleUser.Arn,
      creds: { AWS_ACCESS_KEY_ID: assumed.Credentials.AccessKeyId, AWS_SECRET_ACCESS_KEY: assumed.Credentials.SecretAccessKey, AWS_SESSION_TOKEN: assumed.Credentials.SessionToken },
    };
    assert.equal(session.arn, `arn:aws:sts::${A}:assumed-role/vault/unseal`);

    const [prod, dev, none] = await Promise.all([
      encrypt(session.creds, key, '--encryption-context', 'App=vault-prod'),
      encrypt(session.creds, key, '--encryption-context', 'App=vault-dev'),
      encrypt(session.creds, key),
    ]);
    await Promise.all([
      decrypt(session.creds, key, prod, '--encryption-context', 'App=vault-prod'),
      denied('Decrypt', session, key.arn, noIdentityAllow('Decrypt'), 'kms', 'decrypt', '--ciphertext-blob', dev, '--encryption-context', 'App=vault-dev'),
      denied('Decrypt', session, key.arn, noIdentityAllow('Decrypt'), 'kms', 'decrypt', '--ciphertext-blob', none),
    ]);
  });

  it('a kms:ViaService condition refuses a direct aws kms decrypt', async () => {
    const key = await createKey();
    const ciphertext = await encrypt(root, key);
    await Promise.all([
      denied('Decrypt', users.svc, key.arn, noIdentityAllow('Decrypt'), 'kms', 'decrypt', '--ciphertext-blob', ciphertext),
      // The same policy without the condition allows: the condition is what refuses.
      decrypt(users.svcplain.creds, key, ciphertext),
    ]);
  });

  it('cross-account use needs both the key policy and the other account’s IAM policy', async () => {
    const bRootIdentity = await createAccount(server, B);
    const bRoot: Creds = { AWS_ACCESS_KEY_ID: bRootIdentity.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: bRootIdentity.credentials.secretAccessKey };
    const sharedPolicy = {
      Version: '2012-10-17',
      Statement: [
        ...rootOnly().Statement,
        { Sid: 'AccountB', Effect: 'Allow', Principal: { AWS: rootOf(B) }, Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: '*' },
      ],
    };
    const [key, bee, bnone, caller] = await Promise.all([
      createKey(sharedPolicy, 'shared with account B'),
      createUser('bee', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'], Resource: `arn:aws:kms:*:${A}:key/*` }] }, bRoot, B),
      createUser('bnone', undefined, bRoot, B),
      aws(bRoot, 'sts', 'get-caller-identity'),
    ]);
    assert.equal(caller.Arn, rootOf(B));

    const [ciphertext] = await Promise.all([
      encrypt(bee.creds, key),
      denied('Encrypt', bnone, key.arn, noIdentityAllow('Encrypt'), 'kms', 'encrypt', '--key-id', key.arn, '--plaintext', plaintextArg),
    ]);
    await decrypt(bee.creds, key, ciphertext);

    // Back to a default-like policy that trusts only account A.
    await aws(root, 'kms', 'put-key-policy', '--key-id', key.keyId, '--policy', file(rootOnly()));
    await Promise.all([
      denied('Encrypt', bee, key.arn, noResourceAllow('Encrypt'), 'kms', 'encrypt', '--key-id', key.arn, '--plaintext', plaintextArg),
      denied('Decrypt', bee, key.arn, noResourceAllow('Decrypt'), 'kms', 'decrypt', '--ciphertext-blob', ciphertext),
      // Account A's own principals are unaffected.
      decrypt(root, key, ciphertext),
    ]);
  });

  it('an explicit deny beats an allow in the key policy, in an IAM policy and against a grant', async () => {
    const { iamonly, iamdeny } = users;
    // Key policy deny vs IAM allow: iamonly's IAM policy allows kms:*.
    const keyDeny = await createKey({
      Version: '2012-10-17',
      Statement: [...rootOnly().Statement, { Sid: 'NoDecrypt', Effect: 'Deny', Principal: { AWS: iamonly.arn }, Action: 'kms:Decrypt', Resource: '*' }],
    });
    // IAM deny vs key policy allow: the key policy names iamdeny; its IAM policy only denies Decrypt.
    const keyAllow = await createKey({
      Version: '2012-10-17',
      Statement: [...rootOnly().Statement, { Sid: 'KeyUser', Effect: 'Allow', Principal: { AWS: iamdeny.arn }, Action: ['kms:Encrypt', 'kms:Decrypt'], Resource: '*' }],
    });
    const [denyCiphertext, allowCiphertext, grantDeny, grantAllow] = await Promise.all([
      encrypt(root, keyDeny),
      encrypt(root, keyAllow),
      aws(root, 'kms', 'create-grant', '--key-id', keyDeny.arn, '--grantee-principal', iamonly.arn, '--operations', 'Decrypt'),
      aws(root, 'kms', 'create-grant', '--key-id', keyAllow.arn, '--grantee-principal', iamdeny.arn, '--operations', 'Decrypt'),
      // What is not denied is allowed: Encrypt through IAM, and through the key policy alone.
      encrypt(iamonly.creds, keyDeny),
      encrypt(iamdeny.creds, keyAllow),
    ]);
    assert.match(grantDeny.GrantId, /\S/);
    assert.match(grantAllow.GrantId, /\S/);
    await Promise.all([
      denied('Decrypt', iamonly, keyDeny.arn, resourceDeny, 'kms', 'decrypt', '--ciphertext-blob', denyCiphertext),
      denied('Decrypt', iamdeny, keyAllow.arn, identityDeny, 'kms', 'decrypt', '--ciphertext-blob', allowCiphertext),
      // A grant for Decrypt, even presented by its token, does not override either deny.
      denied('Decrypt', iamonly, keyDeny.arn, resourceDeny, 'kms', 'decrypt', '--ciphertext-blob', denyCiphertext, '--grant-tokens', grantDeny.GrantToken),
      denied('Decrypt', iamdeny, keyAllow.arn, identityDeny, 'kms', 'decrypt', '--ciphertext-blob', allowCiphertext, '--grant-tokens', grantAllow.GrantToken),
    ]);
  });

  it('removing the root delegation from a key policy makes IAM policies stop working for that key', async () => {
    const key = await createKey();
    const initially = await aws(users.iamonly.creds, 'kms', 'describe-key', '--key-id', key.arn);
    assert.equal(initially.KeyMetadata.Arn, key.arn);
    const withoutRoot = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: users.admin.arn }, Action: 'kms:*', Resource: '*' }] };
    assert.deepEqual(await aws(root, 'kms', 'put-key-policy', '--key-id', key.keyId, '--policy-name', 'default', '--policy', file(withoutRoot), '--bypass-policy-lockout-safety-check'), {});
    const [, , adminView] = await Promise.all([
      denied('DescribeKey', users.iamonly, key.arn, noResourceAllow('DescribeKey'), 'kms', 'describe-key', '--key-id', key.arn),
      denied('DescribeKey', { arn: rootOf(A), creds: root }, key.arn, noResourceAllow('DescribeKey'), 'kms', 'describe-key', '--key-id', key.arn),
      aws(users.admin.creds, 'kms', 'describe-key', '--key-id', key.arn),
    ]);
    assert.equal(adminView.KeyMetadata.Arn, key.arn);
  });

  it('a grant with an encryption-context constraint works at once with its token, then is retired; another is revoked', async () => {
    const { nobody } = users;
    const key = await createKey();
    const grant = await aws(root, 'kms', 'create-grant', '--key-id', key.arn, '--grantee-principal', nobody.arn,
      '--operations', 'Encrypt', 'Decrypt', 'RetireGrant', '--constraints', 'EncryptionContextSubset={purpose=backup}');
    assert.equal(typeof grant.GrantToken, 'string');
    const listed = await aws(root, 'kms', 'list-grants', '--key-id', key.keyId);
    assert.equal(listed.Grants.length, 1);
    assert.equal(listed.Grants[0].GrantId, grant.GrantId);
    assert.equal(listed.Grants[0].GranteePrincipal, nobody.arn);
    assert.deepEqual(listed.Grants[0].Constraints, { EncryptionContextSubset: { purpose: 'backup' } });
    assert.deepEqual([...listed.Grants[0].Operations].sort(), ['Decrypt', 'Encrypt', 'RetireGrant']);

    const token = ['--grant-tokens', grant.GrantToken];
    const [ciphertext] = await Promise.all([
      encrypt(nobody.creds, key, '--encryption-context', 'purpose=backup,day=mon', ...token),
      // Outside the constraint, or outside the grant's operations, nobody has no permission.
      denied('Encrypt', nobody, key.arn, noIdentityAllow('Encrypt'), 'kms', 'encrypt', '--key-id', key.arn, '--plaintext', plaintextArg, ...token),
      denied('Encrypt', nobody, key.arn, noIdentityAllow('Encrypt'), 'kms', 'encrypt', '--key-id', key.arn, '--plaintext', plaintextArg, '--encryption-context', 'purpose=other', ...token),
      denied('DescribeKey', nobody, key.arn, noIdentityAllow('DescribeKey'), 'kms', 'describe-key', '--key-id', key.arn, ...token),
    ]);
    await decrypt(nobody.creds, key, ciphertext, '--encryption-context', 'day=mon,purpose=backup', ...token);

    assert.deepEqual(await aws(nobody.creds, 'kms', 'retire-grant', '--grant-token', grant.GrantToken), {});
    await Promise.all([
      denied('Encrypt', nobody, key.arn, noIdentityAllow('Encrypt'), 'kms', 'encrypt', '--key-id', key.arn, '--plaintext', plaintextArg, '--encryption-context', 'purpose=backup'),
      denied('Decrypt', nobody, key.arn, noIdentityAllow('Decrypt'), 'kms', 'decrypt', '--ciphertext-blob', ciphertext, '--encryption-context', 'day=mon,purpose=backup'),
    ]);

    const second = await aws(root, 'kms', 'create-grant', '--key-id', key.arn, '--grantee-principal', nobody.arn, '--operations', 'DescribeKey');
    const described = await aws(nobody.creds, 'kms', 'describe-key', '--key-id', key.arn, '--grant-tokens', second.GrantToken);
    assert.equal(described.KeyMetadata.Arn, key.arn);
    assert.deepEqual(await aws(root, 'kms', 'revoke-grant', '--key-id', key.keyId, '--grant-id', second.GrantId), {});
    const [, afterAll] = await Promise.all([
      denied('DescribeKey', nobody, key.arn, noIdentityAllow('DescribeKey'), 'kms', 'describe-key', '--key-id', key.arn),
      aws(root, 'kms', 'list-grants', '--key-id', key.keyId),
    ]);
    assert.deepEqual(afterAll.Grants, []);
  });

  it('the lockout safety check refuses a policy that locks the root out, unless bypassed', async () => {
    const key = await createKey();
    const lockout = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: users.user.arn }, Action: 'kms:Encrypt', Resource: '*' }] };
    const [putMessage, createMessage] = await Promise.all([
      awsFails('MalformedPolicyDocumentException', 'PutKeyPolicy', root, 'kms', 'put-key-policy', '--key-id', key.keyId, '--policy', file(lockout)),
      awsFails('MalformedPolicyDocumentException', 'CreateKey', root, 'kms', 'create-key', '--policy', file(lockout)),
    ]);
    assert.equal(putMessage, 'The new key policy will not allow you to update the key policy in the future.');
    assert.equal(createMessage, 'The new key policy will not allow you to update the key policy in the future.');
    // Refused means unchanged: the root still reads the default policy.
    const unchanged = await aws(root, 'kms', 'get-key-policy', '--key-id', key.keyId, '--policy-name', 'default');
    assert.deepEqual(JSON.parse(unchanged.Policy).Statement[0].Principal, { AWS: rootOf(A) });

    assert.deepEqual(await aws(root, 'kms', 'put-key-policy', '--key-id', key.keyId, '--policy', file(lockout), '--bypass-policy-lockout-safety-check'), {});
    await Promise.all([
      denied('GetKeyPolicy', { arn: rootOf(A), creds: root }, key.arn, noResourceAllow('GetKeyPolicy'), 'kms', 'get-key-policy', '--key-id', key.keyId, '--policy-name', 'default'),
      // The new policy is in force: the user it names may encrypt.
      encrypt(users.user.creds, key),
    ]);
  });
});
