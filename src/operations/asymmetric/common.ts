/**
 * Shared by the operations on asymmetric and HMAC keys: resolving,
 * authorizing and state-checking the key a request names, the key usage gate,
 * the key material, and turning the crypto core's KeySpecErrors into AWS errors.
 */
import { KmsError, err } from '../../domain/errors.js';
import type { KeyRecord } from '../../domain/key-model.js';
import { assertStateAllows } from '../../domain/key-state.js';
import { isKeySpec, KEY_SPEC_TABLE, keyUsageNotValidForOperationMessage, type KeySpec } from '../../domain/key-specs.js';
import { KeySpecError, publicKeyFromPrivate } from '../../crypto/keyspecs/index.js';
import { authorizeKeyAction } from '../authorization/authorize.js';
import type { KmsRequestFacts } from '../authorization/condition-keys.js';
import type { Deps, RequestContext } from '../context.js';
import { resolveKey, type ResolvedKey } from '../key-resolver.js';
import type { UnwrappedMaterial } from '../material-cache.js';

/**
 * The key a cryptographic operation names (key id, key ARN, alias name or
 * alias ARN): resolved, authorized for `action` with `facts`, and Enabled.
 */
export async function keyForUse(
  keyIdInput: string,
  action: string,
  ctx: RequestContext,
  deps: Deps,
  facts: KmsRequestFacts = {},
): Promise<ResolvedKey> {
  const resolved = await resolveKey(keyIdInput, ctx, deps, { allowAlias: true });
  await authorizeKeyAction(deps, ctx, {
    action,
    key: resolved.key,
    arn: resolved.arn,
    facts: { requestAlias: resolved.alias, ...facts },
  });
  assertStateAllows('use', resolved.key.state, resolved.arn);
  return resolved;
}

/** InvalidKeyUsageException `<arn> key usage is X which is not valid for <Operation>.` unless the key has `usage`. */
export function requireKeyUsage(key: KeyRecord, arn: string, usage: string, operation: string): void {
  if (key.keyUsage !== usage) throw err.invalidKeyUsage(keyUsageNotValidForOperationMessage(arn, key.keyUsage, operation));
}

/** The stored key's spec; a record with an unknown spec is an internal fault. */
export function specOf(key: KeyRecord): KeySpec {
  if (!isKeySpec(key.keySpec)) throw err.internal();
  return key.keySpec;
}

export function isAsymmetricKey(key: KeyRecord): boolean {
  return isKeySpec(key.keySpec) && KEY_SPEC_TABLE[key.keySpec].asymmetric;
}

export function isRsaKey(key: KeyRecord): boolean {
  return isKeySpec(key.keySpec) && KEY_SPEC_TABLE[key.keySpec].family === 'RSA';
}

/** A KeySpecError from the crypto core as the AWS error it stands for; anything else unchanged. */
export function asKmsError(e: unknown): unknown {
  return e instanceof KeySpecError ? new KmsError(e.awsCode, e.message) : e;
}

/** Runs crypto-core code, answering its KeySpecErrors as AWS errors. */
export function withKeySpecErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw asKmsError(e);
  }
}

/** The plaintext material of the key's current version (PKCS#8 DER for asymmetric keys, raw bytes for HMAC). */
export async function currentMaterial(key: KeyRecord, deps: Deps): Promise<UnwrappedMaterial> {
  const m = await deps.materials.get(key.accountId, key.region, key.keyId, key.currentMaterialVersion);
  if (!m) throw err.internal();
  return m;
}

/**
 * The public key of an asymmetric key (SubjectPublicKeyInfo DER): stored on
 * the record at CreateKey; derived from the private key for records without it.
 */
export async function publicKeyOf(key: KeyRecord, deps: Deps): Promise<Buffer> {
  if (key.publicKey !== undefined) return Buffer.from(key.publicKey, 'base64');
  const { material } = await currentMaterial(key, deps);
  return withKeySpecErrors(() => publicKeyFromPrivate(specOf(key), material));
}
