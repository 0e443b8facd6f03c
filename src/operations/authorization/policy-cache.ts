/**
 * Parsed policies by document text, so each distinct policy is parsed and
 * compiled once. Bounded; a changed policy is a different text, so entries
 * never go stale.
 */
import { parsePolicy, type ParsedPolicy, type PolicyKind } from '../../policy/index.js';

const CAPACITY = 5_000;
const cache = new Map<string, ParsedPolicy>();

export function cachedPolicy(text: string, kind: PolicyKind): ParsedPolicy {
  const id = kind + '\u0000' + text;
  const hit = cache.get(id);
  if (hit) return hit;
  const parsed = parsePolicy(text, kind);
  cache.set(id, parsed);
  if (cache.size > CAPACITY) cache.delete(cache.keys().next().value as string);
  return parsed;
}
