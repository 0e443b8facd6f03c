/** IdentityStore on the shared SQLite database: accounts, access keys, IAM entities and STS sessions. */
import type { IamRole, IamUser, InlinePolicy, ManagedPolicy, PolicyVersion, SessionRecord } from '../../../domain/iam/model.js';
import { nameKey } from '../../../domain/iam/names.js';
import type {
  AccessKeyRecord,
  AccountRecord,
  AttachOutcome,
  DeletePolicyOutcome,
  DeleteRoleOutcome,
  DeleteUserOutcome,
  IdentityStore,
  KeyOwner,
  ListFilter,
  Page,
} from '../../../ports/identity-store.js';
import type { Row, SqlDatabase, SqlStatement } from './sqlite-driver.js';
import { IDENTITY_MIGRATIONS } from './identity-migrations.js';
import { migrate } from './migrate.js';
import { accessKeyFromRow, policyFromRow, roleFromRow, sessionFromRow, userFromRow } from './sqlite-identity-rows.js';

/** Managed policies with their attachment count. */
const POLICY_SELECT =
  'SELECT p.*, (SELECT count(*) FROM iam_attachments a WHERE a.policy_id = p.policy_id) AS attachment_count FROM iam_managed_policies p';
/** Paths starting with a prefix (the empty prefix matches all). */
const PATH_PREFIX = 'substr(path, 1, length(?)) = ?';

export class SqliteIdentityStore implements IdentityStore {
  private readonly q: ReturnType<typeof prepareStatements>;

  constructor(private readonly db: SqlDatabase) {
    migrate(db, 'identity', IDENTITY_MIGRATIONS);
    this.q = prepareStatements(db);
  }

  // Accounts

  async ensureAccount(accountId: string, createdAt: number): Promise<boolean> {
    return this.q.insertAccount.run(accountId, createdAt).changes === 1;
  }

  async countAccounts(): Promise<number> {
    return (this.q.countAccounts.get() as { n: number }).n;
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const row = this.q.getAccount.get(accountId);
    return row ? { accountId: row.account_id as string, createdAt: Number(row.created_at) } : undefined;
  }

  async listAccounts(): Promise<AccountRecord[]> {
    return this.q.listAccounts.all().map((row) => ({ accountId: row.account_id as string, createdAt: Number(row.created_at) }));
  }

  // Access keys

  async putAccessKey(r: AccessKeyRecord): Promise<void> {
    this.q.putAccessKey.run(...accessKeyParams(r));
  }

