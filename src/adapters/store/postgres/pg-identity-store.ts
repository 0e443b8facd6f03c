/**
 * IdentityStore on PostgreSQL: accounts, access keys, IAM entities and STS
 * sessions, with the semantics of the SQLite store.
 *
 * SQLite runs every write transaction alone; PostgreSQL (READ COMMITTED) runs
 * them side by side, so each check-then-write transaction first locks the row
 * that owns what it checks: the user (or the account, for root keys) before
 * counting access keys, the holder before counting attachments or writing an
 * inline policy, the policy before deleting it or attaching it. Two such
 * transactions on the same owner queue up and the second sees the first's
 * result, as in SQLite. Locks are taken holder first, then policy, never the
 * other way round, so they cannot deadlock.
 */
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
import type { PgDatabase, Queryable, Row } from './pg-database.js';
import { IQ } from './pg-identity-statements.js';
import { accessKeyFromRow, policyFromRow, roleFromRow, sessionFromRow, userFromRow } from '../sqlite/sqlite-identity-rows.js';

export class PgIdentityStore implements IdentityStore {
  constructor(private readonly db: PgDatabase) {}

  // Accounts

  async ensureAccount(accountId: string, createdAt: number): Promise<boolean> {
    return (await this.db.run(IQ.insertAccount, [accountId, createdAt])).rowCount === 1;
  }

  async countAccounts(): Promise<number> {
    return Number((await this.db.run(IQ.countAccounts, [])).rows[0].n);
  }

  async getAccount(accountId: string): Promise<AccountRecord | undefined> {
    const { rows } = await this.db.run(IQ.getAccount, [accountId]);
    return rows.length ? toAccount(rows[0]) : undefined;
  }

  async listAccounts(): Promise<AccountRecord[]> {
    return (await this.db.run(IQ.listAccounts, [])).rows.map(toAccount);
  }

  // Access keys

  async putAccessKey(r: AccessKeyRecord): Promise<void> {
    await this.db.run(IQ.putAccessKey, accessKeyParams(r));
  }

