/**
 * Schema of accounts, credentials and IAM entities (component 'identity').
 * Append only: never edit a released step.
 *
 * Step 2 (IAM): users, roles, customer managed policies and their versions,
 * inline policies and attachments (by the holder's unique id), the owner of
 * each access key, and STS sessions (secret wrapped, token as SHA-256 hash).
 * `name_key` is the lower-cased name: IAM names are unique without regard to case.
 */
export const IDENTITY_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE accounts (
    account_id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    principal_arn TEXT NOT NULL,
    principal_type TEXT NOT NULL,
    wrapped_secret BLOB NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  `,
  `
  ALTER TABLE access_keys ADD COLUMN user_name TEXT;
  ALTER TABLE access_keys ADD COLUMN user_id TEXT;
  CREATE INDEX access_keys_by_owner ON access_keys(account_id, principal_type, user_id);
  CREATE TABLE iam_users (
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    name_key TEXT NOT NULL,
    user_name TEXT NOT NULL,
    user_id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    tags TEXT NOT NULL,
    PRIMARY KEY (account_id, name_key)
  ) WITHOUT ROWID;
  CREATE TABLE iam_roles (
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    name_key TEXT NOT NULL,
    role_name TEXT NOT NULL,
    role_id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    trust_policy TEXT NOT NULL,
    description TEXT,
    max_session_duration INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    tags TEXT NOT NULL,
    PRIMARY KEY (account_id, name_key)
  ) WITHOUT ROWID;
  CREATE TABLE iam_managed_policies (
    account_id TEXT NOT NULL REFERENCES accounts(account_id),
    name_key TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    policy_id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    arn TEXT NOT NULL,
    description TEXT,
    default_version TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    tags TEXT NOT NULL,
    PRIMARY KEY (account_id, name_key)
  ) WITHOUT ROWID;
  CREATE TABLE iam_policy_versions (
    policy_id TEXT NOT NULL,
    version_id TEXT NOT NULL,
    document TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (policy_id, version_id)
  ) WITHOUT ROWID;
  CREATE TABLE iam_inline_policies (
    account_id TEXT NOT NULL,
    holder_id TEXT NOT NULL,
    name_key TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (account_id, holder_id, name_key)
  ) WITHOUT ROWID;
  CREATE TABLE iam_attachments (
    account_id TEXT NOT NULL,
    holder_id TEXT NOT NULL,
    policy_id TEXT NOT NULL,
    attached_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, holder_id, policy_id)
  ) WITHOUT ROWID;
  CREATE INDEX iam_attachments_by_policy ON iam_attachments(policy_id);
  CREATE TABLE sts_sessions (
    access_key_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    token_hash BLOB NOT NULL,
    wrapped_secret BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    principal_type TEXT NOT NULL,
    principal_arn TEXT NOT NULL,
    principal_id TEXT NOT NULL,
    user_name TEXT,
    role_arn TEXT,
    role_name TEXT,
    session_name TEXT,
    source_identity TEXT,
    tags TEXT NOT NULL
  );
  CREATE INDEX sts_sessions_by_expiry ON sts_sessions(expires_at);
  CREATE INDEX sts_sessions_by_principal ON sts_sessions(principal_id);
  `,
];
