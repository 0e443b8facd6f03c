/** Row <-> record mapping for the SQLite IdentityStore (identity schema step 2). */
import type { IamRole, IamTag, IamUser, ManagedPolicy, SessionRecord } from '../../../domain/iam/model.js';
import type { AccessKeyRecord } from '../../../ports/identity-store.js';
import type { Row } from './sqlite-driver.js';

const str = (v: unknown) => v as string;
const num = (v: unknown) => Number(v);
const opt = (v: unknown) => (v === null || v === undefined ? undefined : (v as string));
const tags = (v: unknown) => JSON.parse(v as string) as IamTag[];

/** Copies `fields` onto `base`, leaving out undefined values (records never carry undefined members). */
export function withOptional<T extends object>(base: T, fields: Record<string, unknown>): T {
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (base as Record<string, unknown>)[k] = v;
  return base;
}

export function accessKeyFromRow(row: Row): AccessKeyRecord {
  return withOptional(
    {
      accessKeyId: str(row.access_key_id),
      accountId: str(row.account_id),
      principalArn: str(row.principal_arn),
      principalType: row.principal_type as AccessKeyRecord['principalType'],
      wrappedSecret: row.wrapped_secret as Buffer,
      status: row.status as AccessKeyRecord['status'],
      createdAt: num(row.created_at),
    },
    { userName: opt(row.user_name), userId: opt(row.user_id) },
  );
}

export function userFromRow(row: Row): IamUser {
  return {
    accountId: str(row.account_id),
    userName: str(row.user_name),
    userId: str(row.user_id),
    path: str(row.path),
    arn: str(row.arn),
    createdAt: num(row.created_at),
    tags: tags(row.tags),
  };
}

export function roleFromRow(row: Row): IamRole {
  return withOptional(
    {
      accountId: str(row.account_id),
      roleName: str(row.role_name),
      roleId: str(row.role_id),
      path: str(row.path),
      arn: str(row.arn),
      trustPolicy: str(row.trust_policy),
      maxSessionDuration: num(row.max_session_duration),
      createdAt: num(row.created_at),
      tags: tags(row.tags),
    },
    { description: opt(row.description) },
  );
}

export function policyFromRow(row: Row): ManagedPolicy {
  return withOptional(
    {
      accountId: str(row.account_id),
      policyName: str(row.policy_name),
      policyId: str(row.policy_id),
      path: str(row.path),
      arn: str(row.arn),
      defaultVersionId: str(row.default_version),
      attachmentCount: num(row.attachment_count ?? 0),
      createdAt: num(row.created_at),
      updatedAt: num(row.updated_at),
      tags: tags(row.tags),
    },
    { description: opt(row.description) },
  );
}

export function sessionFromRow(row: Row): SessionRecord {
  return withOptional(
    {
      accessKeyId: str(row.access_key_id),
      accountId: str(row.account_id),
      tokenHash: row.token_hash as Buffer,
      wrappedSecret: row.wrapped_secret as Buffer,
      createdAt: num(row.created_at),
      expiresAt: num(row.expires_at),
      principalType: row.principal_type as SessionRecord['principalType'],
      principalArn: str(row.principal_arn),
      principalId: str(row.principal_id),
      tags: tags(row.tags),
    },
    {
      userName: opt(row.user_name),
      roleArn: opt(row.role_arn),
      roleName: opt(row.role_name),
      sessionName: opt(row.session_name),
      sourceIdentity: opt(row.source_identity),
    },
  );
}