  async getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    const { rows } = await this.db.run(IQ.getAccessKey, [accessKeyId]);
    return rows.length ? accessKeyFromRow(rows[0]) : undefined;
  }

  async createAccessKey(r: AccessKeyRecord, limit: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const owner = ownerOf(r);
      if (owner.type === 'IAMUser') {
        if ((await tx.run(IQ.lockUser, [r.accountId, owner.userId])).rowCount === 0) return false;
      } else {
        // No row when the account is unknown: the insert then fails on the foreign key, as in SQLite.
        await tx.run(IQ.lockAccount, [r.accountId]);
      }
      if ((await ownerKeys(tx, r.accountId, owner)).length >= limit) return false;
      await tx.run(IQ.insertAccessKey, accessKeyParams(r));
      return true;
    });
  }

  async listAccessKeys(accountId: string, owner: KeyOwner): Promise<AccessKeyRecord[]> {
    return (await ownerKeys(this.db, accountId, owner)).map(accessKeyFromRow);
  }

  async setAccessKeyStatus(accessKeyId: string, status: AccessKeyRecord['status']): Promise<boolean> {
    return (await this.db.run(IQ.setKeyStatus, [accessKeyId, status])).rowCount === 1;
  }

  async deleteAccessKey(accessKeyId: string): Promise<boolean> {
    return (await this.db.run(IQ.deleteKey, [accessKeyId])).rowCount === 1;
  }

  // Users

  async createUser(u: IamUser): Promise<boolean> {
    const params = [u.accountId, nameKey(u.userName), u.userName, u.userId, u.path, u.arn, u.createdAt, JSON.stringify(u.tags)];
    return (await this.db.run(IQ.insertUser, params)).rowCount === 1;
  }

  async getUser(accountId: string, userName: string): Promise<IamUser | undefined> {
    const { rows } = await this.db.run(IQ.getUser, [accountId, nameKey(userName)]);
    return rows.length ? userFromRow(rows[0]) : undefined;
  }

  async listUsers(accountId: string, f: ListFilter): Promise<Page<IamUser>> {
    return page((await this.db.run(IQ.listUsers, [accountId, f.after ?? '', f.pathPrefix ?? '', f.limit + 1])).rows, f.limit, userFromRow);
  }

  async deleteUser(accountId: string, userName: string): Promise<DeleteUserOutcome> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.run(IQ.lockUserByName, [accountId, nameKey(userName)]);
      if (!rows.length) return 'notFound';
      const userId = rows[0].user_id as string;
      const b = (await tx.run(IQ.userBlockers, [accountId, userId])).rows[0];
      if (b.keys) return 'hasAccessKeys';
      if (b.inline) return 'hasInlinePolicies';
      if (b.attached) return 'hasAttachedPolicies';
      await tx.run(IQ.deleteUser, [accountId, nameKey(userName)]);
      await tx.run(IQ.deleteSessionsOf, [accountId, userId]);
      return 'deleted';
    });
  }

  // Roles

  async createRole(r: IamRole): Promise<boolean> {
    const params = [
      r.accountId, nameKey(r.roleName), r.roleName, r.roleId, r.path, r.arn, r.trustPolicy, r.description ?? null,
      r.maxSessionDuration, r.createdAt, JSON.stringify(r.tags),
    ];
    return (await this.db.run(IQ.insertRole, params)).rowCount === 1;
  }

  async getRole(accountId: string, roleName: string): Promise<IamRole | undefined> {
    const { rows } = await this.db.run(IQ.getRole, [accountId, nameKey(roleName)]);
    return rows.length ? roleFromRow(rows[0]) : undefined;
  }

  async listRoles(accountId: string, f: ListFilter): Promise<Page<IamRole>> {
    return page((await this.db.run(IQ.listRoles, [accountId, f.after ?? '', f.pathPrefix ?? '', f.limit + 1])).rows, f.limit, roleFromRow);
  }

  async updateRoleTrustPolicy(accountId: string, roleName: string, trustPolicy: string): Promise<boolean> {
    return (await this.db.run(IQ.setTrustPolicy, [accountId, nameKey(roleName), trustPolicy])).rowCount === 1;
  }

  async deleteRole(accountId: string, roleName: string): Promise<DeleteRoleOutcome> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.run(IQ.lockRoleByName, [accountId, nameKey(roleName)]);
      if (!rows.length) return 'notFound';
      const roleId = rows[0].role_id as string;
      const b = (await tx.run(IQ.holderBlockers, [accountId, roleId])).rows[0];
      if (b.inline) return 'hasInlinePolicies';
      if (b.attached) return 'hasAttachedPolicies';
      await tx.run(IQ.deleteRole, [accountId, nameKey(roleName)]);
      await tx.run(IQ.deleteSessionsOf, [accountId, roleId]);
      return 'deleted';
    });
  }

  // Inline policies

  async putInlinePolicy(accountId: string, holderId: string, p: InlinePolicy): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await lockHolder(tx, accountId, holderId))) return false;
      await tx.run(IQ.putInline, [accountId, holderId, nameKey(p.policyName), p.policyName, p.document]);
      return true;
    });
  }

  async getInlinePolicy(accountId: string, holderId: string, policyName: string): Promise<InlinePolicy | undefined> {
    const { rows } = await this.db.run(IQ.getInline, [accountId, holderId, nameKey(policyName)]);
    return rows.length ? toInline(rows[0]) : undefined;
  }

  async listInlinePolicies(accountId: string, holderId: string): Promise<InlinePolicy[]> {
    return (await this.db.run(IQ.listInline, [accountId, holderId])).rows.map(toInline);
  }

  async deleteInlinePolicy(accountId: string, holderId: string, policyName: string): Promise<boolean> {
    return (await this.db.run(IQ.deleteInline, [accountId, holderId, nameKey(policyName)])).rowCount === 1;
  }

  // Managed policies

  async createManagedPolicy(p: ManagedPolicy, v: PolicyVersion): Promise<boolean> {
    const params = [
      p.accountId, nameKey(p.policyName), p.policyName, p.policyId, p.path, p.arn, p.description ?? null,
      p.defaultVersionId, p.createdAt, p.updatedAt, JSON.stringify(p.tags), v.versionId, v.document, v.createdAt,
    ];
    return (await this.db.run(IQ.createPolicy, params)).rowCount === 1;
  }

  async getManagedPolicy(accountId: string, policyName: string): Promise<ManagedPolicy | undefined> {
    const { rows } = await this.db.run(IQ.getPolicy, [accountId, nameKey(policyName)]);
    return rows.length ? policyFromRow(rows[0]) : undefined;
  }

  async getPolicyVersion(accountId: string, policyName: string, versionId: string): Promise<PolicyVersion | undefined> {
    const { rows } = await this.db.run(IQ.getVersion, [accountId, nameKey(policyName), versionId]);
    if (!rows.length) return undefined;
    const row = rows[0];
    return {
      versionId: row.version_id as string,
      document: row.document as string,
      isDefaultVersion: row.version_id === row.default_version,
      createdAt: Number(row.created_at),
    };
  }

  async listManagedPolicies(accountId: string, f: ListFilter & { onlyAttached?: boolean }): Promise<Page<ManagedPolicy>> {
    const stmt = f.onlyAttached ? IQ.listAttachedOnlyPolicies : IQ.listPolicies;
    return page((await this.db.run(stmt, [accountId, f.after ?? '', f.pathPrefix ?? '', f.limit + 1])).rows, f.limit, policyFromRow);
  }

  async deleteManagedPolicy(accountId: string, policyName: string): Promise<DeletePolicyOutcome> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.run(IQ.lockPolicyByName, [accountId, nameKey(policyName)]);
      if (!rows.length) return 'notFound';
      const policyId = rows[0].policy_id as string;
      if ((await tx.run(IQ.policyAttached, [policyId])).rows[0].attached) return 'attached';
      await tx.run(IQ.deleteVersions, [policyId]);
      await tx.run(IQ.deletePolicy, [policyId]);
      return 'deleted';
    });
  }

  // Attachments

  async attachPolicy(accountId: string, holderId: string, policyId: string, limit: number, attachedAt: number): Promise<AttachOutcome> {
    return this.db.transaction(async (tx) => {
      if (!(await lockHolder(tx, accountId, holderId))) return 'noHolder';
      if ((await tx.run(IQ.sharePolicy, [accountId, policyId])).rowCount === 0) return 'noPolicy';
      if ((await tx.run(IQ.isAttached, [accountId, holderId, policyId])).rowCount > 0) return 'attached';
      if (Number((await tx.run(IQ.countAttached, [accountId, holderId])).rows[0].n) >= limit) return 'limitExceeded';
      await tx.run(IQ.attach, [accountId, holderId, policyId, attachedAt]);
      return 'attached';
    });
  }

  async detachPolicy(accountId: string, holderId: string, policyId: string): Promise<boolean> {
    return (await this.db.run(IQ.detach, [accountId, holderId, policyId])).rowCount === 1;
  }

  async listAttachedPolicies(accountId: string, holderId: string): Promise<ManagedPolicy[]> {
    return (await this.db.run(IQ.attachedPolicies, [accountId, holderId])).rows.map(policyFromRow);
  }

  async policyDocumentsOf(accountId: string, holderId: string): Promise<string[]> {
    return (await this.db.run(IQ.documentsOf, [accountId, holderId])).rows.map((r) => r.document as string);
  }

  // Sessions

  async putSession(s: SessionRecord): Promise<void> {
    await this.db.run(IQ.putSession, [
      s.accessKeyId, s.accountId, s.tokenHash, s.wrappedSecret, s.createdAt, s.expiresAt, s.principalType, s.principalArn,
      s.principalId, s.userName ?? null, s.roleArn ?? null, s.roleName ?? null, s.sessionName ?? null, s.sourceIdentity ?? null,
      JSON.stringify(s.tags),
    ]);
  }

  async getSession(accessKeyId: string): Promise<SessionRecord | undefined> {
    const { rows } = await this.db.run(IQ.getSession, [accessKeyId]);
    return rows.length ? sessionFromRow(rows[0]) : undefined;
  }

  async deleteExpiredSessions(before: number): Promise<number> {
    return (await this.db.run(IQ.deleteExpired, [before])).rowCount;
  }
}

