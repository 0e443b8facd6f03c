/** DescribeKey and ListKeys. */
import type { Handler } from '../context.js';
import { authorizeAccountAction, authorizeKeyAction } from '../authorization/authorize.js';
import { describedMetadata } from '../multi-region/configuration.js';
import { arnOf, resolveKey } from '../key-resolver.js';
import { decodeMarker, encodeMarker, pageLimit } from '../paging.js';

export const describeKey: Handler = async (input, ctx, deps) => {
  const { key, arn, alias } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: true });
  await authorizeKeyAction(deps, ctx, { action: 'DescribeKey', key, arn, facts: { requestAlias: alias } });
  return { KeyMetadata: await describedMetadata(key, deps) };
};

export const listKeys: Handler = async (input, ctx, deps) => {
  await authorizeAccountAction(deps, ctx, 'ListKeys', '*');
  const page = await deps.store.listKeys(
    ctx.caller.accountId,
    ctx.region,
    decodeMarker(input.Marker),
    pageLimit(input.Limit, 100, 1000),
  );
  const out: Record<string, unknown> = {
    Keys: page.items.map((k) => ({ KeyId: k.keyId, KeyArn: arnOf(k) })),
    Truncated: page.next !== undefined,
  };
  if (page.next !== undefined) out.NextMarker = encodeMarker(page.next);
  return out;
};
