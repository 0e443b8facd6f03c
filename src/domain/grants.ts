/**
 * Grant rules: which operations a grant may allow for a key, how constraints
 * match an encryption context, and what a grantee may delegate. Pure.
 */
import { err } from './errors.js';
import type { KeyRecord } from './key-model.js';

export interface GrantConstraints {
  EncryptionContextEquals?: Record<string, string>;
  EncryptionContextSubset?: Record<string, string>;
}

export interface GrantRecord {
  accountId: string;
  region: string;
  keyId: string;
  /** 64 hex digits. */
  grantId: string;
  name?: string;
  granteePrincipal: string;
  retiringPrincipal?: string;
  operations: string[];
  constraints?: GrantConstraints;
  /** ARN of the account root that created the grant. */
  issuingAccount: string;
  createdAt: number;
  /** SHA-256 of the grant token, hex. */
  tokenHash: string;
}

/** Operations that take an encryption context, to which constraints apply. */
const CONTEXT_OPERATIONS = new Set([
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
]);

const ALWAYS = ['CreateGrant', 'RetireGrant', 'DescribeKey'];

/** The grant operations valid for a key of this usage, as KMS allows them. */
export function grantOperationsFor(keyUsage: string): ReadonlySet<string> {
  switch (keyUsage) {
    case 'ENCRYPT_DECRYPT':
      return new Set([...ALWAYS, ...CONTEXT_OPERATIONS, 'GetPublicKey']);
    case 'SIGN_VERIFY':
      return new Set([...ALWAYS, 'Sign', 'Verify', 'GetPublicKey']);
    case 'GENERATE_VERIFY_MAC':
      return new Set([...ALWAYS, 'GenerateMac', 'VerifyMac']);
    case 'KEY_AGREEMENT':
      return new Set([...ALWAYS, 'DeriveSharedSecret', 'GetPublicKey']);
    default:
      return new Set(ALWAYS);
  }
}

export function checkGrantRequest(key: KeyRecord, operations: string[], constraints: GrantConstraints | undefined): void {
  const valid = grantOperationsFor(key.keyUsage);
  const invalid = operations.filter((op) => !valid.has(op));
  if (invalid.length > 0) {
    throw err.validation(`Grant operations [${invalid.join(', ')}] are not valid for a KMS key with key usage ${key.keyUsage} and key spec ${key.keySpec}.`);
  }
  if (!constraints) return;
  if (constraints.EncryptionContextEquals !== undefined && constraints.EncryptionContextSubset !== undefined) {
    throw err.validation('A grant may have an EncryptionContextEquals or an EncryptionContextSubset constraint, not both.');
  }
  for (const map of [constraints.EncryptionContextEquals, constraints.EncryptionContextSubset]) {
    if (!map) continue;
    if (Object.keys(map).length > 8) throw err.validation('A grant constraint may have at most 8 encryption context pairs.');
    for (const v of Object.values(map)) {
      if (v.length > 384) throw err.validation('A grant constraint value may be at most 384 characters.');
    }
  }
  if (key.keyUsage !== 'ENCRYPT_DECRYPT' || key.keySpec !== 'SYMMETRIC_DEFAULT') {
    throw err.validation('Encryption context grant constraints are supported only for symmetric encryption KMS keys.');
  }
}

/** Constraint keys compare case-insensitively, values case-sensitively. */
function lowerKeys(map: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(map).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Whether `grant` allows `operation` for a request with `context`. */
export function grantAllows(grant: GrantRecord, operation: string, context: Record<string, string> | undefined): boolean {
  if (!grant.operations.includes(operation)) return false;
  const c = grant.constraints;
  if (!c || !CONTEXT_OPERATIONS.has(operation)) return true;
  const request = lowerKeys(context ?? {});
  if (c.EncryptionContextEquals) {
    const want = lowerKeys(c.EncryptionContextEquals);
    if (want.size !== request.size) return false;
    for (const [k, v] of want) if (request.get(k) !== v) return false;
    return true;
  }
  if (c.EncryptionContextSubset) {
    for (const [k, v] of lowerKeys(c.EncryptionContextSubset)) if (request.get(k) !== v) return false;
  }
  return true;
}

/**
 * A grantee whose CreateGrant permission came from `parent` may create only
 * grants with a subset of its operations and constraints at least as strict.
 */
export function withinParentGrant(parent: GrantRecord, operations: string[], constraints: GrantConstraints | undefined): boolean {
  if (!operations.every((op) => parent.operations.includes(op))) return false;
  const pc = parent.constraints;
  if (!pc) return true;
  if (!constraints) return false;
  if (pc.EncryptionContextEquals) {
    if (!constraints.EncryptionContextEquals) return false;
    return sameMap(lowerKeys(pc.EncryptionContextEquals), lowerKeys(constraints.EncryptionContextEquals));
  }
  const need = lowerKeys(pc.EncryptionContextSubset ?? {});
  const have = lowerKeys(constraints.EncryptionContextEquals ?? constraints.EncryptionContextSubset ?? {});
  for (const [k, v] of need) if (have.get(k) !== v) return false;
  return true;
}

function sameMap(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

export function constraintType(constraints: GrantConstraints | undefined): string[] {
  if (!constraints) return [];
  return Object.keys(constraints).filter((k) => constraints[k as keyof GrantConstraints] !== undefined);
}

/** Grants are equal for the idempotency of CreateGrant with a Name. */
export function sameGrantRequest(g: GrantRecord, granteePrincipal: string, retiringPrincipal: string | undefined, operations: string[], constraints: GrantConstraints | undefined): boolean {
  return (
    g.granteePrincipal === granteePrincipal &&
    g.retiringPrincipal === retiringPrincipal &&
    [...g.operations].sort().join(',') === [...operations].sort().join(',') &&
    JSON.stringify(normalize(g.constraints)) === JSON.stringify(normalize(constraints))
  );
}

function normalize(c: GrantConstraints | undefined): unknown {
  if (!c) return null;
  const sortMap = (m?: Record<string, string>) => (m ? Object.fromEntries(Object.entries(m).sort()) : undefined);
  return { e: sortMap(c.EncryptionContextEquals), s: sortMap(c.EncryptionContextSubset) };
}
