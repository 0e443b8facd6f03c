/**
 * An IAM and STS workflow through the real AWS CLI (v1) with --endpoint-url:
 * create a user with a key and a policy, a role trusting it, assume the role,
 * use the session for KMS, inspect and clean up. The CLI runs asynchronously
 * (execFile): the server shares this process's event loop.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, tempDir, TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_REGION, TEST_SECRET, type TestServer } from '../helpers/trent.js';
import { isolatedCliEnv, runAws, type CliResult } from '../helpers/aws-cli.js';




describe('IAM and STS through the AWS CLI', () => {
  let server: TestServer;
  let work: string;
  let baseEnv: NodeJS.ProcessEnv;
  const rootCreds = { AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET };
  let aliceCreds: NodeJS.ProcessEnv = {};
  let sessionCreds: NodeJS.ProcessEnv = {};
  let roleArn = '';

  async function aws(creds: NodeJS.ProcessEnv, ...args: string[]): Promise<any> {
    const r = await awsRaw(creds, ...args);
    assert.equal(r.code, 0, `aws ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}`);
    return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout);
  }
  function awsRaw(creds: NodeJS.ProcessEnv, ...args: string[]): Promise<CliResult> {
    return runAws([...args, '--endpoint-url', server.url, '--output', 'json'], { ...baseEnv, ...creds });
  }
  async function awsFails(code: string, creds: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
    const r = await awsRaw(creds, ...args);
    assert.notEqual(r.code, 0, `aws ${args.join(' ')} should have failed with ${code}: ${r.stdout}`);
    assert.match(r.stderr, new RegExp(`An error occurred \\(${code}\\) when calling the \\w+ operation`), `stderr: ${r.stderr}`);
    return r.stderr;
  }
  function file(name: string, content: object): string {
    const path = join(work, name);
    writeFileSync(path, JSON.stringify(content));
    return `file://${path}`;
  }

  before(async () => {
    work = tempDir('trent-iamcli-');
    baseEnv = isolatedCliEnv(work, TEST_REGION);
    server = await startTestServer();
  });

  after(async () => {
    await server?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('aws sts get-caller-identity as the root', async () => {
    const out = await aws(rootCreds, 'sts', 'get-caller-identity');
    assert.deepEqual(out, { UserId: TEST_ACCOUNT, Account: TEST_ACCOUNT, Arn: `arn:aws:iam::${TEST_ACCOUNT}:root` });
  });

  it('aws iam create-user, create-access-key, put-user-policy, get-user-policy (decoded by the CLI)', async () => {
    const user = (await aws(rootCreds, 'iam', 'create-user', '--user-name', 'alice', '--path', '/cli/')).User;
    assert.equal(user.Arn, `arn:aws:iam::${TEST_ACCOUNT}:user/cli/alice`);
    const key = (await aws(rootCreds, 'iam', 'create-access-key', '--user-name', 'alice')).AccessKey;
    assert.match(key.AccessKeyId, /^AKIA/);
    aliceCreds = { AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey };
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: user.Arn }] };
    await aws(rootCreds, 'iam', 'put-user-policy', '--user-name', 'alice', '--policy-name', 'self', '--policy-document', file('self.json', policy));
    const got = await aws(rootCreds, 'iam', 'get-user-policy', '--user-name', 'alice', '--policy-name', 'self');
    assert.deepEqual(got.PolicyDocument, policy);
    const me = (await aws(aliceCreds, 'iam', 'get-user')).User;
    assert.equal(me.UserName, 'alice');
    assert.deepEqual((await aws(aliceCreds, 'sts', 'get-caller-identity')).Arn, user.Arn);
  });

  it('an IAM call the user is not allowed is AccessDenied, and an unknown user is NoSuchEntity', async () => {
    const stderr = await awsFails('AccessDenied', aliceCreds, 'iam', 'list-users');
    assert.match(stderr, /is not authorized to perform: iam:ListUsers/);
    await awsFails('NoSuchEntity', rootCreds, 'iam', 'get-user', '--user-name', 'nobody');
  });

  it('aws iam create-role, create-policy, attach-role-policy, list-attached-role-policies', async () => {
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:user/cli/alice` }, Action: 'sts:AssumeRole' }] };
    const role = (await aws(rootCreds, 'iam', 'create-role', '--role-name', 'kms-user', '--assume-role-policy-document', file('trust.json', trust))).Role;
    roleArn = role.Arn;
    assert.deepEqual(role.AssumeRolePolicyDocument, trust);
    const policy = (await aws(rootCreds, 'iam', 'create-policy', '--policy-name', 'kms-all', '--policy-document', file('kms.json', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }))).Policy;
    assert.equal(policy.DefaultVersionId, 'v1');
    await aws(rootCreds, 'iam', 'attach-role-policy', '--role-name', 'kms-user', '--policy-arn', policy.Arn);
    const attached = await aws(rootCreds, 'iam', 'list-attached-role-policies', '--role-name', 'kms-user');
    assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: 'kms-all', PolicyArn: policy.Arn }]);
    const listed = await aws(rootCreds, 'iam', 'list-policies', '--scope', 'Local');
    assert.deepEqual(listed.Policies.map((p: { PolicyName: string }) => p.PolicyName), ['kms-all']);
  });

  it('aws sts assume-role as the user, then KMS with the session credentials', async () => {
    const out = await aws(aliceCreds, 'sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'cli-session', '--duration-seconds', '900');
    assert.equal(out.AssumedRoleUser.Arn, `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/kms-user/cli-session`);
    const c = out.Credentials;
    sessionCreds = { AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken };
    const who = await aws(sessionCreds, 'sts', 'get-caller-identity');
    assert.equal(who.Arn, `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/kms-user/cli-session`);
    const key = (await aws(sessionCreds, 'kms', 'create-key', '--description', 'made by a role session')).KeyMetadata;
    assert.equal(key.AWSAccountId, TEST_ACCOUNT);
    await awsFails('UnrecognizedClientException', { ...sessionCreds, AWS_SESSION_TOKEN: 'not-the-token' }, 'kms', 'list-keys');
  });

  it('assume-role without permission is AccessDenied', async () => {
    await awsFails('AccessDenied', rootCreds, 'sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', 'root-try');
  });

  it('deactivating the user key stops it; cleaning up in order works', async () => {
    const keyId = aliceCreds.AWS_ACCESS_KEY_ID!;
    await aws(rootCreds, 'iam', 'update-access-key', '--user-name', 'alice', '--access-key-id', keyId, '--status', 'Inactive');
    await awsFails('InvalidClientTokenId', aliceCreds, 'sts', 'get-caller-identity');
    await awsFails('DeleteConflict', rootCreds, 'iam', 'delete-user', '--user-name', 'alice');
    await aws(rootCreds, 'iam', 'delete-access-key', '--user-name', 'alice', '--access-key-id', keyId);
    await aws(rootCreds, 'iam', 'delete-user-policy', '--user-name', 'alice', '--policy-name', 'self');
    await aws(rootCreds, 'iam', 'delete-user', '--user-name', 'alice');
    const users = await aws(rootCreds, 'iam', 'list-users');
    assert.deepEqual(users.Users, []);
  });
});
