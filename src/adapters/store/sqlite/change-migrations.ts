/**
 * Schema of the change feed (component 'changes', migrated after 'keys' and
 * 'identity', whose tables its triggers watch). Append only. Each trigger
 * writes its row in the transaction of the change it publishes.
 */
import { PUBLISHED_TABLES } from '../changes/published-changes.js';

const NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

function triggers(): string {
  const out: string[] = [];
  for (const t of PUBLISHED_TABLES) {
    for (const event of t.events) {
      const row = event === 'INSERT' ? 'NEW' : 'OLD';
      const subject = t.subject.map((c) => (/^[a-z_]+$/.test(c) ? `${row}.${c}` : `'${c}'`)).join(" || '/' || ");
      out.push(
        `CREATE TRIGGER trent_publish_${t.table}_${event.toLowerCase()} AFTER ${event} ON ${t.table} BEGIN ` +
          `INSERT INTO trent_changes (at, scope, subject) VALUES (${NOW_MS}, '${t.scope}', ${subject}); END;`,
      );
    }
  }
  return out.join('\n');
}

export const CHANGE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE trent_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    scope TEXT NOT NULL,
    subject TEXT NOT NULL
  );
  CREATE INDEX trent_changes_by_time ON trent_changes(at);
  ${triggers()}
  `,
];
