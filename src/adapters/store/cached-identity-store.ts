/**
 * An IdentityStore that keeps the identity policy documents of recently seen
 * users and roles in memory, so authorizing an IAM user's or role's request
 * does not read the store every time (on PostgreSQL, a round trip per
 * request). Everything else passes through.
 *
 * Freshness, as CachedKeyStore: documents are served from memory only while
 * `trusted()` holds (the change feed was read recently). A write made through
 * this process that can change any holder's documents (an inline policy put
 * or deleted, a managed policy attached, detached or deleted, a user or role
 * deleted) drops every cached entry before and after it, so this process
 * reads its own writes; writes made anywhere else arrive on the change feed
 * (scope 'identity-policy': one holder, or a whole account when a managed
 * policy changed) within its bound. A read that raced with a drop is not kept.
 *
 * Bounded: at most `capacity` holders (10 000), least recently used out.
 */
import { ReadThroughCache } from '../../domain/read-through-cache.js';
import type { IamRole, IamUser, InlinePolicy, ManagedPolicy, PolicyVersion, SessionRecord } from '../../domain/iam/model.js';
import type { Change } from '../../ports/change-log.js';
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
} from '../../ports/identity-store.js';

export const IDENTITY_POLICY_CACHE_SIZE = 10_000;

export class CachedIdentityStore implements IdentityStore {
  /** Documents by 'account/holderId' (the change feed's subject), frozen. */
  private readonly documents: ReadThroughCache<string, readonly string[]>;

  constructor(
    private readonly store: IdentityStore,
    trusted: () => boolean,
    capacity = IDENTITY_POLICY_CACHE_SIZE,
  ) {
    this.documents = new ReadThroughCache(capacity, trusted);
  }

  /** Holders whose documents are held now. */
  get size(): number {
    return this.documents.size;
  }

  async policyDocumentsOf(accountId: string, holderId: string): Promise<string[]> {
    const docs = await this.documents.read(
      `${accountId}/${holderId}`,
      () => this.store.policyDocumentsOf(accountId, holderId),
      Object.freeze,
    );
    return docs ? docs.slice() : [];
  }

  /** Change feed: a holder's documents, or (subject 'account/*') every holder's of the account, are read from the store next time. */
  changed(change: Change): void {
    if (change.scope !== 'identity-policy') return;
    if (!change.subject.endsWith('/*')) {
      this.documents.drop(change.subject);
      return;
    }
    const prefix = change.subject.slice(0, -1);
    this.documents.dropWhere((subject) => subject.startsWith(prefix));
  }

  reset(): void {
    this.documents.clear();
  }

  /** Runs a write that may change documents, dropping everything before and after it. */
  private async changingPolicies<T>(write: () => Promise<T>): Promise<T> {
    this.reset();
    try {
      return await write();
    } finally {
      this.reset();
    }
  }

  // Writes that can change identity policy documents.
  deleteUser(accountId: string, userName: string): Promise<DeleteUserOutcome> {
    return this.changingPolicies(() => this.store.deleteUser(accountId, userName));
  }
  deleteRole(accountId: string, roleName: string): Promise<DeleteRoleOutcome> {
    return this.changingPolicies(() => this.store.deleteRole(accountId, roleName));
  }
  putInlinePolicy(accountId: string, holderId: string, policy: InlinePolicy): Promise<boolean> {
    return this.changingPolicies(() => this.store.putInlinePolicy(accountId, holderId, policy));
  }
  deleteInlinePolicy(accountId: string, holderId: string, policyName: string): Promise<boolean> {
    return this.changingPolicies(() => this.store.deleteInlinePolicy(accountId, holderId, policyName));
  }
  deleteManagedPolicy(accountId: string, policyName: string): Promise<DeletePolicyOutcome> {
    return this.changingPolicies(() => this.store.deleteManagedPolicy(accountId, policyName));
  }
  attachPolicy(accountId: string, holderId: string, policyId: string, limit: number, attachedAt: number): Promise<AttachOutcome> {
    return this.changingPolicies(() => this.store.attachPolicy(accountId, holderId, policyId, limit, attachedAt));
  }
  detachPolicy(accountId: string, holderId: string, policyId: string): Promise<boolean> {
    return this.changingPolicies(() => this.store.detachPolicy(accountId, holderId, policyId));
  }

