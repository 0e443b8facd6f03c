/** Opens the embedded store: one SQLite file (WAL, synchronous=FULL) shared by every component. */
import { openSqlite } from './sqlite-driver.js';
import { SqliteKeyStore } from './sqlite-key-store.js';
import { SqliteIdentityStore } from './sqlite-identity-store.js';
import { SqliteSettings, inProcessLock } from './sqlite-settings.js';
import { SqliteChangeLog } from './sqlite-change-log.js';
import type { Stores } from '../../../ports/stores.js';

export function openSqliteStores(path: string): Stores {
  const db = openSqlite(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
  try {
    const keys = new SqliteKeyStore(db);
    const identity = new SqliteIdentityStore(db);
    return {
      keys,
      identity,
      settings: new SqliteSettings(db),
      exclusively: inProcessLock(),
      // After the two above: its triggers watch their tables.
      changes: new SqliteChangeLog(db),
      description: `sqlite ${path} (${db.driver})`,
      close: async () => db.close(),
    };
  } catch (e) {
    db.close();
    throw e;
  }
}