  async getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const row = this.q.getAccessKey.get(accessKeyId);
    return row ? accessKeyFromRow(row) : undefined;
  }

  async createAccessKey(r: AccessKeyRecord, limit: number): Promise<boolean> {
    return this.db.transaction(() => {
      if (r.principalType === 'IAMUser' && !this.q.userById.get(r.accountId, r.userId ?? null)) return false;
      if (this.ownerKeys(r.accountId, ownerOf(r)).length >= limit) return false;
      this.q.insertAccessKey.run(...accessKeyParams(r));
      return true;
    });
  }

  async listAccessKeys(accountId: string, owner: KeyOwner): Promise<AccessKeyRecord[]> {
    return this.ownerKeys(accountId, owner).map(accessKeyFromRow);
  }

  private ownerKeys(accountId: string, owner: KeyOwner): Row[] {
    return owner.type === 'Root' ? this.q.rootKeys.all(accountId) : this.q.userKeys.all(accountId, owner.userId);
  }

  async setAccessKeyStatus(accessKeyId: string, status: AccessKeyRecord['status']): Promise<boolean> {
    return this.q.setKeyStatus.run(status, accessKeyId).changes === 1;
  }

  async deleteAccessKey(accessKeyId: string): Promise<boolean> {
    return this.q.deleteKey.run(accessKeyId).changes === 1;
  }

  // Users

  async createUser(u: IamUser): Promise<boolean> {
    const params = [u.accountId, nameKey(u.userName), u.userName, u.userId, u.path, u.arn, u.createdAt, JSON.stringify(u.tags)];
    return this.q.insertUser.run(...params).changes === 1;
  }

  async getUser(accountId: string, userName: string): Promise<IamUser | undefined> {
    const row = this.q.getUser.get(accountId, nameKey(userName));
    return row ? userFromRow(row) : undefined;
  }

  async listUsers(accountId: string, f: ListFilter): Promise<Page<IamUser>> {
    const prefix = f.pathPrefix ?? '';
    return page(this.q.listUsers.all(accountId, f.after ?? '', prefix, prefix, f.limit + 1), f.limit, userFromRow);
  }

  async deleteUser(accountId: string, userName: string): Promise<DeleteUserOutcome> {
    return this.db.transaction(() => {
      const row = this.q.getUser.get(accountId, nameKey(userName));
      if (!row) return 'notFound';
      const userId = row.user_id as string;
      if (this.q.userKeys.all(accountId, userId).length > 0) return 'hasAccessKeys';
      const blocker = this.holderBlocker(accountId, userId);
      if (blocker) return blocker;
      this.q.deleteUser.run(accountId, nameKey(userName));
      this.q.deleteSessionsOf.run(accountId, userId);
      return 'deleted';
    });
  }

  private holderBlocker(accountId: string, holderId: string): 'hasInlinePolicies' | 'hasAttachedPolicies' | undefined {
    if (this.q.countInline.get(accountId, holderId)!.n as number) return 'hasInlinePolicies';
    if (this.q.countAttached.get(accountId, holderId)!.n as number) return 'hasAttachedPolicies';
    return undefined;
  }

  // Roles

  async createRole(r: IamRole): Promise<boolean> {
    const params = [
      r.accountId, nameKey(r.roleName), r.roleName, r.roleId, r.path, r.arn, r.trustPolicy, r.description ?? null,
      r.maxSessionDuration, r.createdAt, JSON.stringify(r.tags),
    ];
    return this.q.insertRole.run(...params).changes === 1;
  }

  async getRole(accountId: string, roleName: string): Promise<IamRole | undefined> {
    const row = this.q.getRole.get(accountId, nameKey(roleName));
    return row ? roleFromRow(row) : undefined;
  }

  async listRoles(accountId: string, f: ListFilter): Promise<Page<IamRole>> {
    const prefix = f.pathPrefix ?? '';
    return page(this.q.listRoles.all(accountId, f.after ?? '', prefix, prefix, f.limit + 1), f.limit, roleFromRow);
  }

  async updateRoleTrustPolicy(accountId: string, roleName: string, trustPolicy: string): Promise<boolean> {
    return this.q.setTrustPolicy.run(trustPolicy, accountId, nameKey(roleName)).changes === 1;
  }

  async deleteRole(accountId: string, roleName: string): Promise<DeleteRoleOutcome> {
    return this.db.transaction(() => {
      const row = this.q.getRole.get(accountId, nameKey(roleName));
      if (!row) return 'notFound';
      const roleId = row.role_id as string;
      const blocker = this.holderBlocker(accountId, roleId);
      if (blocker) return blocker;
      this.q.deleteRole.run(accountId, nameKey(roleName));
      this.q.deleteSessionsOf.run(accountId, roleId);
      return 'deleted';
    });
  }

  // Inline policies

  async putInlinePolicy(accountId: string, holderId: string, p: InlinePolicy): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.holderExists(accountId, holderId)) return false;
      this.q.putInline.run(accountId, holderId, nameKey(p.policyName), p.policyName, p.document);
      return true;
    });
  }

  private holderExists(accountId: string, holderId: string): boolean {
    return this.q.userById.get(accountId, holderId) !== undefined || this.q.roleById.get(accountId, holderId) !== undefined;
  }

  async getInlinePolicy(accountId: string, holderId: string, policyName: string): Promise<InlinePolicy | undefined> {
    const row = this.q.getInline.get(accountId, holderId, nameKey(policyName));
    return row ? { policyName: row.policy_name as string, document: row.document as string } : undefined;
  }

  async listInlinePolicies(accountId: string, holderId: string): Promise<InlinePolicy[]> {
    return this.q.listInline.all(accountId, holderId).map((row) => ({ policyName: row.policy_name as string, document: row.document as string }));
  }

  async deleteInlinePolicy(accountId: string, holderId: string, policyName: string): Promise<boolean> {
    return this.q.deleteInline.run(accountId, holderId, nameKey(policyName)).changes === 1;
  }

  // Managed policies

  async createManagedPolicy(p: ManagedPolicy, v: PolicyVersion): Promise<boolean> {
    return this.db.transaction(() => {
      const params = [
        p.accountId, nameKey(p.policyName), p.policyName, p.policyId, p.path, p.arn, p.description ?? null,
        p.defaultVersionId, p.createdAt, p.updatedAt, JSON.stringify(p.tags),
      ];
      if (this.q.insertPolicy.run(...params).changes !== 1) return false;
      this.q.insertVersion.run(p.policyId, v.versionId, v.document, v.createdAt);
      return true;
    });
  }

  async getManagedPolicy(accountId: string, policyName: string): Promise<ManagedPolicy | undefined> {
    const row = this.q.getPolicy.get(accountId, nameKey(policyName));
    return row ? policyFromRow(row) : undefined;
  }

  async getPolicyVersion(accountId: string, policyName: string, versionId: string): Promise<PolicyVersion | undefined> {
    const row = this.q.getVersion.get(accountId, nameKey(policyName), versionId);
    if (!row) return undefined;
    return {
      versionId: row.version_id as string,
      document: row.document as string,
      isDefaultVersion: row.version_id === row.default_version,
      createdAt: Number(row.created_at),
    };
  }

  async listManagedPolicies(accountId: string, f: ListFilter & { onlyAttached?: boolean }): Promise<Page<ManagedPolicy>> {
    const prefix = f.pathPrefix ?? '';
    const stmt = f.onlyAttached ? this.q.listAttachedOnlyPolicies : this.q.listPolicies;
    return page(stmt.all(accountId, f.after ?? '', prefix, prefix, f.limit + 1), f.limit, policyFromRow);
  }

  async deleteManagedPolicy(accountId: string, policyName: string): Promise<DeletePolicyOutcome> {
    return this.db.transaction(() => {
      const row = this.q.getPolicy.get(accountId, nameKey(policyName));
      if (!row) return 'notFound';
      if (Number(row.attachment_count) > 0) return 'attached';
      this.q.deleteVersions.run(row.policy_id);
      this.q.deletePolicy.run(accountId, nameKey(policyName));
      return 'deleted';
    });
  }

  // Attachments

  async attachPolicy(accountId: string, holderId: string, policyId: string, limit: number, attachedAt: number): Promise<AttachOutcome> {
    return this.db.transaction(() => {
      if (!this.holderExists(accountId, holderId)) return 'noHolder';
      if (!this.q.policyById.get(accountId, policyId)) return 'noPolicy';
      if (this.q.isAttached.get(accountId, holderId, policyId)) return 'attached';
      if ((this.q.countAttached.get(accountId, holderId)!.n as number) >= limit) return 'limitExceeded';
      this.q.attach.run(accountId, holderId, policyId, attachedAt);
      return 'attached';
    });
  }

  async detachPolicy(accountId: string, holderId: string, policyId: string): Promise<boolean> {
    return this.q.detach.run(accountId, holderId, policyId).changes === 1;
  }

  async listAttachedPolicies(accountId: string, holderId: string): Promise<ManagedPolicy[]> {
    return this.q.attachedPolicies.all(accountId, holderId).map(policyFromRow);
  }

  async policyDocumentsOf(accountId: string, holderId: string): Promise<string[]> {
    const inline = this.q.listInline.all(accountId, holderId).map((r) => r.document as string);
    const managed = this.q.attachedDocuments.all(accountId, holderId).map((r) => r.document as string);
    return [...inline, ...managed];
  }

  // Sessions

  async putSession(s: SessionRecord): Promise<void> {
    this.q.putSession.run(
      s.accessKeyId, s.accountId, s.tokenHash, s.wrappedSecret, s.createdAt, s.expiresAt, s.principalType, s.principalArn,
      s.principalId, s.userName ?? null, s.roleArn ?? null, s.roleName ?? null, s.sessionName ?? null, s.sourceIdentity ?? null,
      JSON.stringify(s.tags),
    );
  }

  async getSession(accessKeyId: string): Promise<SessionRecord | undefined> {
    const row = this.q.getSession.get(accessKeyId);
    return row ? sessionFromRow(row) : undefined;
  }

  async deleteExpiredSessions(before: number): Promise<number> {
    return this.q.deleteExpired.run(before).changes;
  }
}

