/**
 * IAM entities as Trent stores them: users, roles, customer managed policies
 * and their versions, inline policies, and temporary (STS) sessions. Names are
 * unique per account without regard to case, as in IAM; the stored name keeps
 * the case it was created with. Times are epoch milliseconds. Pure types.
 */
export interface IamTag {
  Key: string;
  Value: string;
}

export interface IamUser {
  accountId: string;
  userName: string;
  /** AIDA + 17 characters. */
  userId: string;
  path: string;
  arn: string;
  createdAt: number;
  tags: IamTag[];
}

export interface IamRole {
  accountId: string;
  roleName: string;
  /** AROA + 17 characters. */
  roleId: string;
  path: string;
  arn: string;
  /** The trust policy, as the client sent it. */
  trustPolicy: string;
  description?: string;
  /** Seconds, 3600..43200. */
  maxSessionDuration: number;
  createdAt: number;
  tags: IamTag[];
}

export interface ManagedPolicy {
  accountId: string;
  policyName: string;
  /** ANPA + 17 characters. */
  policyId: string;
  path: string;
  arn: string;
  description?: string;
  defaultVersionId: string;
  /** How many users and roles it is attached to (computed by the store). */
  attachmentCount: number;
  createdAt: number;
  updatedAt: number;
  tags: IamTag[];
}

export interface PolicyVersion {
  versionId: string;
  document: string;
  isDefaultVersion: boolean;
  createdAt: number;
}

export interface InlinePolicy {
  policyName: string;
  document: string;
}

/** The kinds of principal an IAM policy can be attached to or embedded in. */
export type PolicyHolderKind = 'user' | 'role';

/**
 * Temporary credentials (access key id ASIA...). The secret is stored wrapped
 * under the root key and the session token only as its SHA-256 hash.
 */
export interface SessionRecord {
  accessKeyId: string;
  accountId: string;
  /** SHA-256 of the session token. */
  tokenHash: Buffer;
  wrappedSecret: Buffer;
  createdAt: number;
  expiresAt: number;
  /** AssumedRole for AssumeRole sessions; IAMUser or Root for GetSessionToken sessions. */
  principalType: 'Root' | 'IAMUser' | 'AssumedRole';
  /** The session's own ARN: assumed-role ARN, user ARN or root ARN. */
  principalArn: string;
  /** The unique id of the user or role the session acts as (the account id for root). */
  principalId: string;
  userName?: string;
  roleArn?: string;
  roleName?: string;
  sessionName?: string;
  sourceIdentity?: string;
  /** Session tags (aws:PrincipalTag/*). */
  tags: IamTag[];
}
