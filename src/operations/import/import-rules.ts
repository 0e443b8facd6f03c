/**
 * What AWS KMS accepts for imported key material: the key specs a key of
 * origin EXTERNAL may have, the wrapping algorithm and key spec combinations
 * per key spec, the material each key spec takes, and the key material id.
 */
import { createHmac } from 'node:crypto';
import { err } from '../../domain/errors.js';
import type { KeyRecord } from '../../domain/key-model.js';
import { KEY_SPEC_TABLE, type KeySpec } from '../../domain/key-specs.js';
import { isValidHmacKeyLength, publicKeyFromPrivate } from '../../crypto/keyspecs/index.js';
import { isRsaAesKeyWrap, type WrappingAlgorithm, type WrappingKeySpec } from '../../crypto/import-wrapping.js';
import { withKeySpecErrors } from '../asymmetric/common.js';

/**
 * Key specs AWS KMS imports material for: symmetric encryption, HMAC, RSA,
 * and the NIST and SECG ECC curves. (SM2 only in the China Regions; ML-DSA
 * and Ed25519 keys cannot have imported material.)
 */
export function importSupported(spec: KeySpec): boolean {
  const info = KEY_SPEC_TABLE[spec];
  return info.family === 'SYMMETRIC' || info.family === 'HMAC' || info.family === 'RSA' || info.family === 'ECC';
}

export function originNotValidMessage(arn: string, origin: string): string {
  return `${arn} origin is ${origin} which is not valid for this operation.`;
}

/** UnsupportedOperationException unless the key is of origin EXTERNAL. */
export function requireExternalOrigin(key: KeyRecord, arn: string): void {
  if (key.origin !== 'EXTERNAL') throw err.unsupported(originNotValidMessage(arn, key.origin));
}

/**
 * GetParametersForImport: the wrapping algorithm must be able to carry the
 * key's material. RSA private keys need an RSA_AES_KEY_WRAP algorithm; an
 * ECC_NIST_P521 private key does not fit RSAES-OAEP under RSA_2048.
 */
export function checkWrappingFor(spec: KeySpec, algorithm: WrappingAlgorithm, wrappingSpec: WrappingKeySpec): void {
  if (isRsaAesKeyWrap(algorithm)) return;
  const family = KEY_SPEC_TABLE[spec].family;
  if (family === 'RSA') {
    throw err.validation(`${algorithm} wrapping algorithm is not supported for ${spec} key material. Use an RSA_AES_KEY_WRAP wrapping algorithm.`);
  }
  if (spec === 'ECC_NIST_P521' && wrappingSpec === 'RSA_2048') {
    throw err.validation(`${algorithm} wrapping algorithm with the RSA_2048 wrapping key spec is not supported for ECC_NIST_P521 key material.`);
  }
}

const INVALID_MATERIAL = 'The key material is not valid for the key spec of the KMS key.';

/**
 * Checks unwrapped material against the key spec: 32 bytes for
 * SYMMETRIC_DEFAULT, the spec's length range for HMAC, a PKCS#8 DER private
 * key of the spec's type and size or curve for RSA and ECC. Returns the public
 * key (SubjectPublicKeyInfo DER) of an asymmetric key.
 */
export function checkImportedMaterial(spec: KeySpec, material: Buffer): { publicKey?: Buffer } {
  const info = KEY_SPEC_TABLE[spec];
  if (info.family === 'SYMMETRIC') {
    if (material.length !== 32) throw err.validation(INVALID_MATERIAL);
    return {};
  }
  if (info.family === 'HMAC') {
    if (!isValidHmacKeyLength(spec, material)) throw err.validation(INVALID_MATERIAL);
    return {};
  }
  try {
    return { publicKey: withKeySpecErrors(() => publicKeyFromPrivate(spec, material)) };
  } catch {
    throw err.validation(INVALID_MATERIAL);
  }
}

/**
 * The key material id of imported material: derived from the KMS key id and
 * the material (as AWS derives it), so reimporting the same material into the
 * same key yields the same id, and the id reveals nothing about the material.
 * 64 hex digits.
 */
export function importedMaterialId(keyId: string, material: Buffer): string {
  return createHmac('sha256', material).update(`trent:imported-key-material-id:v1:${keyId}`, 'utf8').digest('hex');
}
