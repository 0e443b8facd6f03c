/**
 * Grant tokens: opaque to clients, naming the grant they came from.
 * Grants take effect immediately in Trent, so a token adds no permission; it
 * is checked for form wherever GrantTokens are accepted, and identifies the
 * grant in RetireGrant. Only its SHA-256 is stored.
 *
 *   base64url( 0x01 | grant id (32 bytes) | 32 random bytes )
 */
import { createHash } from 'node:crypto';
import { KmsError } from '../domain/errors.js';

const VERSION = 1;

export function newGrantToken(grantId: string, random32: Buffer): string {
  return Buffer.concat([Buffer.from([VERSION]), Buffer.from(grantId, 'hex'), random32]).toString('base64url');
}

/** The grant id a token names, or undefined if it is not a Trent grant token. */
export function grantIdFromToken(token: string): string | undefined {
  const raw = Buffer.from(token, 'base64url');
  if (raw.length !== 65 || raw[0] !== VERSION || raw.toString('base64url') !== token) return undefined;
  return raw.subarray(1, 33).toString('hex');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function invalidGrantToken(): KmsError {
  return new KmsError('InvalidGrantTokenException', 'The grant token is not valid.');
}

/** Every token in a GrantTokens list must be a grant token. */
export function checkGrantTokens(tokens: string[] | undefined): void {
  for (const t of tokens ?? []) if (grantIdFromToken(t) === undefined) throw invalidGrantToken();
}
