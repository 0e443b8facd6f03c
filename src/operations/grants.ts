/** CreateGrant, ListGrants, ListRetirableGrants, RetireGrant and RevokeGrant. */
import { err } from '../domain/errors.js';
import { accountRootArn, keyArn } from '../domain/key-ids.js';
import { assertStateAllows } from '../domain/key-state.js';
import {
  checkGrantRequest,
  constraintType,
  sameGrantRequest,
  withinParentGrant,
  type GrantConstraints,
  type GrantRecord,
} from '../domain/grants.js';
import type { Handler, RequestContext } from './context.js';
import { authorizeKeyAction } from './authorization/authorize.js';
import { resolveKey } from './key-resolver.js';
import { toEpochSeconds } from './key-metadata.js';
import { decodeMarker, encodeMarker, pageLimit } from './paging.js';
import { dryRunSucceeded } from './crypto/symmetric.js';
import { checkGrantTokens, grantIdFromToken, hashToken, invalidGrantToken, newGrantToken } from './grant-tokens.js';

const PRINCIPAL = /^(arn:aws[a-z-]*:(iam|sts)::\d{12}:.+|[a-z0-9.-]+\.amazonaws\.com(\.cn)?|\d{12})$/;

function checkPrincipal(value: string, member: string): void {
  if (!PRINCIPAL.test(value)) throw err.validation(`${member} ${value} is not a valid principal.`);
}

export const createGrant: Handler = async (input, ctx, deps) => {
  checkGrantTokens(input.GrantTokens);
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  const operations: string[] = input.Operations;
  const constraints: GrantConstraints | undefined = input.Constraints;
  checkPrincipal(input.GranteePrincipal, 'GranteePrincipal');
  if (input.RetiringPrincipal !== undefined) checkPrincipal(input.RetiringPrincipal, 'RetiringPrincipal');
  const decision = await authorizeKeyAction(deps, ctx, {
    action: 'CreateGrant',
    key,
    arn,
    facts: {
      grantOperations: operations,
      granteePrincipal: input.GranteePrincipal,
      retiringPrincipal: input.RetiringPrincipal,
      grantConstraintTypes: constraintType(constraints),
    },
  });
  assertStateAllows('use', key.state, arn);
  checkGrantRequest(key, operations, constraints);
  if (decision.grant && !withinParentGrant(decision.grant, operations, constraints)) {
    throw err.accessDenied(
      `User: ${ctx.caller.arn} is not authorized to perform: kms:CreateGrant on resource: ${arn} because the grant that allows it does not allow all of the requested operations and constraints`,
    );
  }
  if (input.DryRun === true) throw dryRunSucceeded();

  if (input.Name !== undefined) {
    const existing = (await deps.store.grantsForKey(key.accountId, key.region, key.keyId)).find(
      (g) => g.name === input.Name && sameGrantRequest(g, input.GranteePrincipal, input.RetiringPrincipal, operations, constraints),
    );
    if (existing) {
      const token = newGrantToken(existing.grantId, deps.random.bytes(32));
      return { GrantToken: token, GrantId: existing.grantId };
    }
  }
  const grantId = deps.random.bytes(32).toString('hex');
  const token = newGrantToken(grantId, deps.random.bytes(32));
  const grant: GrantRecord = {
    accountId: key.accountId,
    region: key.region,
    keyId: key.keyId,
    grantId,
    granteePrincipal: input.GranteePrincipal,
    operations,
    issuingAccount: accountRootArn(ctx.caller.accountId),
    createdAt: deps.clock.now(),
    tokenHash: hashToken(token),
  };
  if (input.Name !== undefined) grant.name = input.Name;
  if (input.RetiringPrincipal !== undefined) grant.retiringPrincipal = input.RetiringPrincipal;
  if (constraints !== undefined) grant.constraints = constraints;
  await deps.store.createGrant(grant);
  return { GrantToken: token, GrantId: grantId };
};

function grantListEntry(g: GrantRecord): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    KeyId: keyArn(g.region, g.accountId, g.keyId),
    GrantId: g.grantId,
    CreationDate: toEpochSeconds(g.createdAt),
    GranteePrincipal: g.granteePrincipal,
    IssuingAccount: g.issuingAccount,
    Operations: g.operations,
  };
  if (g.name !== undefined) entry.Name = g.name;
  if (g.retiringPrincipal !== undefined) entry.RetiringPrincipal = g.retiringPrincipal;
  if (g.constraints !== undefined) entry.Constraints = g.constraints;
  return entry;
}

