/**
 * SettingsStore on PostgreSQL (component 'settings'), and the start-up lock
 * nodes sharing a database take turns on: a session-level advisory lock on a
 * connection held for the duration, so a node that dies releases it with
 * its connection.
 */
import type { SettingsStore } from '../../../ports/stores.js';
import { holdConnection, statement, type PgDatabase } from './pg-database.js';

export const PG_SETTINGS_MIGRATIONS: readonly string[] = [`CREATE TABLE trent_settings (name TEXT COLLATE "C" PRIMARY KEY, value BYTEA NOT NULL)`];

/** Key of the advisory lock held while a node bootstraps ('trentst'), distinct from the migration lock. */
export const STARTUP_LOCK_KEY = '8391720689591919465';

const GET = statement('settings_get', 'SELECT value FROM trent_settings WHERE name = $1');
const PUT = statement('settings_put', 'INSERT INTO trent_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING');

export class PgSettings implements SettingsStore {
  constructor(private readonly db: PgDatabase) {}

  async get(name: string): Promise<Buffer | undefined> {
    const { rows } = await this.db.run(GET, [name]);
    return rows.length ? (rows[0].value as Buffer) : undefined;
  }

  async putIfAbsent(name: string, value: Buffer): Promise<Buffer> {
    await this.db.run(PUT, [name, value]);
    return (await this.get(name))!;
  }
}

/** Runs `fn` holding the start-up lock (waiting for another node's turn, without a statement timeout). */
export async function withStartupLock<T>(db: PgDatabase, fn: () => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  const release = holdConnection(client);
  try {
    await client.query('SET statement_timeout = 0');
    await client.query(`SELECT pg_advisory_lock(${STARTUP_LOCK_KEY})`);
  } catch (e) {
    release(true);
    throw e;
  }
  try {
    return await fn();
  } finally {
    try {
      await client.query(`SELECT pg_advisory_unlock(${STARTUP_LOCK_KEY})`);
      await client.query('RESET statement_timeout');
      release();
    } catch {
      release(true); // closing the connection releases the lock
    }
  }
}
