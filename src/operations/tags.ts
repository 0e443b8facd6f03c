/** TagResource, UntagResource and ListResourceTags. */
import { assertStateAllows } from '../domain/key-state.js';
import { mergeTags, removeTags, checkRequestTags } from '../domain/tags.js';
import type { Tag } from '../domain/key-model.js';
import type { Handler } from './context.js';
import { authorizeKeyAction } from './authorization/authorize.js';
import { resolveKey } from './key-resolver.js';
import { mutateKey } from './mutate-key.js';
import { decodeMarker, encodeMarker, pageLimit } from './paging.js';

export const tagResource: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  const tags: Tag[] = input.Tags;
  await authorizeKeyAction(deps, ctx, { action: 'TagResource', key, arn, facts: { requestTags: tags } });
  checkRequestTags(tags);
  await mutateKey(key, deps, (k) => {
    assertStateAllows('manage', k.state, arn);
    k.tags = mergeTags(k.tags, tags);
    return k;
  });
  return {};
};

export const untagResource: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'UntagResource', key, arn, facts: { tagKeys: input.TagKeys } });
  await mutateKey(key, deps, (k) => {
    assertStateAllows('manage', k.state, arn);
    k.tags = removeTags(k.tags, input.TagKeys);
    return k;
  });
  return {};
};

export const listResourceTags: Handler = async (input, ctx, deps) => {
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'ListResourceTags', key, arn });
  const sorted = [...key.tags].sort((a, b) => (a.TagKey < b.TagKey ? -1 : a.TagKey > b.TagKey ? 1 : 0));
  const after = decodeMarker(input.Marker);
  const start = after === undefined ? 0 : sorted.findIndex((t) => t.TagKey > after);
  const limit = pageLimit(input.Limit, 50, 50);
  const items = start < 0 ? [] : sorted.slice(start, start + limit);
  const more = start >= 0 && start + limit < sorted.length;
  const out: Record<string, unknown> = { Tags: items, Truncated: more };
  if (more) out.NextMarker = encodeMarker(items[items.length - 1].TagKey);
  return out;
};
