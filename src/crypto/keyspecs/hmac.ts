/**
 * GenerateMac / VerifyMac for HMAC_224/256/384/512 keys (RFC 2104). Each spec
 * takes exactly one MAC algorithm (HMAC_224 -> HMAC_SHA_224, ...); any other is
 * refused with AWS's "Algorithm X is incompatible with key spec Y." Keys are
 * raw bytes.
 */
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import {
  algorithmIncompatibleMessage,
  isMacAlgorithm,
  KEY_SPEC_TABLE,
  macAlgorithmsFor,
  MAX_MESSAGE_BYTES,
  memberTooLongMessage,
  type KeySpec,
  type MacAlgorithm,
} from '../../domain/key-specs.js';
import { KeySpecError } from './errors.js';

const HASH: Record<MacAlgorithm, string> = {
  HMAC_SHA_224: 'sha224',
  HMAC_SHA_256: 'sha256',
  HMAC_SHA_384: 'sha384',
  HMAC_SHA_512: 'sha512',
};

function checkRequest(spec: KeySpec, algorithm: string, message: Buffer): MacAlgorithm {
  if (!isMacAlgorithm(algorithm) || !macAlgorithmsFor(spec).includes(algorithm)) {
    throw new KeySpecError('IncompatibleAlgorithm', algorithmIncompatibleMessage(algorithm, spec));
  }
  if (message.length > MAX_MESSAGE_BYTES) throw new KeySpecError('MessageTooLarge', memberTooLongMessage('message'));
  return algorithm;
}

export function generateMac(spec: KeySpec, algorithm: string, key: Buffer | KeyObject, message: Buffer): Buffer {
  const alg = checkRequest(spec, algorithm, message);
  return createHmac(HASH[alg], key).update(message).digest();
}

/** True if `mac` is the HMAC of `message`; compared in constant time. */
export function verifyMac(spec: KeySpec, algorithm: string, key: Buffer | KeyObject, message: Buffer, mac: Buffer): boolean {
  const expected = generateMac(spec, algorithm, key, message);
  return mac.length === expected.length && timingSafeEqual(mac, expected);
}

/** Whether raw key material has a length KMS accepts for the spec (ImportKeyMaterial). */
export function isValidHmacKeyLength(spec: KeySpec, key: Buffer): boolean {
  const range = KEY_SPEC_TABLE[spec].hmacImportKeyBytes;
  return range !== undefined && key.length >= range.min && key.length <= range.max;
}
