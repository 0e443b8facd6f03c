/**
 * SQL of the PostgreSQL IdentityStore. Columns are always listed (never `*`),
 * so a later migration that adds a column cannot break a statement another
 * node has already prepared. The `lock*` statements take the row locks that
 * make check-then-write transactions behave as SQLite's serialised ones do.
 */
import { statement as s } from './pg-database.js';

const ACCESS_KEY_COLUMNS = 'access_key_id, account_id, principal_arn, principal_type, wrapped_secret, status, created_at, user_name, user_id';
const USER_COLUMNS = 'account_id, name_key, user_name, user_id, path, arn, created_at, tags';
const ROLE_COLUMNS = 'account_id, name_key, role_name, role_id, path, arn, trust_policy, description, max_session_duration, created_at, tags';
const SESSION_COLUMNS =
  'access_key_id, account_id, token_hash, wrapped_secret, created_at, expires_at, principal_type, principal_arn, principal_id, ' +
  'user_name, role_arn, role_name, session_name, source_identity, tags';
/** Managed policies with their attachment count. */
const POLICY_SELECT =
  'SELECT p.account_id, p.name_key, p.policy_name, p.policy_id, p.path, p.arn, p.description, p.default_version, p.created_at, p.updated_at, p.tags, ' +
  '(SELECT count(*) FROM iam_attachments a WHERE a.policy_id = p.policy_id) AS attachment_count FROM iam_managed_policies p';
/** One page in name order after a position, with paths starting with a prefix (the empty prefix matches all). */
const PAGE = 'account_id = $1 AND name_key > $2 AND starts_with(path, $3) ORDER BY name_key LIMIT $4';

