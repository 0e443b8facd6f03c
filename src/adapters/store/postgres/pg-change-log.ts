/** The change feed on PostgreSQL: rows written by triggers (pg-change-migrations.ts); see ports/change-log.ts. */
import type { Change, ChangeLog, ChangeScope } from '../../../ports/change-log.js';
import { statement as s, type PgDatabase, type Row } from './pg-database.js';

const Q = {
  head: s('changes_head', 'SELECT coalesce(max(seq), 0) AS seq FROM trent_changes'),
  since: s(
    'changes_since',
    'SELECT seq, scope, subject FROM trent_changes WHERE seq > $1 OR seq = ANY($3::bigint[]) ORDER BY seq LIMIT $2',
  ),
  prune: s('changes_prune', 'DELETE FROM trent_changes WHERE at < (extract(epoch FROM clock_timestamp()) * 1000)::bigint - $1'),
};

export class PgChangeLog implements ChangeLog {
  constructor(private readonly db: PgDatabase) {}

  async head(): Promise<number> {
    return Number((await this.db.run(Q.head, [])).rows[0].seq);
  }

  async since(after: number, missing: readonly number[], limit: number): Promise<Change[]> {
    const { rows } = await this.db.run(Q.since, [after, limit + missing.length, missing]);
    return rows.map(changeOf);
  }

  async prune(olderThanMs: number): Promise<number> {
    return (await this.db.run(Q.prune, [Math.floor(olderThanMs)])).rowCount;
  }
}

function changeOf(row: Row): Change {
  return { seq: Number(row.seq), scope: row.scope as ChangeScope, subject: String(row.subject) };
}
