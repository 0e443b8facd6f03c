/**
 * The authorization decision for an action on a key. Until key policies, IAM
 * policies and grants are evaluated, a caller may act only on keys of its own
 * account, which is what the default key policy (root delegation) grants.
 */
import { err } from '../domain/errors.js';
import type { KeyRecord } from '../domain/key-model.js';
import type { RequestContext } from './context.js';

export function authorizeOnKey(action: string, key: KeyRecord, arn: string, ctx: RequestContext): void {
  if (key.accountId === ctx.caller.accountId) return;
  throw err.accessDenied(
    `User: ${ctx.caller.arn} is not authorized to perform: kms:${action} on resource: ${arn} because no resource-based policy allows the kms:${action} action`,
  );
}
