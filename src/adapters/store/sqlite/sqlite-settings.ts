/** SettingsStore on SQLite: one row per name in trent_settings (component 'settings'). */
import type { SettingsStore } from '../../../ports/stores.js';
import { migrate } from './migrate.js';
import type { SqlDatabase } from './sqlite-driver.js';

export const SETTINGS_MIGRATIONS: readonly string[] = [`CREATE TABLE trent_settings (name TEXT PRIMARY KEY, value BLOB NOT NULL)`];

export class SqliteSettings implements SettingsStore {
  constructor(private readonly db: SqlDatabase) {
    migrate(db, 'settings', SETTINGS_MIGRATIONS);
  }

  async get(name: string): Promise<Buffer | undefined> {
    const row = this.db.prepare('SELECT value FROM trent_settings WHERE name = ?').get(name);
    return row ? Buffer.from(row.value as Uint8Array) : undefined;
  }

  async putIfAbsent(name: string, value: Buffer): Promise<Buffer> {
    return this.db.transaction(() => {
      this.db.prepare('INSERT INTO trent_settings (name, value) VALUES (?, ?) ON CONFLICT(name) DO NOTHING').run(name, value);
      return Buffer.from(this.db.prepare('SELECT value FROM trent_settings WHERE name = ?').get(name)!.value as Uint8Array);
    });
  }
}

/**
 * The start-up lock of an embedded store: one process owns a data directory,
 * so turns are taken within the process.
 */
export function inProcessLock(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
}
