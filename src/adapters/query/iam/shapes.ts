/**
 * IAM entities as the API's output shapes (User, Role, Policy, ...). Policy
 * documents are URL-encoded in responses, as IAM does (RFC 3986: clients
 * such as the AWS CLI decode them).
 */
import type { IamRole, IamTag, IamUser, ManagedPolicy, PolicyVersion } from '../../../domain/iam/model.js';

/** RFC 3986 percent-encoding: everything but unreserved characters. */
export function encodePolicyDocument(doc: string): string {
  return encodeURIComponent(doc).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function tagsField(tags: readonly IamTag[]): { Tags?: IamTag[] } {
  return tags.length > 0 ? { Tags: tags.map((t) => ({ Key: t.Key, Value: t.Value })) } : {};
}

export function userShape(u: IamUser, withTags: boolean): object {
  return {
    Path: u.path,
    UserName: u.userName,
    UserId: u.userId,
    Arn: u.arn,
    CreateDate: u.createdAt,
    ...(withTags ? tagsField(u.tags) : {}),
  };
}

export function roleShape(r: IamRole, detail: 'create' | 'get' | 'list'): object {
  return {
    Path: r.path,
    RoleName: r.roleName,
    RoleId: r.roleId,
    Arn: r.arn,
    CreateDate: r.createdAt,
    AssumeRolePolicyDocument: encodePolicyDocument(r.trustPolicy),
    ...(r.description !== undefined ? { Description: r.description } : {}),
    ...(detail !== 'create' ? { MaxSessionDuration: r.maxSessionDuration } : {}),
    ...(detail !== 'list' ? tagsField(r.tags) : {}),
    ...(detail === 'get' ? { RoleLastUsed: {} } : {}),
  };
}

export function policyShape(p: ManagedPolicy, detail: 'create' | 'get' | 'list'): object {
  return {
    PolicyName: p.policyName,
    PolicyId: p.policyId,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: p.attachmentCount,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    ...(detail === 'get' && p.description !== undefined ? { Description: p.description } : {}),
    CreateDate: p.createdAt,
    UpdateDate: p.updatedAt,
    ...(detail !== 'list' ? tagsField(p.tags) : {}),
  };
}

export function policyVersionShape(v: PolicyVersion): object {
  return {
    Document: encodePolicyDocument(v.document),
    VersionId: v.versionId,
    IsDefaultVersion: v.isDefaultVersion,
    CreateDate: v.createdAt,
  };
}
