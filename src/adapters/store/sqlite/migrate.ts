/**
 * Versioned schema per component (keys, identity, grants, ...), tracked in
 * trent_schema. Each component's steps are append-only: never edit a released
 * step. Runs in one IMMEDIATE transaction, so concurrent starters serialise.
 */
import type { SqlDatabase } from './sqlite-driver.js';

export function migrate(db: SqlDatabase, component: string, steps: readonly string[]): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS trent_schema (component TEXT PRIMARY KEY, version INTEGER NOT NULL)');
    const row = db.prepare('SELECT version FROM trent_schema WHERE component = ?').get(component) as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > steps.length) {
      throw new Error(`the ${component} schema is at version ${current}, newer than this Trent (${steps.length}); upgrade Trent`);
    }
    for (let v = current; v < steps.length; v++) db.exec(steps[v]);
    if (current !== steps.length) {
      db.prepare('INSERT INTO trent_schema (component, version) VALUES (?, ?) ON CONFLICT(component) DO UPDATE SET version = excluded.version').run(component, steps.length);
    }
  });
}
