/** The change feed on SQLite: rows written by triggers (change-migrations.ts); see ports/change-log.ts. */
import type { Change, ChangeLog, ChangeScope } from '../../../ports/change-log.js';
import type { Row, SqlDatabase } from './sqlite-driver.js';
import { CHANGE_MIGRATIONS } from './change-migrations.js';
import { migrate } from './migrate.js';

export class SqliteChangeLog implements ChangeLog {
  private readonly q;

  /** Migrate after the key and identity stores: the triggers watch their tables. */
  constructor(db: SqlDatabase) {
    migrate(db, 'changes', CHANGE_MIGRATIONS);
    this.q = {
      head: db.prepare('SELECT coalesce(max(seq), 0) AS seq FROM trent_changes'),
      since: db.prepare('SELECT seq, scope, subject FROM trent_changes WHERE seq > ? ORDER BY seq LIMIT ?'),
      missing: db.prepare('SELECT seq, scope, subject FROM trent_changes WHERE seq IN (SELECT value FROM json_each(?))'),
      prune: db.prepare(`DELETE FROM trent_changes WHERE at < CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) - ?`),
    };
  }

  async head(): Promise<number> {
    return Number((this.q.head.get() as Row).seq);
  }

  async since(after: number, missing: readonly number[], limit: number): Promise<Change[]> {
    const rows = this.q.since.all(after, limit) as Row[];
    if (missing.length > 0) rows.push(...(this.q.missing.all(JSON.stringify(missing)) as Row[]));
    return rows.map(changeOf).sort((a, b) => a.seq - b.seq);
  }

  async prune(olderThanMs: number): Promise<number> {
    return this.q.prune.run(Math.floor(olderThanMs)).changes;
  }
}

export function changeOf(row: Row): Change {
  return { seq: Number(row.seq), scope: row.scope as ChangeScope, subject: String(row.subject) };
}
