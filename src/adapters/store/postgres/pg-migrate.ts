/**
 * Versioned schema per component, tracked in trent_schema(component, version)
 * as in SQLite. Each component's steps are append-only.
 *
 * Many nodes may start at once against one database: every node runs the
 * migration in one transaction that first takes a transaction-scoped advisory
 * lock, so starters queue up; the first applies the missing steps and records
 * the versions, the others then find the schema current and apply nothing.
 * DDL is transactional in PostgreSQL, so a failed step leaves nothing behind.
 * A node that finds a component at a newer version than it knows refuses to
 * start rather than run against a schema it does not understand.
 */
import type pg from 'pg';
import { PG_KEY_MIGRATIONS } from './pg-key-migrations.js';
import { PG_IDENTITY_MIGRATIONS } from './pg-identity-migrations.js';
import { PG_SETTINGS_MIGRATIONS } from './pg-settings.js';
import { holdConnection } from './pg-database.js';

export interface SchemaComponent {
  component: string;
  steps: readonly string[];
}

/** Every component the PostgreSQL stores use, in the order they are migrated. */
export const PG_SCHEMA: readonly SchemaComponent[] = [
  { component: 'keys', steps: PG_KEY_MIGRATIONS },
  { component: 'identity', steps: PG_IDENTITY_MIGRATIONS },
  { component: 'settings', steps: PG_SETTINGS_MIGRATIONS },
];

/** Key of the advisory lock that serialises migrations in one database ('trentsch'). */
export const MIGRATION_LOCK_KEY = '8391720689591919464';

export class SchemaTooNewError extends Error {
  constructor(component: string, found: number, known: number) {
    super(
      `the PostgreSQL ${component} schema is at version ${found}, newer than this Trent knows (${known}): ` +
        'another node runs a newer Trent; upgrade this one before starting it',
    );
    this.name = 'SchemaTooNewError';
  }
}

/**
 * Brings every component up to date; returns how many steps were applied per
 * component (zero everywhere when another node got there first).
 */
export async function migratePostgres(pool: pg.Pool, components: readonly SchemaComponent[] = PG_SCHEMA): Promise<Record<string, number>> {
  const client = await pool.connect();
  const release = holdConnection(client);
  try {
    await client.query('BEGIN');
    // Migrations may legitimately take long (and may wait for another node's): no statement timeout here.
    await client.query('SET LOCAL statement_timeout = 0');
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await client.query('CREATE TABLE IF NOT EXISTS trent_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
    const found = new Map<string, number>();
    for (const row of (await client.query('SELECT component, version FROM trent_schema')).rows as { component: string; version: number }[]) {
      found.set(row.component, Number(row.version));
    }
    for (const { component, steps } of components) {
      const current = found.get(component) ?? 0;
      if (current > steps.length) throw new SchemaTooNewError(component, current, steps.length);
    }
    const applied: Record<string, number> = {};
    for (const { component, steps } of components) {
      const current = found.get(component) ?? 0;
      for (let v = current; v < steps.length; v++) await client.query(steps[v]);
      applied[component] = steps.length - current;
      if (current !== steps.length) {
        await client.query(
          'INSERT INTO trent_schema (component, version) VALUES ($1, $2) ON CONFLICT (component) DO UPDATE SET version = excluded.version',
          [component, steps.length],
        );
      }
    }
    await client.query('COMMIT');
    release();
    return applied;
  } catch (e) {
    try {
      await client.query('ROLLBACK');
      release();
    } catch {
      release(true);
    }
    throw e;
  }
}
