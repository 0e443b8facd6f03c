/**
 * Continuation tokens of trail queries: where a merged scan of several
 * trails resumes, bound to the filter it was made for. A token is opaque to
 * clients; one that is damaged, names a path that is not a log file, or
 * belongs to another filter is refused.
 */
import { createHash } from 'node:crypto';
import type { AuditFilter } from './query.js';
import { isLogPath, logSeqOf } from './layout.js';

/** A continuation token that does not belong to this trail or to this filter. */
export class InvalidTokenError extends Error {
  constructor(message = 'Invalid NextToken') {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/** One trail's place: lines older than `offset` in `file` (and every older file) remain to be read. */
export interface Position {
  file: string;
  seq: number;
  offset: number;
}

/**
 * Where a merged scan resumes, per trail (by directory name): lines older
 * than the position remain to be read, or nothing (null). A trail absent
 * from a cursor did not exist when the scan began and is left out.
 */
export type Cursor = Map<string, Position | null>;

/** A short hash of the filter's defined fields, so a token is refused by any other query. */
function filterHash(f: AuditFilter): string {
  const keys = Object.keys(f).sort() as (keyof AuditFilter)[];
  const canonical = JSON.stringify(keys.filter((k) => f[k] !== undefined).map((k) => [k, f[k]]));
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}

const TOKEN_VERSION = 2;
const MAX_TOKEN_TRAILS = 1024;

/** A token: per trail, [name, log file, offset] or [name] when nothing is left; bound to the filter. */
export function encodeToken(cursor: Cursor, filter: AuditFilter): string {
  const trails = [...cursor].map(([name, p]) => (p ? [name, p.file, p.offset] : [name]));
  return Buffer.from(JSON.stringify({ v: TOKEN_VERSION, t: trails, h: filterHash(filter) })).toString('base64url');
}

export function decodeToken(token: string, filter: AuditFilter): Cursor {
  let t: { v?: unknown; t?: unknown; h?: unknown };
  try {
    t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidTokenError();
  }
  if (!t || t.v !== TOKEN_VERSION || !Array.isArray(t.t) || t.t.length > MAX_TOKEN_TRAILS) throw new InvalidTokenError();
  const cursor: Cursor = new Map();
  for (const entry of t.t as unknown[]) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || entry[0] === '' || entry[0].includes('/')) throw new InvalidTokenError();
    const [name, file, offset] = entry as [string, unknown, unknown];
    if (entry.length === 1) {
      cursor.set(name, null);
      continue;
    }
    if (entry.length !== 3 || typeof file !== 'string' || !isLogPath(file) || typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
      throw new InvalidTokenError();
    }
    cursor.set(name, { file, seq: logSeqOf(file)!, offset });
  }
  if (t.h !== filterHash(filter)) throw new InvalidTokenError('NextToken does not match the lookup attributes and time range');
  return cursor;
}

