/** The store contracts (keys, identities) on SQLite, with every SQLite binding available to this Node version; schema upgrades. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { openSqliteStores } from '../../src/adapters/store/sqlite/open-sqlite.js';
import { CachedKeyStore } from '../../src/adapters/store/cached-key-store.js';
import { storeContract } from '../helpers/store-contract.js';
import { identityStoreContract } from '../helpers/identity-store-contract.js';
import { changeLogContract } from '../helpers/change-log-contract.js';
import { tempDir } from '../helpers/trent.js';
import { openSqlite } from '../../src/adapters/store/sqlite/sqlite-driver.js';
import { migrate } from '../../src/adapters/store/sqlite/migrate.js';
import { IDENTITY_MIGRATIONS } from '../../src/adapters/store/sqlite/identity-migrations.js';

const require = createRequire(import.meta.url);

function available(driver: string): boolean {
  try {
    if (driver === 'node:sqlite') require('node:sqlite');
    else new (require('better-sqlite3'))(':memory:').close();
    return true;
  } catch {
    return false;
  }
}

const drivers = ['better-sqlite3', 'node:sqlite'].filter(available);
if (drivers.length === 0) throw new Error('no SQLite binding loads on this Node version');
for (const driver of drivers) {
  let dir = '';
  const open = async () => {
    dir = tempDir();
    const previous = process.env.TRENT_SQLITE_DRIVER;
    process.env.TRENT_SQLITE_DRIVER = driver;
    try {
      return openSqliteStores(join(dir, 'trent.db'));
    } finally {
      if (previous === undefined) delete process.env.TRENT_SQLITE_DRIVER;
      else process.env.TRENT_SQLITE_DRIVER = previous;
    }
  };
  const cleanup = async () => rmSync(dir, { recursive: true, force: true });
  storeContract(`SQLite via ${driver}`, open, cleanup);
  // The per-process key-record cache keeps the contract (writes go through it, as in the server).
  storeContract(
    `SQLite via ${driver}, behind the key-record cache`,
    async () => {
      const stores = await open();
      return { ...stores, keys: new CachedKeyStore(stores.keys, () => true) };
    },
    cleanup,
  );
  identityStoreContract(`SQLite via ${driver}`, open, cleanup);
  changeLogContract(`SQLite via ${driver}`, open, cleanup);
}

describe('identity schema migration', () => {
  it('a store at identity schema version 1 (accounts and root keys only) is upgraded, keeping its keys', async () => {
    const dir = tempDir();
    try {
      const path = join(dir, 'trent.db');
      const db = openSqlite(path);
      migrate(db, 'identity', IDENTITY_MIGRATIONS.slice(0, 1));
      db.prepare('INSERT INTO accounts (account_id, created_at) VALUES (?, ?)').run('111122223333', 1);
      db.prepare(
        'INSERT INTO access_keys (access_key_id, account_id, principal_arn, principal_type, wrapped_secret, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ).run('AKIAOLDROOTKEY000001', '111122223333', 'arn:aws:iam::111122223333:root', 'Root', Buffer.from([1, 2]), 'Active', 7);
      db.close();
      const stores = openSqliteStores(path);
      try {
        const key = await stores.identity.getAccessKey('AKIAOLDROOTKEY000001');
        assert.deepEqual(key, {
          accessKeyId: 'AKIAOLDROOTKEY000001',
          accountId: '111122223333',
          principalArn: 'arn:aws:iam::111122223333:root',
          principalType: 'Root',
          wrappedSecret: Buffer.from([1, 2]),
          status: 'Active',
          createdAt: 7,
        });
        assert.deepEqual((await stores.identity.listAccessKeys('111122223333', { type: 'Root' })).map((k) => k.accessKeyId), ['AKIAOLDROOTKEY000001']);
        const user = { accountId: '111122223333', userName: 'u', userId: 'AIDAXXXXXXXXXXXXXXXXX', path: '/', arn: 'arn:aws:iam::111122223333:user/u', createdAt: 1, tags: [] };
        assert.equal(await stores.identity.createUser(user), true);
      } finally {
        await stores.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
