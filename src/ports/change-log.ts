/**
 * The change feed: an append-only log of what changed in the store, so every
 * node (and every worker process) sharing it can drop what its in-memory
 * caches hold about the changed thing. Rows are written by the store itself
 * (database triggers, in the same transaction as the change), so no writer can
 * forget to publish one. Sequence numbers only grow; under concurrent writers
 * on PostgreSQL a lower number may commit after a higher one has been read, so
 * readers re-ask for the numbers they saw skipped (`since`'s `missing`).
 */
export type ChangeScope =
  /** A KMS key, its material, grants or aliases; subject `account/region/keyId`. */
  | 'key'
  /** A long-term access key or STS session credentials; subject the access key id. */
  | 'credential'
  /** An IAM user or role (deleted or changed); subject its unique id (AIDA.../AROA...). */
  | 'principal'
  /**
   * The identity policies of a user or role; subject `account/holderId`, or
   * `account/*` when a managed policy changed (any holder of that account).
   */
  | 'identity-policy';

export interface Change {
  seq: number;
  scope: ChangeScope;
  subject: string;
}

export interface ChangeLog {
  /** The highest sequence number recorded so far (0 when the log is empty). */
  head(): Promise<number>;
  /** Changes with seq above `after` or in `missing`, by seq, at most `limit`. */
  since(after: number, missing: readonly number[], limit: number): Promise<Change[]>;
  /** Deletes changes recorded more than `olderThanMs` ago (by the database's clock); returns how many. */
  prune(olderThanMs: number): Promise<number>;
}
