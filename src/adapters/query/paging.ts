/**
 * IAM's Marker / MaxItems / IsTruncated paging. Markers are opaque (the
 * position after which the next page starts); MaxItems defaults to 100.
 */
import { decodeMarker, encodeMarker } from '../../operations/paging.js';
import type { Page } from '../../ports/identity-store.js';
import type { QueryInput } from './context.js';

export const DEFAULT_MAX_ITEMS = 100;

export function pageRequest(input: QueryInput): { after?: string; limit: number } {
  const after = decodeMarker(input.Marker as string | undefined);
  const limit = (input.MaxItems as number | undefined) ?? DEFAULT_MAX_ITEMS;
  return after === undefined ? { limit } : { after, limit };
}

/** IsTruncated and Marker of a result, from a store page. */
export function pageFields(page: Page<unknown>): { IsTruncated: boolean; Marker?: string } {
  return page.next === undefined ? { IsTruncated: false } : { IsTruncated: true, Marker: encodeMarker(page.next) };
}

/** Pages a complete, ordered in-memory list by each item's key. */
export function pageOf<T>(items: readonly T[], keyOf: (item: T) => string, input: QueryInput): Page<T> {
  const { after, limit } = pageRequest(input);
  const rest = after === undefined ? items : items.filter((x) => keyOf(x) > after);
  const page: Page<T> = { items: rest.slice(0, limit) };
  if (rest.length > limit) page.next = keyOf(page.items[page.items.length - 1]);
  return page;
}
