/**
 * Creating an account with its root access key (the admin command). The
 * secret is returned once and stored only wrapped under the root key.
 */
import { accountRootArn } from '../../domain/key-ids.js';
import type { IdentityStore } from '../../ports/identity-store.js';
import type { RootKeyProvider } from '../../ports/root-key.js';
import { generateAccessKeyId, generateAccountId, generateSecretAccessKey, storeAccessKey } from './credentials.js';

export interface NewAccount {
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export class AccountExistsError extends Error {
  constructor(accountId: string) {
    super(`account ${accountId} already exists`);
  }
}

export async function createAccount(store: IdentityStore, rootKey: RootKeyProvider, now: number, accountId?: string): Promise<NewAccount> {
  if (accountId !== undefined && !/^\d{12}$/.test(accountId)) throw new Error('the account id must be 12 digits');
  let id = accountId ?? generateAccountId();
  while (!(await store.ensureAccount(id, now))) {
    if (accountId !== undefined) throw new AccountExistsError(accountId);
    id = generateAccountId();
  }
  const accessKeyId = generateAccessKeyId();
  const secretAccessKey = generateSecretAccessKey();
  await storeAccessKey(
    store,
    rootKey,
    { accessKeyId, accountId: id, principalArn: accountRootArn(id), principalType: 'Root', status: 'Active', createdAt: now },
    secretAccessKey,
  );
  return { accountId: id, accessKeyId, secretAccessKey };
}
