/**
 * What CloudTrail records for the IAM and STS actions Trent serves (and
 * CloudTrail's own LookupEvents). Secret access keys and session tokens are
 * never listed: CreateAccessKey records the key's id and status, AssumeRole
 * and GetSessionToken the credentials' access key id and expiration only.
 * MFA serial numbers and token codes are not recorded either.
 */
import type { OperationSpec } from './kms-fields.js';
import type { Spec } from './redact.js';

const TAGS = { listOf: { Key: 'scalar', Value: 'scalar' } } as const;
const PAGING: Spec = { Marker: 'scalar', MaxItems: 'scalar' };

const USER: Spec = { Path: 'scalar', UserName: 'scalar', UserId: 'scalar', Arn: 'scalar', CreateDate: 'date', Tags: TAGS };
const ROLE: Spec = {
  Path: 'scalar',
  RoleName: 'scalar',
  RoleId: 'scalar',
  Arn: 'scalar',
  CreateDate: 'date',
  AssumeRolePolicyDocument: 'scalar',
  Description: 'scalar',
  MaxSessionDuration: 'scalar',
  Tags: TAGS,
};
const POLICY: Spec = {
  PolicyName: 'scalar',
  PolicyId: 'scalar',
  Arn: 'scalar',
  Path: 'scalar',
  DefaultVersionId: 'scalar',
  AttachmentCount: 'scalar',
  PermissionsBoundaryUsageCount: 'scalar',
  IsAttachable: 'scalar',
  Description: 'scalar',
  CreateDate: 'date',
  UpdateDate: 'date',
  Tags: TAGS,
};

const op = (request: Spec, readOnly: boolean, response: Spec | null = null): OperationSpec => ({ request, response, readOnly });

export const IAM_OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  CreateUser: op({ Path: 'scalar', UserName: 'scalar', PermissionsBoundary: 'scalar', Tags: TAGS }, false, { User: { struct: USER } }),
  GetUser: op({ UserName: 'scalar' }, true),
  ListUsers: op({ PathPrefix: 'scalar', ...PAGING }, true),
  DeleteUser: op({ UserName: 'scalar' }, false),

  // The secret access key is returned to the caller once and never recorded.
  CreateAccessKey: op({ UserName: 'scalar' }, false, {
    AccessKey: { struct: { UserName: 'scalar', AccessKeyId: 'scalar', Status: 'scalar', CreateDate: 'date' } },
  }),
  ListAccessKeys: op({ UserName: 'scalar', ...PAGING }, true),
  UpdateAccessKey: op({ UserName: 'scalar', AccessKeyId: 'scalar', Status: 'scalar' }, false),
  DeleteAccessKey: op({ UserName: 'scalar', AccessKeyId: 'scalar' }, false),

  CreateRole: op(
    {
      Path: 'scalar',
      RoleName: 'scalar',
      AssumeRolePolicyDocument: 'scalar',
      Description: 'scalar',
      MaxSessionDuration: 'scalar',
      PermissionsBoundary: 'scalar',
      Tags: TAGS,
    },
    false,
    { Role: { struct: ROLE } },
  ),
  GetRole: op({ RoleName: 'scalar' }, true),
  ListRoles: op({ PathPrefix: 'scalar', ...PAGING }, true),
  DeleteRole: op({ RoleName: 'scalar' }, false),
  UpdateAssumeRolePolicy: op({ RoleName: 'scalar', PolicyDocument: 'scalar' }, false),

  PutUserPolicy: op({ UserName: 'scalar', PolicyName: 'scalar', PolicyDocument: 'scalar' }, false),
  GetUserPolicy: op({ UserName: 'scalar', PolicyName: 'scalar' }, true),
  ListUserPolicies: op({ UserName: 'scalar', ...PAGING }, true),
  DeleteUserPolicy: op({ UserName: 'scalar', PolicyName: 'scalar' }, false),
  PutRolePolicy: op({ RoleName: 'scalar', PolicyName: 'scalar', PolicyDocument: 'scalar' }, false),
  GetRolePolicy: op({ RoleName: 'scalar', PolicyName: 'scalar' }, true),
  ListRolePolicies: op({ RoleName: 'scalar', ...PAGING }, true),
  DeleteRolePolicy: op({ RoleName: 'scalar', PolicyName: 'scalar' }, false),

  CreatePolicy: op(
    { PolicyName: 'scalar', Path: 'scalar', PolicyDocument: 'scalar', Description: 'scalar', Tags: TAGS },
    false,
    { Policy: { struct: POLICY } },
  ),
  GetPolicy: op({ PolicyArn: 'scalar' }, true),
  GetPolicyVersion: op({ PolicyArn: 'scalar', VersionId: 'scalar' }, true),
  ListPolicies: op(
    { Scope: 'scalar', OnlyAttached: 'scalar', PathPrefix: 'scalar', PolicyUsageFilter: 'scalar', ...PAGING },
    true,
  ),
  DeletePolicy: op({ PolicyArn: 'scalar' }, false),

  AttachUserPolicy: op({ UserName: 'scalar', PolicyArn: 'scalar' }, false),
  DetachUserPolicy: op({ UserName: 'scalar', PolicyArn: 'scalar' }, false),
  AttachRolePolicy: op({ RoleName: 'scalar', PolicyArn: 'scalar' }, false),
  DetachRolePolicy: op({ RoleName: 'scalar', PolicyArn: 'scalar' }, false),
  ListAttachedUserPolicies: op({ UserName: 'scalar', PathPrefix: 'scalar', ...PAGING }, true),
  ListAttachedRolePolicies: op({ RoleName: 'scalar', PathPrefix: 'scalar', ...PAGING }, true),
};

const CREDENTIALS = { struct: { AccessKeyId: 'scalar', Expiration: 'date' } } as const;

export const STS_OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  AssumeRole: op(
    {
      RoleArn: 'scalar',
      RoleSessionName: 'scalar',
      DurationSeconds: 'scalar',
      ExternalId: 'scalar',
      SourceIdentity: 'scalar',
      Tags: TAGS,
      TransitiveTagKeys: 'list',
    },
    true,
    {
      Credentials: CREDENTIALS,
      AssumedRoleUser: { struct: { AssumedRoleId: 'scalar', Arn: 'scalar' } },
      PackedPolicySize: 'scalar',
      SourceIdentity: 'scalar',
    },
  ),
  GetSessionToken: op({ DurationSeconds: 'scalar' }, true, { Credentials: CREDENTIALS }),
  GetCallerIdentity: op({}, true),
};

export const CLOUDTRAIL_OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  LookupEvents: op(
    {
      LookupAttributes: { listOf: { AttributeKey: 'scalar', AttributeValue: 'scalar' } },
      StartTime: 'date',
      EndTime: 'date',
      EventCategory: 'scalar',
      MaxResults: 'scalar',
    },
    true,
  ),
};