/** Locks the user or role with this unique id in the account; false when there is none. */
async function lockHolder(tx: Queryable, accountId: string, holderId: string): Promise<boolean> {
  if ((await tx.run(IQ.lockUser, [accountId, holderId])).rowCount > 0) return true;
  return (await tx.run(IQ.lockRole, [accountId, holderId])).rowCount > 0;
}

function ownerOf(r: AccessKeyRecord): KeyOwner {
  return r.principalType === 'IAMUser' ? { type: 'IAMUser', userId: r.userId ?? '' } : { type: 'Root' };
}

async function ownerKeys(q: Queryable, accountId: string, owner: KeyOwner): Promise<Row[]> {
  const { rows } = owner.type === 'Root' ? await q.run(IQ.rootKeys, [accountId]) : await q.run(IQ.userKeys, [accountId, owner.userId]);
  return rows;
}

function accessKeyParams(r: AccessKeyRecord): unknown[] {
  return [r.accessKeyId, r.accountId, r.principalArn, r.principalType, r.wrappedSecret, r.status, r.createdAt, r.userName ?? null, r.userId ?? null];
}

function toAccount(row: Row): AccountRecord {
  return { accountId: row.account_id as string, createdAt: Number(row.created_at) };
}

function toInline(row: Row): InlinePolicy {
  return { policyName: row.policy_name as string, document: row.document as string };
}

/** Turns limit+1 rows (ordered by name_key) into a page; `next` is the last returned row's name_key. */
function page<T>(rows: Row[], limit: number, map: (row: Row) => T): Page<T> {
  const items = rows.slice(0, limit);
  const out: Page<T> = { items: items.map(map) };
  if (rows.length > limit) out.next = items[items.length - 1].name_key as string;
  return out;
}
