/**
 * PostgreSQL schema of the change feed (component 'changes', migrated after
 * 'keys' and 'identity', whose tables its triggers watch). Append only. One
 * trigger function serves every table: its first argument is the scope, the
 * others the subject's columns (a name that is not a column is literal).
 */
import { PUBLISHED_TABLES } from '../changes/published-changes.js';

const NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';

function triggers(): string {
  return PUBLISHED_TABLES.map((t) => {
    const args = [t.scope, ...t.subject].map((a) => `'${a}'`).join(', ');
    return `CREATE TRIGGER trent_publish_${t.table} AFTER ${t.events.join(' OR ')} ON ${t.table} FOR EACH ROW EXECUTE PROCEDURE trent_publish_change(${args});`;
  }).join('\n');
}

export const PG_CHANGE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE trent_changes (
    seq BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL DEFAULT ${NOW_MS},
    scope TEXT NOT NULL,
    subject TEXT NOT NULL
  );
  CREATE INDEX trent_changes_by_time ON trent_changes (at);
  CREATE FUNCTION trent_publish_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
  DECLARE
    r jsonb;
    parts text[] := '{}';
  BEGIN
    IF TG_OP = 'INSERT' THEN r := to_jsonb(NEW); ELSE r := to_jsonb(OLD); END IF;
    FOR i IN 1 .. TG_NARGS - 1 LOOP
      parts := parts || coalesce(r ->> TG_ARGV[i], TG_ARGV[i]);
    END LOOP;
    INSERT INTO trent_changes (scope, subject) VALUES (TG_ARGV[0], array_to_string(parts, '/'));
    RETURN NULL;
  END
  $fn$;
  ${triggers()}
  `,
];