export const listGrants: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'ListGrants', key, arn, facts: { granteePrincipal: input.GranteePrincipal } });
  const limit = pageLimit(input.Limit, 50, 100);
  let items: GrantRecord[];
  let next: string | undefined;
  if (input.GrantId !== undefined || input.GranteePrincipal !== undefined) {
    const all = (await deps.store.grantsForKey(key.accountId, key.region, key.keyId)).filter(
      (g) =>
        (input.GrantId === undefined || g.grantId === input.GrantId) &&
        (input.GranteePrincipal === undefined || g.granteePrincipal === input.GranteePrincipal),
    );
    const after = decodeMarker(input.Marker);
    const from = after === undefined ? all : all.filter((g) => g.grantId > after);
    items = from.slice(0, limit);
    next = from.length > limit ? items[items.length - 1].grantId : undefined;
  } else {
    const page = await deps.store.listGrants(key.accountId, key.region, key.keyId, decodeMarker(input.Marker), limit);
    items = page.items;
    next = page.next;
  }
  const out: Record<string, unknown> = { Grants: items.map(grantListEntry), Truncated: next !== undefined };
  if (next !== undefined) out.NextMarker = encodeMarker(next);
  return out;
};

export const listRetirableGrants: Handler = async (input, ctx, deps) => {
  checkPrincipal(input.RetiringPrincipal, 'RetiringPrincipal');
  const page = await deps.store.listRetirableGrants(
    ctx.caller.accountId,
    ctx.region,
    input.RetiringPrincipal,
    decodeMarker(input.Marker),
    pageLimit(input.Limit, 50, 100),
  );
  const out: Record<string, unknown> = { Grants: page.items.map(grantListEntry), Truncated: page.next !== undefined };
  if (page.next !== undefined) out.NextMarker = encodeMarker(page.next);
  return out;
};

/** Who may retire a grant: its retiring principal, its grantee when it allows RetireGrant, or the account that owns it. */
function mayRetire(grant: GrantRecord, ctx: RequestContext): boolean {
  const caller = ctx.caller;
  const names = [caller.arn, caller.roleArn].filter((x): x is string => x !== undefined);
  if (grant.retiringPrincipal !== undefined && names.includes(grant.retiringPrincipal)) return true;
  if (grant.operations.includes('RetireGrant') && names.includes(grant.granteePrincipal)) return true;
  return caller.principalType === 'Root' && caller.accountId === grant.accountId;
}

export const retireGrant: Handler = async (input, ctx, deps) => {
  let grant: GrantRecord | undefined;
  if (input.GrantToken !== undefined) {
    const grantId = grantIdFromToken(input.GrantToken);
    if (!grantId) throw invalidGrantToken();
    grant = await deps.store.grantById(grantId);
    if (!grant || grant.tokenHash !== hashToken(input.GrantToken)) {
      throw err.notFound('Grant does not exist or the grant token is not valid for it.');
    }
  } else {
    if (input.KeyId === undefined || input.GrantId === undefined) {
      throw err.validation('Either GrantToken, or both KeyId and GrantId, must be specified.');
    }
    const { key } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
    grant = (await deps.store.grantsForKey(key.accountId, key.region, key.keyId)).find((g) => g.grantId === input.GrantId);
    if (!grant) throw err.notFound(`Grant ID ${input.GrantId} not found`);
  }
  if (!mayRetire(grant, ctx)) {
    throw err.accessDenied(
      `User: ${ctx.caller.arn} is not authorized to perform: kms:RetireGrant on resource: ${keyArn(grant.region, grant.accountId, grant.keyId)}`,
    );
  }
  if (input.DryRun === true) throw dryRunSucceeded();
  await deps.store.deleteGrant(grant.accountId, grant.region, grant.keyId, grant.grantId);
  return {};
};

export const revokeGrant: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'RevokeGrant', key, arn });
  const exists = (await deps.store.grantsForKey(key.accountId, key.region, key.keyId)).some((g) => g.grantId === input.GrantId);
  if (!exists) throw err.notFound(`Grant ID ${input.GrantId} not found`);
  if (input.DryRun === true) throw dryRunSucceeded();
  await deps.store.deleteGrant(key.accountId, key.region, key.keyId, input.GrantId);
  return {};
};