function ownerOf(r: AccessKeyRecord): KeyOwner {
  return r.principalType === 'IAMUser' ? { type: 'IAMUser', userId: r.userId ?? '' } : { type: 'Root' };
}

function accessKeyParams(r: AccessKeyRecord): unknown[] {
  return [r.accessKeyId, r.accountId, r.principalArn, r.principalType, r.wrappedSecret, r.status, r.createdAt, r.userName ?? null, r.userId ?? null];
}

/** Turns limit+1 rows (ordered by name_key) into a page; `next` is the last returned row's name_key. */
function page<T>(rows: Row[], limit: number, map: (row: Row) => T): Page<T> {
  const items = rows.slice(0, limit);
  const out: Page<T> = { items: items.map(map) };
  if (rows.length > limit) out.next = items[items.length - 1].name_key as string;
  return out;
}

function prepareStatements(db: SqlDatabase) {
  const p = (sql: string): SqlStatement => db.prepare(sql);
  const keyColumns = '(access_key_id, account_id, principal_arn, principal_type, wrapped_secret, status, created_at, user_name, user_id)';
  const list = (table: string) => `SELECT * FROM ${table} WHERE account_id = ? AND name_key > ? AND ${PATH_PREFIX} ORDER BY name_key LIMIT ?`;
  return {
    insertAccount: p('INSERT OR IGNORE INTO accounts (account_id, created_at) VALUES (?, ?)'),
    countAccounts: p('SELECT count(*) AS n FROM accounts'),
    getAccount: p('SELECT * FROM accounts WHERE account_id = ?'),
    listAccounts: p('SELECT * FROM accounts ORDER BY account_id'),

    putAccessKey: p(`INSERT OR REPLACE INTO access_keys ${keyColumns} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertAccessKey: p(`INSERT INTO access_keys ${keyColumns} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    getAccessKey: p('SELECT * FROM access_keys WHERE access_key_id = ?'),
    rootKeys: p("SELECT * FROM access_keys WHERE account_id = ? AND principal_type = 'Root' ORDER BY created_at, access_key_id"),
    userKeys: p("SELECT * FROM access_keys WHERE account_id = ? AND principal_type = 'IAMUser' AND user_id = ? ORDER BY created_at, access_key_id"),
    setKeyStatus: p('UPDATE access_keys SET status = ? WHERE access_key_id = ?'),
    deleteKey: p('DELETE FROM access_keys WHERE access_key_id = ?'),

    insertUser: p(
      'INSERT OR IGNORE INTO iam_users (account_id, name_key, user_name, user_id, path, arn, created_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    getUser: p('SELECT * FROM iam_users WHERE account_id = ? AND name_key = ?'),
    userById: p('SELECT 1 FROM iam_users WHERE account_id = ? AND user_id = ?'),
    listUsers: p(list('iam_users')),
    deleteUser: p('DELETE FROM iam_users WHERE account_id = ? AND name_key = ?'),

    insertRole: p(
      'INSERT OR IGNORE INTO iam_roles (account_id, name_key, role_name, role_id, path, arn, trust_policy, description, max_session_duration, created_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    getRole: p('SELECT * FROM iam_roles WHERE account_id = ? AND name_key = ?'),
    roleById: p('SELECT 1 FROM iam_roles WHERE account_id = ? AND role_id = ?'),
    listRoles: p(list('iam_roles')),
    setTrustPolicy: p('UPDATE iam_roles SET trust_policy = ? WHERE account_id = ? AND name_key = ?'),
    deleteRole: p('DELETE FROM iam_roles WHERE account_id = ? AND name_key = ?'),

    putInline: p(
      'INSERT INTO iam_inline_policies (account_id, holder_id, name_key, policy_name, document) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT(account_id, holder_id, name_key) DO UPDATE SET policy_name = excluded.policy_name, document = excluded.document',
    ),
    getInline: p('SELECT * FROM iam_inline_policies WHERE account_id = ? AND holder_id = ? AND name_key = ?'),
    listInline: p('SELECT * FROM iam_inline_policies WHERE account_id = ? AND holder_id = ? ORDER BY name_key'),
    countInline: p('SELECT count(*) AS n FROM iam_inline_policies WHERE account_id = ? AND holder_id = ?'),
    deleteInline: p('DELETE FROM iam_inline_policies WHERE account_id = ? AND holder_id = ? AND name_key = ?'),

    insertPolicy: p(
      'INSERT OR IGNORE INTO iam_managed_policies (account_id, name_key, policy_name, policy_id, path, arn, description, default_version, created_at, updated_at, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertVersion: p('INSERT INTO iam_policy_versions (policy_id, version_id, document, created_at) VALUES (?, ?, ?, ?)'),
    getPolicy: p(`${POLICY_SELECT} WHERE p.account_id = ? AND p.name_key = ?`),
    policyById: p('SELECT 1 FROM iam_managed_policies WHERE account_id = ? AND policy_id = ?'),
    getVersion: p(
      'SELECT v.*, p.default_version FROM iam_managed_policies p JOIN iam_policy_versions v ON v.policy_id = p.policy_id ' +
        'WHERE p.account_id = ? AND p.name_key = ? AND v.version_id = ?',
    ),
    listPolicies: p(`${POLICY_SELECT} WHERE p.account_id = ? AND p.name_key > ? AND ${PATH_PREFIX} ORDER BY p.name_key LIMIT ?`),
    listAttachedOnlyPolicies: p(
      `${POLICY_SELECT} WHERE p.account_id = ? AND p.name_key > ? AND ${PATH_PREFIX} ` +
        'AND EXISTS (SELECT 1 FROM iam_attachments a WHERE a.policy_id = p.policy_id) ORDER BY p.name_key LIMIT ?',
    ),
    deleteVersions: p('DELETE FROM iam_policy_versions WHERE policy_id = ?'),
    deletePolicy: p('DELETE FROM iam_managed_policies WHERE account_id = ? AND name_key = ?'),

    isAttached: p('SELECT 1 FROM iam_attachments WHERE account_id = ? AND holder_id = ? AND policy_id = ?'),
    countAttached: p('SELECT count(*) AS n FROM iam_attachments WHERE account_id = ? AND holder_id = ?'),
    attach: p('INSERT INTO iam_attachments (account_id, holder_id, policy_id, attached_at) VALUES (?, ?, ?, ?)'),
    detach: p('DELETE FROM iam_attachments WHERE account_id = ? AND holder_id = ? AND policy_id = ?'),
    attachedPolicies: p(
      `${POLICY_SELECT} JOIN iam_attachments x ON x.policy_id = p.policy_id WHERE x.account_id = ? AND x.holder_id = ? ORDER BY p.name_key`,
    ),
    attachedDocuments: p(
      'SELECT v.document FROM iam_attachments a JOIN iam_managed_policies p ON p.policy_id = a.policy_id ' +
        'JOIN iam_policy_versions v ON v.policy_id = p.policy_id AND v.version_id = p.default_version ' +
        'WHERE a.account_id = ? AND a.holder_id = ? ORDER BY p.name_key',
    ),

    putSession: p(
      'INSERT INTO sts_sessions (access_key_id, account_id, token_hash, wrapped_secret, created_at, expires_at, principal_type, principal_arn, ' +
        'principal_id, user_name, role_arn, role_name, session_name, source_identity, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    getSession: p('SELECT * FROM sts_sessions WHERE access_key_id = ?'),
    deleteSessionsOf: p('DELETE FROM sts_sessions WHERE account_id = ? AND principal_id = ?'),
    deleteExpired: p('DELETE FROM sts_sessions WHERE expires_at < ?'),
  };
}
