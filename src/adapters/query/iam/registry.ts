/** IAM actions served over the query protocol (API version 2010-05-08). */
import type { QueryHandler } from '../context.js';
import { createAccessKey, deleteAccessKey, listAccessKeys, updateAccessKey } from './access-keys.js';
import {
  attachRolePolicy,
  attachUserPolicy,
  detachRolePolicy,
  detachUserPolicy,
  listAttachedRolePolicies,
  listAttachedUserPolicies,
} from './attachments.js';
import {
  deleteRolePolicy,
  deleteUserPolicy,
  getRolePolicy,
  getUserPolicy,
  listRolePolicies,
  listUserPolicies,
  putRolePolicy,
  putUserPolicy,
} from './inline-policies.js';
import { createPolicy, deletePolicy, getPolicy, getPolicyVersion, listPolicies } from './managed-policies.js';
import { createRole, deleteRole, getRole, listRoles, updateAssumeRolePolicy } from './roles.js';
import { createUser, deleteUser, getUser, listUsers } from './users.js';

export const IAM_HANDLERS: Readonly<Record<string, QueryHandler>> = {
  CreateUser: createUser,
  GetUser: getUser,
  ListUsers: listUsers,
  DeleteUser: deleteUser,
  CreateAccessKey: createAccessKey,
  ListAccessKeys: listAccessKeys,
  UpdateAccessKey: updateAccessKey,
  DeleteAccessKey: deleteAccessKey,
  CreateRole: createRole,
  GetRole: getRole,
  ListRoles: listRoles,
  DeleteRole: deleteRole,
  UpdateAssumeRolePolicy: updateAssumeRolePolicy,
  PutUserPolicy: putUserPolicy,
  GetUserPolicy: getUserPolicy,
  ListUserPolicies: listUserPolicies,
  DeleteUserPolicy: deleteUserPolicy,
  PutRolePolicy: putRolePolicy,
  GetRolePolicy: getRolePolicy,
  ListRolePolicies: listRolePolicies,
  DeleteRolePolicy: deleteRolePolicy,
  CreatePolicy: createPolicy,
  GetPolicy: getPolicy,
  GetPolicyVersion: getPolicyVersion,
  ListPolicies: listPolicies,
  DeletePolicy: deletePolicy,
  AttachUserPolicy: attachUserPolicy,
  DetachUserPolicy: detachUserPolicy,
  AttachRolePolicy: attachRolePolicy,
  DetachRolePolicy: detachRolePolicy,
  ListAttachedUserPolicies: listAttachedUserPolicies,
  ListAttachedRolePolicies: listAttachedRolePolicies,
};
