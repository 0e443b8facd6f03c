/**
 * One KMS request through the core, once its caller is authenticated: the
 * request quota of the caller's account in the request's Region (when
 * quotas are on), model validation, then the operation's handler. A
 * throttled request is refused before it is validated or performed, and is
 * audited like any other refusal (CloudTrail records throttled KMS calls
 * with errorCode ThrottlingException). Transport, authentication and
 * rendering live in adapters/http.
 */
import { err } from '../domain/errors.js';
import { OPERATION_NAMES, validateInput } from '../domain/validation/validate.js';
import type { Deps, Handler, RequestContext } from './context.js';
import { ACCEPT_MATERIAL, ACCEPT_REPLICA, DESCRIBE_REPLICA, PROMOTE_REPLICA, REPLICA_DELETED } from './multi-region/peers.js';
import { acceptReplicaDeleted, describeReplica } from './multi-region/remote-deletion.js';
import { promoteReplica } from './multi-region/remote-primary.js';
import { acceptMaterial } from './multi-region/material-push.js';
import { acceptReplica } from './multi-region/remote-replica.js';
import { KMS_HANDLERS } from './registry.js';
import { checkGrantTokens } from './grant-tokens.js';
import { throttlingError } from '../domain/request-quotas.js';

const KNOWN = new Set(OPERATION_NAMES);

/** Trent's own operations between deployments (not in the KMS API model); each checks its own input. */
const EXTENSIONS: Readonly<Record<string, Handler>> = {
  [ACCEPT_REPLICA]: acceptReplica,
  [ACCEPT_MATERIAL]: acceptMaterial,
  [REPLICA_DELETED]: acceptReplicaDeleted,
  [DESCRIBE_REPLICA]: describeReplica,
  [PROMOTE_REPLICA]: promoteReplica,
};

export function isKnownOperation(name: string): boolean {
  return KNOWN.has(name) || Object.hasOwn(EXTENSIONS, name);
}

export async function dispatchKms(operation: string, input: unknown, ctx: RequestContext, deps: Deps): Promise<object> {
  if (Object.hasOwn(EXTENSIONS, operation)) {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) throw err.serialization('The request body must be a JSON object.');
    return EXTENSIONS[operation](input as Record<string, unknown>, ctx, deps);
  }
  if (!KNOWN.has(operation)) throw err.unknownOperation(`Operation ${operation} is not part of TrentService.`);
  const handler = KMS_HANDLERS[operation];
  if (!handler) throw err.unsupported(`${operation} is not supported by this server yet.`);
  if (deps.quotas) {
    const verdict = deps.quotas.admit(ctx.caller.accountId, ctx.region, operation, input);
    if ((verdict instanceof Promise ? await verdict : verdict) !== undefined) throw throttlingError();
  }
  validateInput(operation, input);
  checkGrantTokens((input as { GrantTokens?: string[] }).GrantTokens);
  return handler(input as Record<string, unknown>, ctx, deps);
}
