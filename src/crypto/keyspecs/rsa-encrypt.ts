/**
 * Encrypt and Decrypt with RSA key specs: RSAES_OAEP_SHA_1 and RSAES_OAEP_SHA_256
 * (MGF1 with the same hash, empty label), with AWS's plaintext limits
 * (k - 2*hLen - 2: 214/190, 342/318, 470/446 bytes). SM2PKE is not supported.
 */
import { constants, privateDecrypt, publicEncrypt } from 'node:crypto';
import {
  algorithmIncompatibleMessage,
  encryptionAlgorithmsFor,
  isEncryptionAlgorithm,
  KEY_SPEC_TABLE,
  plaintextTooLargeMessage,
  rsaOaepMaxPlaintext,
  type EncryptionAlgorithm,
  type KeySpec,
} from '../../domain/key-specs.js';
import { KeySpecError } from './errors.js';
import { loadPrivateKey, loadPublicKey } from './keys.js';
import { sm2Unsupported } from './sm2.js';

type OaepAlgorithm = 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256';

const OAEP_HASH: Record<OaepAlgorithm, string> = { RSAES_OAEP_SHA_1: 'sha1', RSAES_OAEP_SHA_256: 'sha256' };

function checkAlgorithm(spec: KeySpec, algorithm: string): OaepAlgorithm {
  if (KEY_SPEC_TABLE[spec].family === 'SM2') throw sm2Unsupported();
  if (!isEncryptionAlgorithm(algorithm) || !encryptionAlgorithmsFor(spec).includes(algorithm) || !(algorithm in OAEP_HASH)) {
    throw new KeySpecError('IncompatibleAlgorithm', algorithmIncompatibleMessage(algorithm, spec));
  }
  return algorithm as OaepAlgorithm;
}

/** Largest plaintext the spec and algorithm can encrypt, in bytes. */
export function maxPlaintextLength(spec: KeySpec, algorithm: string): number {
  const alg = checkAlgorithm(spec, algorithm);
  return rsaOaepMaxPlaintext(spec, alg as EncryptionAlgorithm)!;
}

/** RSAES-OAEP encryption with the public key (SubjectPublicKeyInfo DER). */
export function rsaEncrypt(spec: KeySpec, algorithm: string, publicKeyDer: Buffer, plaintext: Buffer): Buffer {
  const alg = checkAlgorithm(spec, algorithm);
  const max = rsaOaepMaxPlaintext(spec, alg)!;
  if (plaintext.length > max) throw new KeySpecError('PlaintextTooLarge', plaintextTooLargeMessage(alg, spec, max));
  const key = loadPublicKey(spec, publicKeyDer);
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[alg] }, plaintext);
}

/** RSAES-OAEP decryption with the private key (PKCS#8 DER); InvalidCiphertext if it does not decrypt. */
export function rsaDecrypt(spec: KeySpec, algorithm: string, privateKeyDer: Buffer, ciphertext: Buffer): Buffer {
  const alg = checkAlgorithm(spec, algorithm);
  const key = loadPrivateKey(spec, privateKeyDer);
  if (ciphertext.length !== KEY_SPEC_TABLE[spec].rsaModulusBits! / 8) throw new KeySpecError('InvalidCiphertext', '');
  try {
    return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP_HASH[alg] }, ciphertext);
  } catch {
    throw new KeySpecError('InvalidCiphertext', '');
  }
}