export const IQ = {
  insertAccount: s('account_create', 'INSERT INTO accounts (account_id, created_at) VALUES ($1, $2) ON CONFLICT (account_id) DO NOTHING'),
  countAccounts: s('account_count', 'SELECT count(*) AS n FROM accounts'),
  getAccount: s('account_get', 'SELECT account_id, created_at FROM accounts WHERE account_id = $1'),
  listAccounts: s('account_list', 'SELECT account_id, created_at FROM accounts ORDER BY account_id'),
  lockAccount: s('account_lock', 'SELECT 1 FROM accounts WHERE account_id = $1 FOR NO KEY UPDATE'),

  putAccessKey: s(
    'access_key_put',
    `INSERT INTO access_keys (${ACCESS_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (access_key_id) DO UPDATE SET ` +
      'account_id = excluded.account_id, principal_arn = excluded.principal_arn, principal_type = excluded.principal_type, ' +
      'wrapped_secret = excluded.wrapped_secret, status = excluded.status, created_at = excluded.created_at, ' +
      'user_name = excluded.user_name, user_id = excluded.user_id',
  ),
  insertAccessKey: s('access_key_create', `INSERT INTO access_keys (${ACCESS_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`),
  getAccessKey: s('access_key_get', `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys WHERE access_key_id = $1`),
  rootKeys: s(
    'access_key_root',
    `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys WHERE account_id = $1 AND principal_type = 'Root' ORDER BY created_at, access_key_id`,
  ),
  userKeys: s(
    'access_key_user',
    `SELECT ${ACCESS_KEY_COLUMNS} FROM access_keys WHERE account_id = $1 AND principal_type = 'IAMUser' AND user_id = $2 ORDER BY created_at, access_key_id`,
  ),
  setKeyStatus: s('access_key_status', 'UPDATE access_keys SET status = $2 WHERE access_key_id = $1'),
  deleteKey: s('access_key_delete', 'DELETE FROM access_keys WHERE access_key_id = $1'),

  insertUser: s('user_create', `INSERT INTO iam_users (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`),
  getUser: s('user_get', `SELECT ${USER_COLUMNS} FROM iam_users WHERE account_id = $1 AND name_key = $2`),
  lockUserByName: s('user_lock_by_name', 'SELECT user_id FROM iam_users WHERE account_id = $1 AND name_key = $2 FOR UPDATE'),
  lockUser: s('user_lock', 'SELECT 1 FROM iam_users WHERE account_id = $1 AND user_id = $2 FOR NO KEY UPDATE'),
  listUsers: s('user_list', `SELECT ${USER_COLUMNS} FROM iam_users WHERE ${PAGE}`),
  userBlockers: s(
    'user_blockers',
    "SELECT EXISTS (SELECT 1 FROM access_keys WHERE account_id = $1 AND principal_type = 'IAMUser' AND user_id = $2) AS keys, " +
      'EXISTS (SELECT 1 FROM iam_inline_policies WHERE account_id = $1 AND holder_id = $2) AS inline, ' +
      'EXISTS (SELECT 1 FROM iam_attachments WHERE account_id = $1 AND holder_id = $2) AS attached',
  ),
  deleteUser: s('user_delete', 'DELETE FROM iam_users WHERE account_id = $1 AND name_key = $2'),

  insertRole: s('role_create', `INSERT INTO iam_roles (${ROLE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`),
  getRole: s('role_get', `SELECT ${ROLE_COLUMNS} FROM iam_roles WHERE account_id = $1 AND name_key = $2`),
  lockRoleByName: s('role_lock_by_name', 'SELECT role_id FROM iam_roles WHERE account_id = $1 AND name_key = $2 FOR UPDATE'),
  lockRole: s('role_lock', 'SELECT 1 FROM iam_roles WHERE account_id = $1 AND role_id = $2 FOR NO KEY UPDATE'),
  listRoles: s('role_list', `SELECT ${ROLE_COLUMNS} FROM iam_roles WHERE ${PAGE}`),
  setTrustPolicy: s('role_trust_policy', 'UPDATE iam_roles SET trust_policy = $3 WHERE account_id = $1 AND name_key = $2'),
  deleteRole: s('role_delete', 'DELETE FROM iam_roles WHERE account_id = $1 AND name_key = $2'),
  holderBlockers: s(
    'holder_blockers',
    'SELECT EXISTS (SELECT 1 FROM iam_inline_policies WHERE account_id = $1 AND holder_id = $2) AS inline, ' +
      'EXISTS (SELECT 1 FROM iam_attachments WHERE account_id = $1 AND holder_id = $2) AS attached',
  ),

  putInline: s(
    'inline_put',
    'INSERT INTO iam_inline_policies (account_id, holder_id, name_key, policy_name, document) VALUES ($1, $2, $3, $4, $5) ' +
      'ON CONFLICT (account_id, holder_id, name_key) DO UPDATE SET policy_name = excluded.policy_name, document = excluded.document',
  ),
  getInline: s('inline_get', 'SELECT policy_name, document FROM iam_inline_policies WHERE account_id = $1 AND holder_id = $2 AND name_key = $3'),
  listInline: s('inline_list', 'SELECT policy_name, document FROM iam_inline_policies WHERE account_id = $1 AND holder_id = $2 ORDER BY name_key'),
  deleteInline: s('inline_delete', 'DELETE FROM iam_inline_policies WHERE account_id = $1 AND holder_id = $2 AND name_key = $3'),

  // One statement: the policy and its first version are created together, or neither when the name (or id) is taken.
  createPolicy: s(
    'policy_create',
    'WITH p AS (INSERT INTO iam_managed_policies (account_id, name_key, policy_name, policy_id, path, arn, description, default_version, created_at, updated_at, tags) ' +
      'VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING policy_id) ' +
      'INSERT INTO iam_policy_versions (policy_id, version_id, document, created_at) SELECT policy_id, $12, $13, $14 FROM p',
  ),
  getPolicy: s('policy_get', `${POLICY_SELECT} WHERE p.account_id = $1 AND p.name_key = $2`),
  lockPolicyByName: s('policy_lock_by_name', 'SELECT policy_id FROM iam_managed_policies WHERE account_id = $1 AND name_key = $2 FOR UPDATE'),
  sharePolicy: s('policy_share', 'SELECT 1 FROM iam_managed_policies WHERE account_id = $1 AND policy_id = $2 FOR SHARE'),
  policyAttached: s('policy_attached', 'SELECT EXISTS (SELECT 1 FROM iam_attachments WHERE policy_id = $1) AS attached'),
  getVersion: s(
    'policy_version_get',
    'SELECT v.version_id, v.document, v.created_at, p.default_version FROM iam_managed_policies p JOIN iam_policy_versions v ON v.policy_id = p.policy_id ' +
      'WHERE p.account_id = $1 AND p.name_key = $2 AND v.version_id = $3',
  ),
  listPolicies: s('policy_list', `${POLICY_SELECT} WHERE p.account_id = $1 AND p.name_key > $2 AND starts_with(p.path, $3) ORDER BY p.name_key LIMIT $4`),
  listAttachedOnlyPolicies: s(
    'policy_list_attached',
    `${POLICY_SELECT} WHERE p.account_id = $1 AND p.name_key > $2 AND starts_with(p.path, $3) ` +
      'AND EXISTS (SELECT 1 FROM iam_attachments a WHERE a.policy_id = p.policy_id) ORDER BY p.name_key LIMIT $4',
  ),
  deleteVersions: s('policy_delete_versions', 'DELETE FROM iam_policy_versions WHERE policy_id = $1'),
  deletePolicy: s('policy_delete', 'DELETE FROM iam_managed_policies WHERE policy_id = $1'),

  isAttached: s('attachment_exists', 'SELECT 1 FROM iam_attachments WHERE account_id = $1 AND holder_id = $2 AND policy_id = $3'),
  countAttached: s('attachment_count', 'SELECT count(*) AS n FROM iam_attachments WHERE account_id = $1 AND holder_id = $2'),
  attach: s('attachment_create', 'INSERT INTO iam_attachments (account_id, holder_id, policy_id, attached_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING'),
  detach: s('attachment_delete', 'DELETE FROM iam_attachments WHERE account_id = $1 AND holder_id = $2 AND policy_id = $3'),
  attachedPolicies: s(
    'attachment_policies',
    `${POLICY_SELECT} JOIN iam_attachments x ON x.policy_id = p.policy_id WHERE x.account_id = $1 AND x.holder_id = $2 ORDER BY p.name_key`,
  ),
  // Inline documents by name, then the default versions of attached policies by name: one statement, one snapshot.
  documentsOf: s(
    'holder_documents',
    'SELECT document FROM (' +
      'SELECT 0 AS part, name_key AS ord, document FROM iam_inline_policies WHERE account_id = $1 AND holder_id = $2 ' +
      'UNION ALL ' +
      'SELECT 1, p.name_key, v.document FROM iam_attachments a JOIN iam_managed_policies p ON p.policy_id = a.policy_id ' +
      'JOIN iam_policy_versions v ON v.policy_id = p.policy_id AND v.version_id = p.default_version ' +
      'WHERE a.account_id = $1 AND a.holder_id = $2' +
      ') d ORDER BY part, ord',
  ),

  putSession: s(
    'session_put',
    `INSERT INTO sts_sessions (${SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
  ),
  getSession: s('session_get', `SELECT ${SESSION_COLUMNS} FROM sts_sessions WHERE access_key_id = $1`),
  deleteSessionsOf: s('session_delete_of', 'DELETE FROM sts_sessions WHERE account_id = $1 AND principal_id = $2'),
  deleteExpired: s('session_delete_expired', 'DELETE FROM sts_sessions WHERE expires_at < $1'),
};
