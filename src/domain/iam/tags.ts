/** Tag rules IAM applies to users, roles, policies and session tags beyond the model's limits. Pure. */
import { iamErr } from './errors.js';
import type { IamTag } from './model.js';

/** Keys are unique without regard to case; the aws: prefix is reserved. */
export function checkTags(tags: readonly IamTag[]): void {
  const seen = new Set<string>();
  for (const t of tags) {
    const key = t.Key.toLowerCase();
    if (seen.has(key)) throw iamErr.invalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(key);
    if (key.startsWith('aws:')) throw iamErr.invalidInput("User-defined tag keys can't start with 'aws:'. This prefix is reserved for AWS use.");
  }
}

/** Condition keys for tags in a request: aws:RequestTag/<key> and aws:TagKeys. */
export function requestTagContext(tags: readonly IamTag[]): Record<string, string | readonly string[]> {
  const out: Record<string, string | readonly string[]> = {};
  if (tags.length === 0) return out;
  for (const t of tags) out[`aws:RequestTag/${t.Key}`] = t.Value;
  out['aws:TagKeys'] = tags.map((t) => t.Key);
  return out;
}
