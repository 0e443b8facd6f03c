/** Opens the embedded store: one SQLite file (WAL, synchronous=FULL) shared by every component. */
import { openSqlite } from './sqlite-driver.js';
import { SqliteKeyStore } from './sqlite-key-store.js';
import { SqliteIdentityStore } from './sqlite-identity-store.js';
import { SqliteSettings, inProcessLock } from './sqlite-settings.js';
import type { Stores } from '../../../ports/stores.js';

export function openSqliteStores(path: string): Stores {
  const db = openSqlite(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
  try {
    return {
      keys: new SqliteKeyStore(db),
      identity: new SqliteIdentityStore(db),
      settings: new SqliteSettings(db),
      exclusively: inProcessLock(),
      description: `sqlite ${path} (${db.driver})`,
      close: async () => db.close(),
    };
  } catch (e) {
    db.close();
    throw e;
  }
}
