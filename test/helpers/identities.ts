/** Creating IAM users, roles, sessions and further accounts on a test server, through IAM and STS as a client would. */
import { IAMClient, CreateUserCommand, CreateAccessKeyCommand, PutUserPolicyCommand, CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { STSClient, AssumeRoleCommand } from '@aws-sdk/client-sts';
import { KMSClient } from '@aws-sdk/client-kms';
import { accountRootArn } from '../../src/domain/key-ids.js';
import { storeAccessKey } from '../../src/adapters/identity/credentials.js';
import { TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET, type TestServer } from './trent.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface Identity {
  arn: string;
  credentials: Credentials;
  kms(region?: string): KMSClient;
}

const ROOT: Credentials = { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET };

export function iam(server: TestServer, credentials: Credentials = ROOT): IAMClient {
  return new IAMClient({ endpoint: server.url, region: 'us-east-1', credentials, maxAttempts: 1 });
}

export function sts(server: TestServer, credentials: Credentials = ROOT): STSClient {
  return new STSClient({ endpoint: server.url, region: TEST_REGION, credentials, maxAttempts: 1 });
}

function identity(server: TestServer, arn: string, credentials: Credentials): Identity {
  return {
    arn,
    credentials,
    kms: (region = TEST_REGION) => new KMSClient({ endpoint: server.url, region, credentials, maxAttempts: 1 }),
  };
}

export async function createUser(server: TestServer, name: string, policy?: object, root: Credentials = ROOT): Promise<Identity> {
  const client = iam(server, root);
  const user = (await client.send(new CreateUserCommand({ UserName: name }))).User!;
  if (policy) await client.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify(policy) }));
  const key = (await client.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  client.destroy();
  return identity(server, user.Arn!, { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! });
}

export async function createRole(server: TestServer, name: string, trust: object, policy?: object): Promise<string> {
  const client = iam(server);
  const role = (await client.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trust) }))).Role!;
  if (policy) await client.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'inline', PolicyDocument: JSON.stringify(policy) }));
  client.destroy();
  return role.Arn!;
}

export async function assumeRole(server: TestServer, as: Credentials, roleArn: string, sessionName: string): Promise<Identity> {
  const client = sts(server, as);
  const out = await client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }));
  client.destroy();
  const c = out.Credentials!;
  return identity(server, out.AssumedRoleUser!.Arn!, { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! });
}

/** A further account with its root access key, as `trent admin create-account` makes one. */
export async function createAccount(server: TestServer, accountId: string): Promise<Identity> {
  const deps = server.trent.deps;
  const accessKeyId = `AKIATEST${accountId}`;
  const secretAccessKey = `secret-of-${accountId}-0123456789`;
  await deps.identity.ensureAccount(accountId, deps.clock.now());
  await storeAccessKey(deps.identity, deps.rootKey, {
    accessKeyId,
    accountId,
    principalArn: accountRootArn(accountId),
    principalType: 'Root',
    status: 'Active',
    createdAt: deps.clock.now(),
  }, secretAccessKey);
  return identity(server, accountRootArn(accountId), { accessKeyId, secretAccessKey });
}

export function rootIdentity(server: TestServer, accountId: string): Identity {
  return identity(server, accountRootArn(accountId), ROOT);
}
