/** Tag rules KMS applies beyond the API model's length limits. Pure. */
import { err } from './errors.js';
import type { Tag } from './key-model.js';

export const MAX_TAGS_PER_KEY = 50;

/** Validates tags supplied in one request (CreateKey or TagResource). */
export function checkRequestTags(tags: Tag[]): void {
  const seen = new Set<string>();
  for (const t of tags) {
    if (seen.has(t.TagKey)) throw err.tag('Duplicate tag keys');
    seen.add(t.TagKey);
  }
  for (const t of tags) {
    if (t.TagKey.toLowerCase().startsWith('aws:')) throw err.tag('Tags beginning with aws: are reserved');
  }
  if (tags.length > MAX_TAGS_PER_KEY) throw err.tag('Too many tags');
}

/** Existing tags with `added` applied (a repeated key takes the new value). */
export function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const byKey = new Map(existing.map((t) => [t.TagKey, t.TagValue]));
  for (const t of added) byKey.set(t.TagKey, t.TagValue);
  if (byKey.size > MAX_TAGS_PER_KEY) throw err.tag('Too many tags');
  return [...byKey].map(([TagKey, TagValue]) => ({ TagKey, TagValue }));
}

export function removeTags(existing: Tag[], keys: string[]): Tag[] {
  for (const k of keys) {
    if (k.toLowerCase().startsWith('aws:')) throw err.tag('Tags beginning with aws: are reserved');
  }
  const drop = new Set(keys);
  return existing.filter((t) => !drop.has(t.TagKey));
}
