/**
 * PostgreSQL schema of accounts, credentials and IAM entities (component
 * 'identity'). Append only: never edit a released step; add a new one.
 *
 * The same tables as SQLite's identity schema: `name_key` is the lower-cased
 * name (IAM names are unique without regard to case); inline policies and
 * attachments refer to their holder by unique id; STS sessions keep the
 * secret wrapped and the token only as its SHA-256 hash (BYTEA). Identifier
 * columns are COLLATE "C" so listings sort by bytes, as SQLite does.
 */
export const PG_IDENTITY_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE accounts (
    account_id TEXT COLLATE "C" PRIMARY KEY,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE access_keys (
    access_key_id TEXT COLLATE "C" PRIMARY KEY,
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (account_id),
    principal_arn TEXT NOT NULL,
    principal_type TEXT COLLATE "C" NOT NULL,
    wrapped_secret BYTEA NOT NULL,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    user_name TEXT,
    user_id TEXT COLLATE "C"
  );
  CREATE INDEX access_keys_by_owner ON access_keys (account_id, principal_type, user_id);
  CREATE TABLE iam_users (
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (account_id),
    name_key TEXT COLLATE "C" NOT NULL,
    user_name TEXT NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL UNIQUE,
    path TEXT COLLATE "C" NOT NULL,
    arn TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    tags TEXT NOT NULL,
    PRIMARY KEY (account_id, name_key)
  );
  CREATE TABLE iam_roles (
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (account_id),
    name_key TEXT COLLATE "C" NOT NULL,
    role_name TEXT NOT NULL,
    role_id TEXT COLLATE "C" NOT NULL UNIQUE,
    path TEXT COLLATE "C" NOT NULL,
    arn TEXT NOT NULL,
    trust_policy TEXT NOT NULL,
    description TEXT,
    max_session_duration INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    tags TEXT NOT NULL,
    PRIMARY KEY (account_id, name_key)
  );
  CREATE TABLE iam_managed_policies (
    account_id TEXT COLLATE "C" NOT NULL REFERENCES accounts (account_id),
    name_key TEXT COLLATE "C" NOT NULL,
    policy_name TEXT NOT NULL,
    policy_id TEXT COLLATE "C" NOT NULL UNIQUE,
    path TEXT COLLATE "C" NOT NULL,
    arn TEXT NOT NULL,
    description TEXT,
    default_version TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    tags TEXT NOT NULL,
    PRIMARY KEY (account_id, name_key)
  );
  CREATE TABLE iam_policy_versions (
    policy_id TEXT COLLATE "C" NOT NULL,
    version_id TEXT COLLATE "C" NOT NULL,
    document TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (policy_id, version_id)
  );
  CREATE TABLE iam_inline_policies (
    account_id TEXT COLLATE "C" NOT NULL,
    holder_id TEXT COLLATE "C" NOT NULL,
    name_key TEXT COLLATE "C" NOT NULL,
    policy_name TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (account_id, holder_id, name_key)
  );
  CREATE TABLE iam_attachments (
    account_id TEXT COLLATE "C" NOT NULL,
    holder_id TEXT COLLATE "C" NOT NULL,
    policy_id TEXT COLLATE "C" NOT NULL,
    attached_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, holder_id, policy_id)
  );
  CREATE INDEX iam_attachments_by_policy ON iam_attachments (policy_id);
  CREATE TABLE sts_sessions (
    access_key_id TEXT COLLATE "C" PRIMARY KEY,
    account_id TEXT COLLATE "C" NOT NULL,
    token_hash BYTEA NOT NULL,
    wrapped_secret BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    principal_type TEXT NOT NULL,
    principal_arn TEXT NOT NULL,
    principal_id TEXT COLLATE "C" NOT NULL,
    user_name TEXT,
    role_arn TEXT,
    role_name TEXT,
    session_name TEXT,
    source_identity TEXT,
    tags TEXT NOT NULL
  );
  CREATE INDEX sts_sessions_by_expiry ON sts_sessions (expires_at);
  CREATE INDEX sts_sessions_by_principal ON sts_sessions (principal_id);
  `,
];
