/** The store contract on SQLite, with every SQLite binding available to this Node version. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { openSqliteStores } from '../../src/adapters/store/sqlite/open-sqlite.js';
import { storeContract } from '../helpers/store-contract.js';
import { tempDir } from '../helpers/trent.js';

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
  storeContract(
    `SQLite via ${driver}`,
    async () => {
      dir = tempDir();
      const previous = process.env.TRENT_SQLITE_DRIVER;
      process.env.TRENT_SQLITE_DRIVER = driver;
      try {
        return openSqliteStores(join(dir, 'trent.db'));
      } finally {
        if (previous === undefined) delete process.env.TRENT_SQLITE_DRIVER;
        else process.env.TRENT_SQLITE_DRIVER = previous;
      }
    },
    async () => rmSync(dir, { recursive: true, force: true }),
  );
}