  // Everything else passes through.
  ensureAccount(accountId: string, createdAt: number): Promise<boolean> {
    return this.store.ensureAccount(accountId, createdAt);
  }
  countAccounts(): Promise<number> {
    return this.store.countAccounts();
  }
  getAccount(accountId: string): Promise<AccountRecord | undefined> {
    return this.store.getAccount(accountId);
  }
  listAccounts(): Promise<AccountRecord[]> {
    return this.store.listAccounts();
  }
  putAccessKey(record: AccessKeyRecord): Promise<void> {
    return this.store.putAccessKey(record);
  }
  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined> {
    return this.store.getAccessKey(accessKeyId);
  }
  createAccessKey(record: AccessKeyRecord, limit: number): Promise<boolean> {
    return this.store.createAccessKey(record, limit);
  }
  listAccessKeys(accountId: string, owner: KeyOwner): Promise<AccessKeyRecord[]> {
    return this.store.listAccessKeys(accountId, owner);
  }
  setAccessKeyStatus(accessKeyId: string, status: AccessKeyRecord['status']): Promise<boolean> {
    return this.store.setAccessKeyStatus(accessKeyId, status);
  }
  deleteAccessKey(accessKeyId: string): Promise<boolean> {
    return this.store.deleteAccessKey(accessKeyId);
  }
  createUser(user: IamUser): Promise<boolean> {
    return this.store.createUser(user);
  }
  getUser(accountId: string, userName: string): Promise<IamUser | undefined> {
    return this.store.getUser(accountId, userName);
  }
  listUsers(accountId: string, filter: ListFilter): Promise<Page<IamUser>> {
    return this.store.listUsers(accountId, filter);
  }
  createRole(role: IamRole): Promise<boolean> {
    return this.store.createRole(role);
  }
  getRole(accountId: string, roleName: string): Promise<IamRole | undefined> {
    return this.store.getRole(accountId, roleName);
  }
  listRoles(accountId: string, filter: ListFilter): Promise<Page<IamRole>> {
    return this.store.listRoles(accountId, filter);
  }
  updateRoleTrustPolicy(accountId: string, roleName: string, trustPolicy: string): Promise<boolean> {
    return this.store.updateRoleTrustPolicy(accountId, roleName, trustPolicy);
  }
  getInlinePolicy(accountId: string, holderId: string, policyName: string): Promise<InlinePolicy | undefined> {
    return this.store.getInlinePolicy(accountId, holderId, policyName);
  }
  listInlinePolicies(accountId: string, holderId: string): Promise<InlinePolicy[]> {
    return this.store.listInlinePolicies(accountId, holderId);
  }
  createManagedPolicy(policy: ManagedPolicy, firstVersion: PolicyVersion): Promise<boolean> {
    return this.store.createManagedPolicy(policy, firstVersion);
  }
  getManagedPolicy(accountId: string, policyName: string): Promise<ManagedPolicy | undefined> {
    return this.store.getManagedPolicy(accountId, policyName);
  }
  getPolicyVersion(accountId: string, policyName: string, versionId: string): Promise<PolicyVersion | undefined> {
    return this.store.getPolicyVersion(accountId, policyName, versionId);
  }
  listManagedPolicies(accountId: string, filter: ListFilter & { onlyAttached?: boolean }): Promise<Page<ManagedPolicy>> {
    return this.store.listManagedPolicies(accountId, filter);
  }
  listAttachedPolicies(accountId: string, holderId: string): Promise<ManagedPolicy[]> {
    return this.store.listAttachedPolicies(accountId, holderId);
  }
  putSession(session: SessionRecord): Promise<void> {
    return this.store.putSession(session);
  }
  getSession(accessKeyId: string): Promise<SessionRecord | undefined> {
    return this.store.getSession(accessKeyId);
  }
  deleteExpiredSessions(before: number): Promise<number> {
    return this.store.deleteExpiredSessions(before);
  }
}
