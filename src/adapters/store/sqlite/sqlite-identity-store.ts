/** IdentityStore on the shared SQLite database. */
import type { AccessKeyRecord, IdentityStore } from '../../../ports/identity-store.js';
import type { Row, SqlDatabase } from './sqlite-driver.js';
import { IDENTITY_MIGRATIONS } from './identity-migrations.js';
import { migrate } from './migrate.js';

export class SqliteIdentityStore implements IdentityStore {
  private readonly q: ReturnType<typeof prepareStatements>;

  constructor(db: SqlDatabase) {
    migrate(db, 'identity', IDENTITY_MIGRATIONS);
    this.q = prepareStatements(db);
  }

  async ensureAccount(accountId: string, createdAt: number): Promise<boolean> {
    return this.q.insertAccount.run(accountId, createdAt).changes === 1;
  }

  async countAccounts(): Promise<number> {
    return (this.q.countAccounts.get() as { n: number }).n;
  }

  async putAccessKey(r: AccessKeyRecord): Promise<void> {
    this.q.putAccessKey.run(r.accessKeyId, r.accountId, r.principalArn, r.principalType, r.wrappedSecret, r.status, r.createdAt);
  }

  async getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const row = this.q.getAccessKey.get(accessKeyId) as Row | undefined;
    if (!row) return undefined;
    return {
      accessKeyId: row.access_key_id as string,
      accountId: row.account_id as string,
      principalArn: row.principal_arn as string,
      principalType: row.principal_type as AccessKeyRecord['principalType'],
      wrappedSecret: row.wrapped_secret as Buffer,
      status: row.status as AccessKeyRecord['status'],
      createdAt: row.created_at as number,
    };
  }
}

function prepareStatements(db: SqlDatabase) {
  return {
    insertAccount: db.prepare('INSERT OR IGNORE INTO accounts (account_id, created_at) VALUES (?, ?)'),
    countAccounts: db.prepare('SELECT count(*) AS n FROM accounts'),
    putAccessKey: db.prepare(
      'INSERT OR REPLACE INTO access_keys (access_key_id, account_id, principal_arn, principal_type, wrapped_secret, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    getAccessKey: db.prepare('SELECT * FROM access_keys WHERE access_key_id = ?'),
  };
}
