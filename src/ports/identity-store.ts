/**
 * Durable storage of accounts and their credentials (and, with IAM, users,
 * roles, policies and sessions). Every method is atomic and durable before
 * its promise resolves.
 */
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
}

export interface IdentityStore {
  /** Creates the account if it is new; returns true if it was created. */
  ensureAccount(accountId: string, createdAt: number): Promise<boolean>;
  countAccounts(): Promise<number>;
  putAccessKey(record: AccessKeyRecord): Promise<void>;
  getAccessKey(accessKeyId: string): Promise<AccessKeyRecord | undefined>;
}
