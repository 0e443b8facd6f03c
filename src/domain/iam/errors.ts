/**
 * IAM and STS errors with AWS's codes, statuses and (where known) wording.
 * They are KmsError values (a code, a message and a status), which the query
 * protocol renders as an XML ErrorResponse.
 */
import { KmsError } from '../errors.js';

export const iamErr = {
  noSuchEntity: (message: string) => new KmsError('NoSuchEntity', message, 404),
  alreadyExists: (message: string) => new KmsError('EntityAlreadyExists', message, 409),
  deleteConflict: (message: string) => new KmsError('DeleteConflict', message, 409),
  limitExceeded: (message: string) => new KmsError('LimitExceeded', message, 409),
  malformedPolicy: (message: string) => new KmsError('MalformedPolicyDocument', message, 400),
  invalidInput: (message: string) => new KmsError('InvalidInput', message, 400),
  validation: (message: string) => new KmsError('ValidationError', message, 400),
  accessDenied: (message: string) => new KmsError('AccessDenied', message, 403),
  invalidAction: (message: string) => new KmsError('InvalidAction', message, 400),
  serviceFailure: () => new KmsError('ServiceFailure', 'An internal error occurred.', 500),
  internalFailure: () => new KmsError('InternalFailure', 'An internal error occurred.', 500),
};

export const msg = {
  noSuchUser: (name: string) => `The user with name ${name} cannot be found.`,
  noSuchRole: (name: string) => `The role with name ${name} cannot be found.`,
  userExists: (name: string) => `User with name ${name} already exists.`,
  roleExists: (name: string) => `Role with name ${name} already exists.`,
  policyExists: (name: string) => `A policy called ${name} already exists. Duplicate names are not allowed.`,
  noSuchUserPolicy: (name: string) => `The user policy with name ${name} cannot be found.`,
  noSuchRolePolicy: (name: string) => `The role policy with name ${name} cannot be found.`,
  noSuchPolicy: (arn: string) => `Policy ${arn} was not found.`,
  notAttachable: (arn: string) => `Policy ${arn} does not exist or is not attachable.`,
  noSuchPolicyVersion: (arn: string, version: string) => `Policy ${arn} version ${version} does not exist or is not attachable.`,
  noSuchAccessKey: (id: string) => `The Access Key with id ${id} cannot be found.`,
  invalidArn: (arn: string) => `ARN ${arn} is not valid.`,
  mustDeleteKeys: 'Cannot delete entity, must delete access keys first.',
  mustDeletePolicies: 'Cannot delete entity, must delete policies first.',
  mustDetachPolicies: 'Cannot delete entity, must detach all policies first.',
  policyAttached: 'Cannot delete a policy attached to entities.',
  accessKeyQuota: (n: number) => `Cannot exceed quota for AccessKeysPerUser: ${n}`,
  userPolicyQuota: (n: number) => `Cannot exceed quota for PoliciesPerUser: ${n}`,
  rolePolicyQuota: (n: number) => `Cannot exceed quota for PoliciesPerRole: ${n}`,
  managedPolicySize: (n: number) => `Cannot exceed quota for PolicySize: ${n}`,
  trustPolicySize: (n: number) => `Cannot exceed quota for ACLSizePerRole: ${n}`,
  userInlineSize: (n: number, user: string) => `Maximum policy size of ${n} bytes exceeded for user ${user}`,
  roleInlineSize: (n: number, role: string) => `Maximum policy size of ${n} bytes exceeded for role ${role}`,
  needUserName: 'Must specify userName when calling with non-User credentials',
  notAuthorized: (arn: string, action: string, resource: string, why: string) =>
    `User: ${arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`,
};

/** The reasons AWS appends to an identity-policy AccessDenied message. */
export const denyReason = {
  implicit: (action: string) => `because no identity-based policy allows the ${action} action`,
  explicit: 'with an explicit deny in an identity-based policy',
};
