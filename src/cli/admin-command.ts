/**
 * `trent admin`: administration by opening the store directly.
 *
 *   trent admin create-account --data-dir DIR [--account-id 123456789012]
 *   trent admin list-accounts --data-dir DIR
 *   trent admin replication-public-key --data-dir DIR
 *
 * SQLite (WAL) lets this run while a server uses the same data directory; the
 * server sees new accounts and keys on their first request.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAccount } from '../adapters/identity/accounts.js';
import { loadLocalRootKey, ROOT_KEY_FILE } from '../adapters/rootkey/local-root-key.js';
import { checkRootKey } from '../adapters/rootkey/root-key-check.js';
import { openSqliteStores } from '../adapters/store/sqlite/open-sqlite.js';
import { STORE_FILE } from '../startup/stores.js';
import { DEFAULT_DATA_DIR } from './server-command.js';
import { loadReplicationIdentity } from '../adapters/replication/replication-identity.js';

const USAGE = `usage: trent admin <command> [options]

commands:
  create-account --data-dir DIR [--account-id ID]   create an account and its root access key (printed once)
  list-accounts --data-dir DIR                      list the accounts in the store
  replication-public-key --data-dir DIR             print this deployment's multi-Region replication public key
                                                    (X25519, base64), for peers' --replication-peer

--data-dir defaults to ${DEFAULT_DATA_DIR} (or TRENT_DATA_DIR). The server may be running.`;

export async function adminCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string', default: process.env.TRENT_DATA_DIR ?? DEFAULT_DATA_DIR },
      'account-id': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help || sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
    console.log(USAGE);
    if (sub === undefined) process.exitCode = 2;
    return;
  }
  const dataDir = values['data-dir'] as string;
  if (sub === 'create-account') return withStores(dataDir, true, (s) => createAccountCommand(s, values['account-id'] as string | undefined));
  if (sub === 'list-accounts') {
    if (values['account-id'] !== undefined) throw new Error('list-accounts takes no --account-id');
    return withStores(dataDir, false, listAccountsCommand);
  }
  if (sub === 'replication-public-key') {
    return withStores(dataDir, true, async (s) => {
      const identity = await loadReplicationIdentity(s.stores.settings, loadLocalRootKey(dataDir, process.env, { mayCreate: false }));
      console.log(identity.publicKeyDer.toString('base64'));
      console.error(`fingerprint (SHA-256): ${identity.fingerprint}`);
    });
  }
  throw new Error(`unknown admin command ${sub}\n${USAGE}`);
}

interface AdminStores {
  stores: ReturnType<typeof openSqliteStores>;
  dataDir: string;
}

async function withStores(dataDir: string, needRootKey: boolean, run: (s: AdminStores) => Promise<void>): Promise<void> {
  const path = join(dataDir, STORE_FILE);
  if (!existsSync(path)) throw new Error(`no Trent store at ${path}: check --data-dir, or start the server once to create it`);
  if (needRootKey && !process.env.TRENT_ROOT_KEY && !existsSync(join(dataDir, ROOT_KEY_FILE))) {
    throw new Error(`no root key: ${join(dataDir, ROOT_KEY_FILE)} does not exist and TRENT_ROOT_KEY is not set`);
  }
  const stores = openSqliteStores(path);
  try {
    await run({ stores, dataDir });
  } finally {
    await stores.close();
  }
}

async function createAccountCommand({ stores, dataDir }: AdminStores, accountId: string | undefined): Promise<void> {
  const rootKey = loadLocalRootKey(dataDir, process.env);
  // Secrets wrapped under another root key would be unusable: prove it is the store's first.
  await checkRootKey(stores.settings, stores.identity, rootKey);
  const created = await createAccount(stores.identity, rootKey, Date.now(), accountId);
  console.log(`Created account ${created.accountId} with root access key ${created.accessKeyId}.`);
  console.log(`Secret access key (shown once): ${created.secretAccessKey}`);
}

async function listAccountsCommand({ stores }: AdminStores): Promise<void> {
  const accounts = await stores.identity.listAccounts();
  console.log('ACCOUNT       CREATED               ROOT KEYS');
  for (const a of accounts) {
    const keys = await stores.identity.listAccessKeys(a.accountId, { type: 'Root' });
    const active = keys.filter((k) => k.status === 'Active').map((k) => k.accessKeyId);
    console.log(`${a.accountId}  ${new Date(a.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z')}  ${active.join(',') || '-'}`);
  }
}
