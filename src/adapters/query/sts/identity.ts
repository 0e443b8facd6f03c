/**
 * STS GetCallerIdentity (needs no permission: it answers even when a policy
 * denies everything) and GetSessionToken (long-term credentials of an IAM
 * user or the account root only; no permission needed, as in AWS).
 */
import { iamErr } from '../../../domain/iam/errors.js';
import { LIMITS } from '../../../domain/iam/limits.js';
import { issueSession } from '../../identity/sessions.js';
import type { QueryHandler } from '../context.js';
import { credentialsShape } from './shapes.js';

export const getCallerIdentity: QueryHandler = async (_input, ctx) => {
  const c = ctx.caller;
  return { UserId: c.userId, Account: c.accountId, Arn: c.arn };
};

export const getSessionToken: QueryHandler = async (input, ctx, deps) => {
  const c = ctx.caller;
  if (ctx.credential === 'session' || c.principalType === 'AssumedRole') {
    throw iamErr.accessDenied('Cannot call GetSessionToken with session credentials');
  }
  const requested = input.DurationSeconds as number | undefined;
  const duration =
    c.principalType === 'Root'
      ? Math.min(requested ?? LIMITS.rootSessionSeconds, LIMITS.rootSessionSeconds)
      : (requested ?? LIMITS.defaultUserSessionSeconds);
  const issued = await issueSession(
    deps.identity,
    deps.rootKey,
    {
      accountId: c.accountId,
      principalType: c.principalType,
      principalArn: c.arn,
      principalId: c.userId,
      tags: [],
      ...(c.userName !== undefined ? { userName: c.userName } : {}),
    },
    deps.clock.now(),
    duration,
  );
  return { Credentials: credentialsShape(issued) };
};
