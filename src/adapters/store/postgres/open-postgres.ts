/**
 * Opens the PostgreSQL stores: one bounded connection pool shared by every
 * component, the schema migrated (safely when several nodes start at once),
 * and durability checked: a change is acknowledged only after COMMIT returns,
 * which is durable only while synchronous_commit is not `off`.
 */
import type { Stores } from '../../../ports/stores.js';
import { PgDatabase, type PgPoolOptions } from './pg-database.js';
import { PgKeyStore } from './pg-key-store.js';
import { PgIdentityStore } from './pg-identity-store.js';
import { migratePostgres } from './pg-migrate.js';
import { PgSettings, withStartupLock } from './pg-settings.js';
import { describePostgresUrl } from './pg-url.js';

export type PostgresStoreOptions = PgPoolOptions;

export async function openPostgresStores(url: string, options: PostgresStoreOptions = {}): Promise<Stores> {
  const where = describePostgresUrl(url);
  const db = new PgDatabase(url, options);
  try {
    await migratePostgres(db.pool);
    await requireDurableCommits(db);
  } catch (e) {
    await db.close().catch(() => {});
    throw openError(where, e);
  }
  return {
    keys: new PgKeyStore(db),
    identity: new PgIdentityStore(db),
    settings: new PgSettings(db),
    exclusively: (fn) => withStartupLock(db, fn),
    description: `${where} (pg, pool of ${options.maxConnections ?? 10})`,
    close: () => db.close(),
  };
}

async function requireDurableCommits(db: PgDatabase): Promise<void> {
  const { rows } = await db.pool.query('SELECT current_setting($1) AS value', ['synchronous_commit']);
  if (rows[0].value === 'off') {
    throw new Error(
      'synchronous_commit is off for this connection, so an acknowledged change could be lost in a crash; ' +
        "set it to on for Trent's role (ALTER ROLE ... SET synchronous_commit = on) or in the URL (?options=-c%20synchronous_commit%3Don)",
    );
  }
}

/** The cause, prefixed with where (never the password); errors that already say what to do keep their message. */
function openError(where: string, e: unknown): Error {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string })?.code;
  const detail = !message ? (code ?? 'unknown error') : code && !message.includes(code) ? `${message} (${code})` : message;
  return new Error(`cannot open the PostgreSQL store at ${where}: ${detail}`, { cause: e });
}
