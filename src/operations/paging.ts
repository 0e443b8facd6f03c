/** Opaque paging markers and limits shared by the List operations. */
import { err } from '../domain/errors.js';

export function encodeMarker(position: string): string {
  return Buffer.from(position, 'utf8').toString('base64url');
}

export function decodeMarker(marker: string | undefined): string | undefined {
  if (marker === undefined) return undefined;
  const position = Buffer.from(marker, 'base64url').toString('utf8');
  if (encodeMarker(position) !== marker) throw err.validation('Invalid marker');
  return position;
}

export function pageLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  return Math.min(limit, max);
}
