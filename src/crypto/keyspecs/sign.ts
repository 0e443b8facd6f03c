/**
 * Sign and Verify for every asymmetric signing key spec, as AWS KMS does them:
 * - RSASSA_PSS_SHA_*: MGF1 with the same hash, salt length = hash length;
 * - RSASSA_PKCS1_V1_5_SHA_*;
 * - ECDSA_SHA_* (DER signatures) on the spec's one curve;
 * - ED25519_SHA_512 (pure Ed25519, RAW only) and ED25519_PH_SHA_512 (Ed25519ph,
 *   DIGEST only; KMS prehashes the 64-byte digest again, see digest-sign.ts);
 * - ML_DSA_SHAKE_256 (pure ML-DSA, empty context; RAW or EXTERNAL_MU).
 * RAW messages are hashed by the algorithm (at most 4096 bytes); DIGEST messages
 * must be exactly the hash's length; EXTERNAL_MU messages are 64 bytes.
 * Requests AWS refuses throw KeySpecError; `verify` answers false for a
 * signature that does not verify (the caller answers KMSInvalidSignatureException).
 */
import { constants, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import {
  invalidDigestLengthMessage,
  isSigningAlgorithm,
  KEY_SPEC_TABLE,
  MAX_MESSAGE_BYTES,
  memberTooLongMessage,
  messageTypeIncompatibleMessage,
  algorithmIncompatibleMessage,
  SIGNING_HASH,
  signingAlgorithmsFor,
  type KeySpec,
  type MessageType,
  type SigningAlgorithm,
} from '../../domain/key-specs.js';
import {
  ecdsaSignDigest,
  ecdsaVerifyDigest,
  ed25519phSign,
  ed25519phVerify,
  rsaPkcs1SignDigest,
  rsaPkcs1VerifyDigest,
  rsaPssSignDigest,
  rsaPssVerifyDigest,
  type DigestHash,
  type EcdsaCurve,
} from './digest-sign.js';
import { KeySpecError } from './errors.js';
import { loadPrivateKey, loadPublicKey } from './keys.js';
import { isMlDsaSpec, mlDsaSign, mlDsaSignMu, mlDsaVerify, mlDsaVerifyMu } from './ml-dsa.js';
import { sm2Unsupported } from './sm2.js';

export type SignMessageType = MessageType;

/**
 * Checks a Sign/Verify request against the key spec in the order AWS does:
 * algorithm (InvalidKeyUsageException), message type, then message length
 * (ValidationException). Returns the algorithm, narrowed.
 */
export function validateSigningRequest(spec: KeySpec, algorithm: string, message: Buffer, messageType: string): SigningAlgorithm {
  if (KEY_SPEC_TABLE[spec].family === 'SM2') throw sm2Unsupported();
  if (!isSigningAlgorithm(algorithm) || !signingAlgorithmsFor(spec).includes(algorithm)) {
    throw new KeySpecError('IncompatibleAlgorithm', algorithmIncompatibleMessage(algorithm, spec));
  }
  const info = SIGNING_HASH[algorithm];
  if (!(info.messageTypes as readonly string[]).includes(messageType)) {
    const perAlgorithm = KEY_SPEC_TABLE[spec].family === 'ED25519';
    throw new KeySpecError('IncompatibleMessageType', messageTypeIncompatibleMessage(messageType, spec, perAlgorithm ? algorithm : undefined));
  }
  if (messageType === 'RAW') {
    if (message.length > MAX_MESSAGE_BYTES) throw new KeySpecError('MessageTooLarge', memberTooLongMessage('message'));
  } else if (message.length !== info.digestLength) {
    throw new KeySpecError('InvalidDigestLength', invalidDigestLengthMessage(algorithm));
  }
  return algorithm;
}

function isPss(algorithm: SigningAlgorithm): boolean {
  return algorithm.startsWith('RSASSA_PSS_');
}

function rsaOptions(key: KeyObject, algorithm: SigningAlgorithm) {
  return isPss(algorithm)
    ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : { key, padding: constants.RSA_PKCS1_PADDING };
}

/** Signs `message` with the private key (PKCS#8 DER). */
export function sign(spec: KeySpec, algorithm: string, privateKeyDer: Buffer, message: Buffer, messageType: SignMessageType | string): Buffer {
  const alg = validateSigningRequest(spec, algorithm, message, messageType);
  if (isMlDsaSpec(spec)) {
    return messageType === 'EXTERNAL_MU' ? mlDsaSignMu(spec, privateKeyDer, message) : mlDsaSign(spec, privateKeyDer, message);
  }
  const key = loadPrivateKey(spec, privateKeyDer);
  const info = KEY_SPEC_TABLE[spec];
  const hash = SIGNING_HASH[alg].hash as DigestHash;
  switch (info.family) {
    case 'RSA':
      if (messageType === 'RAW') return nodeSign(hash, message, rsaOptions(key, alg));
      return isPss(alg) ? rsaPssSignDigest(key, hash, message) : rsaPkcs1SignDigest(key, hash, message);
    case 'ECC':
      if (messageType === 'RAW') return nodeSign(hash, message, { key, dsaEncoding: 'der' });
      return ecdsaSignDigest(key, info.curve as EcdsaCurve, message);
    case 'ED25519':
      if (alg === 'ED25519_SHA_512') return nodeSign(null, message, key);
      return ed25519phSign(key, message);
    default:
      throw new KeySpecError('IncompatibleAlgorithm', algorithmIncompatibleMessage(alg, spec));
  }
}

/**
 * Verifies `signature` over `message` with the public key (SubjectPublicKeyInfo
 * DER; see publicKeyFromPrivate for a stored private key). True if valid.
 */
export function verify(
  spec: KeySpec,
  algorithm: string,
  publicKeyDer: Buffer,
  message: Buffer,
  messageType: SignMessageType | string,
  signature: Buffer,
): boolean {
  const alg = validateSigningRequest(spec, algorithm, message, messageType);
  if (isMlDsaSpec(spec)) {
    return messageType === 'EXTERNAL_MU'
      ? mlDsaVerifyMu(spec, publicKeyDer, message, signature)
      : mlDsaVerify(spec, publicKeyDer, message, signature);
  }
  const key = loadPublicKey(spec, publicKeyDer);
  const info = KEY_SPEC_TABLE[spec];
  const hash = SIGNING_HASH[alg].hash as DigestHash;
  try {
    switch (info.family) {
      case 'RSA':
        if (messageType === 'RAW') return nodeVerify(hash, message, rsaOptions(key, alg), signature);
        return isPss(alg) ? rsaPssVerifyDigest(key, hash, message, signature) : rsaPkcs1VerifyDigest(key, hash, message, signature);
      case 'ECC':
        if (messageType === 'RAW') return nodeVerify(hash, message, { key, dsaEncoding: 'der' }, signature);
        return ecdsaVerifyDigest(key, info.curve as EcdsaCurve, message, signature);
      case 'ED25519':
        if (alg === 'ED25519_SHA_512') return nodeVerify(null, message, key, signature);
        return ed25519phVerify(key, message, signature);
      default:
        return false;
    }
  } catch {
    // A malformed signature (bad DER, wrong length) is an invalid signature.
    return false;
  }
}
