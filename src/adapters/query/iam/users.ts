/** IAM users: CreateUser, GetUser, ListUsers, DeleteUser. */
import { iamErr, msg } from '../../../domain/iam/errors.js';
import type { IamTag } from '../../../domain/iam/model.js';
import { collectionArn, ID_PREFIX, userArn } from '../../../domain/iam/names.js';
import { checkTags, requestTagContext } from '../../../domain/iam/tags.js';
import { authorizeIam } from '../authorize.js';
import type { QueryHandler } from '../context.js';
import { pageFields, pageRequest } from '../paging.js';
import { newUniqueId, requireUser, userResource } from './common.js';
import { userShape } from './shapes.js';

export const createUser: QueryHandler = async (input, ctx, deps) => {
  const accountId = ctx.caller.accountId;
  const name = input.UserName as string;
  const path = (input.Path as string | undefined) ?? '/';
  const tags = (input.Tags as IamTag[] | undefined) ?? [];
  const arn = userArn(accountId, path, name);
  await authorizeIam(ctx, deps, 'iam:CreateUser', arn, requestTagContext(tags));
  if (input.PermissionsBoundary !== undefined) throw iamErr.invalidInput('Permissions boundaries are not supported by this server.');
  checkTags(tags);
  const user = { accountId, userName: name, userId: newUniqueId(deps, ID_PREFIX.user), path, arn, createdAt: deps.clock.now(), tags };
  if (!(await deps.identity.createUser(user))) throw iamErr.alreadyExists(msg.userExists(name));
  return { User: userShape(user, true) };
};

export const getUser: QueryHandler = async (input, ctx, deps) => {
  const accountId = ctx.caller.accountId;
  let name = input.UserName as string | undefined;
  if (name === undefined) {
    if (ctx.caller.principalType === 'Root') {
      await authorizeIam(ctx, deps, 'iam:GetUser', ctx.caller.arn);
      const account = await deps.identity.getAccount(accountId);
      return { User: { UserId: accountId, Arn: ctx.caller.arn, CreateDate: account?.createdAt ?? 0 } };
    }
    if (ctx.caller.userName === undefined) throw iamErr.validation(msg.needUserName);
    name = ctx.caller.userName;
  }
  const user = await deps.identity.getUser(accountId, name);
  await authorizeIam(ctx, deps, 'iam:GetUser', userResource(ctx, name, user));
  return { User: userShape(requireUser(user, name), true) };
};

export const listUsers: QueryHandler = async (input, ctx, deps) => {
  const accountId = ctx.caller.accountId;
  await authorizeIam(ctx, deps, 'iam:ListUsers', collectionArn(accountId, 'user'));
  const page = await deps.identity.listUsers(accountId, { pathPrefix: input.PathPrefix as string | undefined, ...pageRequest(input) });
  return { Users: page.items.map((u) => userShape(u, false)), ...pageFields(page) };
};

export const deleteUser: QueryHandler = async (input, ctx, deps) => {
  const accountId = ctx.caller.accountId;
  const name = input.UserName as string;
  const user = await deps.identity.getUser(accountId, name);
  await authorizeIam(ctx, deps, 'iam:DeleteUser', userResource(ctx, name, user));
  const outcome = await deps.identity.deleteUser(accountId, name);
  switch (outcome) {
    case 'notFound':
      throw iamErr.noSuchEntity(msg.noSuchUser(name));
    case 'hasAccessKeys':
      throw iamErr.deleteConflict(msg.mustDeleteKeys);
    case 'hasInlinePolicies':
      throw iamErr.deleteConflict(msg.mustDeletePolicies);
    case 'hasAttachedPolicies':
      throw iamErr.deleteConflict(msg.mustDetachPolicies);
  }
  if (user) deps.credentials.forgetPrincipal(user.userId);
  return undefined;
};
