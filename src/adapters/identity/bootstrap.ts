/**
 * First start on an empty store: creates the first account and its root
 * access key, from TRENT_ACCOUNT_ID / TRENT_ROOT_ACCESS_KEY_ID /
 * TRENT_ROOT_SECRET_ACCESS_KEY when set, generated otherwise. Generated
 * credentials are written once to a 0600 file in the data directory.
 * When the environment names root credentials on a later start, they are
 * (re)installed, so the environment stays authoritative.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { accountRootArn } from '../../domain/key-ids.js';
import type { IdentityStore } from '../../ports/identity-store.js';
import type { RootKeyProvider } from '../../ports/root-key.js';
import { generateAccessKeyId, generateAccountId, generateSecretAccessKey, storeAccessKey } from './credentials.js';

export const CREDENTIALS_FILE = 'root-credentials';

export interface BootstrapResult {
  /** Set when this start created the first account. */
  created?: { accountId: string; accessKeyId: string; secretAccessKey: string; source: 'environment' | 'generated'; file?: string };
}

export async function bootstrapIdentity(
  store: IdentityStore,
  rootKey: RootKeyProvider,
  env: NodeJS.ProcessEnv,
  dataDir: string | undefined,
  now: number,
): Promise<BootstrapResult> {
  const envAccount = env.TRENT_ACCOUNT_ID;
  const envKeyId = env.TRENT_ROOT_ACCESS_KEY_ID;
  const envSecret = env.TRENT_ROOT_SECRET_ACCESS_KEY;
  if (envAccount !== undefined && !/^\d{12}$/.test(envAccount)) throw new Error('TRENT_ACCOUNT_ID must be 12 digits');
  if ((envKeyId === undefined) !== (envSecret === undefined)) {
    throw new Error('set both TRENT_ROOT_ACCESS_KEY_ID and TRENT_ROOT_SECRET_ACCESS_KEY, or neither');
  }
  if (envKeyId !== undefined && !/^[A-Z0-9]{16,128}$/.test(envKeyId)) {
    throw new Error('TRENT_ROOT_ACCESS_KEY_ID must be 16-128 upper-case letters and digits');
  }
  if (envSecret !== undefined && envSecret.length < 16) throw new Error('TRENT_ROOT_SECRET_ACCESS_KEY must be at least 16 characters');

  const empty = (await store.countAccounts()) === 0;
  if (!empty && envKeyId === undefined) return {};

  if (!empty && envKeyId !== undefined && envSecret !== undefined) {
    const existing = await store.getAccessKey(envKeyId);
    const accountId = existing?.accountId ?? envAccount;
    if (!accountId) throw new Error('TRENT_ACCOUNT_ID is required to install new root credentials into an existing store');
    await store.ensureAccount(accountId, now);
    await storeAccessKey(store, rootKey, rootKeyFields(accountId, envKeyId, now), envSecret);
    return {};
  }

  const accountId = envAccount ?? generateAccountId();
  const accessKeyId = envKeyId ?? generateAccessKeyId();
  const secretAccessKey = envSecret ?? generateSecretAccessKey();
  await store.ensureAccount(accountId, now);
  await storeAccessKey(store, rootKey, rootKeyFields(accountId, accessKeyId, now), secretAccessKey);
  if (envKeyId !== undefined) return { created: { accountId, accessKeyId, secretAccessKey, source: 'environment' } };
  const file = dataDir ? writeCredentialsFile(dataDir, accountId, accessKeyId, secretAccessKey) : undefined;
  return { created: { accountId, accessKeyId, secretAccessKey, source: 'generated', file } };
}

function rootKeyFields(accountId: string, accessKeyId: string, now: number) {
  return {
    accessKeyId,
    accountId,
    principalArn: accountRootArn(accountId),
    principalType: 'Root' as const,
    status: 'Active' as const,
    createdAt: now,
  };
}

/** An AWS shared-credentials file: usable as AWS_SHARED_CREDENTIALS_FILE with profile "trent". */
function writeCredentialsFile(dataDir: string, accountId: string, accessKeyId: string, secret: string): string {
  const path = join(dataDir, CREDENTIALS_FILE);
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(
      fd,
      `# Root credentials of account ${accountId}, created at first start.\n[trent]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secret}\n`,
    );
  } finally {
    closeSync(fd);
  }
  return path;
}
