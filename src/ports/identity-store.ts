/**
 * Durable storage of accounts and their identities: access keys, IAM users,
 * roles, customer managed policies (with versions), inline policies,
 * attachments, and temporary (STS) sessions. Every method is atomic and
 * durable before its promise resolves. Names of users, roles and policies are
 * matched without regard to case, as IAM does. Secrets are stored only wrapped
 * under the root key, session tokens only as hashes.
 */
import type { IamRole, IamUser, InlinePolicy, ManagedPolicy, PolicyVersion, SessionRecord } from '../domain/iam/model.js';

export interface AccessKeyRecord {
  accessKeyId: string;
  accountId: string;
  /** ARN of the principal the key belongs to, e.g. arn:aws:iam::111122223333:root */
  principalArn: string;
  principalType: 'Root' | 'IAMUser' | 'AssumedRole';
  /** Secret access key wrapped under the root key. */
  wrappedSecret: Buffer;
  status: 'Active' | 'Inactive';
  createdAt: number;
  /** IAM users' keys only: the user's name and unique id (AIDA...). */
  userName?: string;
  userId?: string;
}

export interface AccountRecord {
  accountId: string;
  createdAt: number;
}

/** Whose access keys: the account root's, or an IAM user's (by unique id). */
export type KeyOwner = { type: 'Root' } | { type: 'IAMUser'; userId: string };

/** One page of a listing, in name order; `next` is the position to continue after. */
export interface Page<T> {
  items: T[];
  next?: string;
}

export interface ListFilter {
  /** Only entities whose path starts with this. */
  pathPrefix?: string;
  /** Continue after this position (a `next` from an earlier page). */
  after?: string;
  limit: number;
}

export type DeleteUserOutcome = 'deleted' | 'notFound' | 'hasAccessKeys' | 'hasInlinePolicies' | 'hasAttachedPolicies';
export type DeleteRoleOutcome = 'deleted' | 'notFound' | 'hasInlinePolicies' | 'hasAttachedPolicies';
export type DeletePolicyOutcome = 'deleted' | 'notFound' | 'attached';
export type AttachOutcome = 'attached' | 'noHolder' | 'noPolicy' | 'limitExceeded';

export interface IdentityStore {
  // Accounts
  /** Creates the account if it is new; returns true if it was created. */
  ensureAccount(accountId: string, createdAt: number): Promise<boolean>;
  countAccounts(): Promise<number>;
  getAccount(accountId: string): Promise<AccountRecord | undefined>;
  /** Every account, by id. */
  listAccounts(): Promise<AccountRecord[]>;

  // Access keys (long-term)
  /** Inserts or replaces a key. */
  putAccessKey(record: AccessKeyRecord): Promise<void>;
  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
  /**
   * Adds a new key if its owner has fewer than `limit` keys (and, for a user,
   * the user still exists); false otherwise.
   */
  createAccessKey(record: AccessKeyRecord, limit: number): Promise<boolean>;
  /** The owner's keys, oldest first. */
  listAccessKeys(accountId: string, owner: KeyOwner): Promise<AccessKeyRecord[]>;
  setAccessKeyStatus(accessKeyId: string, status: AccessKeyRecord['status']): Promise<boolean>;
  deleteAccessKey(accessKeyId: string): Promise<boolean>;

  // Users
  /** False when the account already has a user of that name (in any case). */
  createUser(user: IamUser): Promise<boolean>;
  getUser(accountId: string, userName: string): Promise<IamUser | undefined>;
  listUsers(accountId: string, filter: ListFilter): Promise<Page<IamUser>>;
  /** Deletes a user that has no access keys, inline policies or attached policies; its sessions go with it. */
  deleteUser(accountId: string, userName: string): Promise<DeleteUserOutcome>;

  // Roles
  createRole(role: IamRole): Promise<boolean>;
  getRole(accountId: string, roleName: string): Promise<IamRole | undefined>;
  listRoles(accountId: string, filter: ListFilter): Promise<Page<IamRole>>;
  updateRoleTrustPolicy(accountId: string, roleName: string, trustPolicy: string): Promise<boolean>;
  /** Deletes a role that has no inline or attached policies; its sessions go with it. */
  deleteRole(accountId: string, roleName: string): Promise<DeleteRoleOutcome>;

  // Inline policies of a user or role, by the holder's unique id
  /** Creates or replaces; false when the holder does not exist. */
  putInlinePolicy(accountId: string, holderId: string, policy: InlinePolicy): Promise<boolean>;
  getInlinePolicy(accountId: string, holderId: string, policyName: string): Promise<InlinePolicy | undefined>;
  /** Every inline policy of the holder, by name. */
  listInlinePolicies(accountId: string, holderId: string): Promise<InlinePolicy[]>;
  deleteInlinePolicy(accountId: string, holderId: string, policyName: string): Promise<boolean>;

  // Customer managed policies
  /** Creates the policy with `firstVersion` as its default version; false when the name is taken. */
  createManagedPolicy(policy: ManagedPolicy, firstVersion: PolicyVersion): Promise<boolean>;
  getManagedPolicy(accountId: string, policyName: string): Promise<ManagedPolicy | undefined>;
  getPolicyVersion(accountId: string, policyName: string, versionId: string): Promise<PolicyVersion | undefined>;
  listManagedPolicies(accountId: string, filter: ListFilter & { onlyAttached?: boolean }): Promise<Page<ManagedPolicy>>;
  /** Deletes a policy that is attached to nobody, with its versions. */
  deleteManagedPolicy(accountId: string, policyName: string): Promise<DeletePolicyOutcome>;

  // Attachments of managed policies to users and roles (by unique ids); attaching twice is harmless
  attachPolicy(accountId: string, holderId: string, policyId: string, limit: number, attachedAt: number): Promise<AttachOutcome>;
  detachPolicy(accountId: string, holderId: string, policyId: string): Promise<boolean>;
  /** The holder's attached policies, by name. */
  listAttachedPolicies(accountId: string, holderId: string): Promise<ManagedPolicy[]>;

  /**
   * The documents of every identity policy of a user or role: its inline
   * policies, then the default versions of its attached managed policies.
   */
  policyDocumentsOf(accountId: string, holderId: string): Promise<string[]>;

  // Temporary credentials
  putSession(session: SessionRecord): Promise<void>;
  getSession(accessKeyId: string): Promise<SessionRecord | undefined>;
  /** Deletes sessions that expired before `before`; returns how many. */
  deleteExpiredSessions(before: number): Promise<number>;
}
