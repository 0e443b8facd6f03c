/**
 * Which stored changes are published to the change feed, shared by the SQLite
 * and PostgreSQL triggers: for each table, the statements that publish and the
 * change's scope and subject (column names joined with '/'; a name that is not
 * a column, such as '*', is taken literally). The subject comes from the new
 * row for an INSERT, from the old row otherwise.
 */
import type { ChangeScope } from '../../../ports/change-log.js';

export type TriggerEvent = 'INSERT' | 'UPDATE' | 'DELETE';

export interface PublishedTable {
  table: string;
  events: readonly TriggerEvent[];
  scope: ChangeScope;
  subject: readonly string[];
}

const KEY = ['account_id', 'region', 'key_id'];

export const PUBLISHED_TABLES: readonly PublishedTable[] = [
  { table: 'keys', events: ['UPDATE', 'DELETE'], scope: 'key', subject: KEY },
  { table: 'key_materials', events: ['UPDATE', 'DELETE'], scope: 'key', subject: KEY },
  { table: 'grants', events: ['INSERT', 'UPDATE', 'DELETE'], scope: 'key', subject: KEY },
  { table: 'aliases', events: ['UPDATE', 'DELETE'], scope: 'key', subject: ['account_id', 'region', 'target_key_id'] },
  { table: 'access_keys', events: ['UPDATE', 'DELETE'], scope: 'credential', subject: ['access_key_id'] },
  { table: 'sts_sessions', events: ['UPDATE', 'DELETE'], scope: 'credential', subject: ['access_key_id'] },
  { table: 'iam_users', events: ['UPDATE', 'DELETE'], scope: 'principal', subject: ['user_id'] },
  { table: 'iam_roles', events: ['UPDATE', 'DELETE'], scope: 'principal', subject: ['role_id'] },
  { table: 'iam_inline_policies', events: ['INSERT', 'UPDATE', 'DELETE'], scope: 'identity-policy', subject: ['account_id', 'holder_id'] },
  { table: 'iam_attachments', events: ['INSERT', 'UPDATE', 'DELETE'], scope: 'identity-policy', subject: ['account_id', 'holder_id'] },
  { table: 'iam_managed_policies', events: ['UPDATE', 'DELETE'], scope: 'identity-policy', subject: ['account_id', '*'] },
];

/** Changes older than this are pruned (a node that has not read them by then has stopped trusting its caches). */
export const CHANGE_RETENTION_MS = 60 * 60 * 1000;
