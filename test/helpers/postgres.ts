/**
 * Throw-away PostgreSQL databases for tests. The server is the one on this
 * machine (127.0.0.1:5432, trust auth, user postgres) unless
 * TRENT_TEST_POSTGRES_URL names another maintenance database. Every database
 * is created fresh (trent_test_<random>) and dropped afterwards; nothing
 * relies on leftovers. An unreachable server is an error, never a skip.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describePostgresUrl } from '../../src/adapters/store/postgres/pg-url.js';

export const MAINTENANCE_URL = process.env.TRENT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The maintenance server for messages: never with a password. */
export const MAINTENANCE_SERVER = describePostgresUrl(MAINTENANCE_URL);

export interface TestDatabase {
  name: string;
  /** Connection URL of the new database. */
  url: string;
  /** Drops the database, ending any connection still open to it. Idempotent. */
  drop(): Promise<void>;
}

/** Runs `fn` on a fresh connection to the maintenance database. */
export async function withMaintenance<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: MAINTENANCE_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    const reason = (e as Error).message || (e as { code?: string }).code || String(e);
    throw new Error(
      `PostgreSQL is not reachable at ${MAINTENANCE_SERVER} (${reason}). These tests need it: ` +
        'start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or set TRENT_TEST_POSTGRES_URL.',
      { cause: e },
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const created = new Set<string>();

/**
 * Creates an empty database. `sql` is appended to CREATE DATABASE (e.g. a
 * locale); names are generated, so quoting is safe.
 */
export async function createTestDatabase(sql = ''): Promise<TestDatabase> {
  const name = `trent_test_${randomBytes(6).toString('hex')}`;
  await withMaintenance((c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} ${sql}`));
  created.add(name);
  const url = new URL(MAINTENANCE_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      await dropTestDatabase(name);
      dropped = true;
    },
  };
}

export async function dropTestDatabase(name: string): Promise<void> {
  await withMaintenance((c) => c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
  created.delete(name);
}

/** Drops every database this process created and has not dropped yet (for an `after` hook). */
export async function dropAllTestDatabases(): Promise<void> {
  for (const name of [...created]) await dropTestDatabase(name);
}

/** Connections currently open to a database, as the server sees them. */
export async function connectionsTo(database: string): Promise<number> {
  return withMaintenance(async (c) => Number((await c.query('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1', [database])).rows[0].n));
}
