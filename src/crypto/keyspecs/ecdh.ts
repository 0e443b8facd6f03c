/**
 * DeriveSharedSecret for KEY_AGREEMENT keys on ECC_NIST_P256/P384/P521: the raw
 * ECDH shared secret (the x-coordinate, big-endian, field length), exactly what
 * `openssl pkeyutl -derive` produces. No KDF is applied; KMS returns the raw
 * secret. A peer public key that is not a valid SubjectPublicKeyInfo on the
 * same curve is refused with ValidationException (AWS sends an empty message).
 * SM2 is not supported.
 */
import { createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { algorithmIncompatibleMessage, KEY_SPEC_TABLE, keyAgreementAlgorithmsFor, type KeySpec } from '../../domain/key-specs.js';
import { KeySpecError } from './errors.js';
import { loadPrivateKey } from './keys.js';
import { sm2Unsupported } from './sm2.js';

export function deriveSharedSecret(spec: KeySpec, privateKeyDer: Buffer, peerPublicKeyDer: Buffer, algorithm = 'ECDH'): Buffer {
  const info = KEY_SPEC_TABLE[spec];
  if (info.family === 'SM2') throw sm2Unsupported();
  if (!(keyAgreementAlgorithmsFor(spec) as readonly string[]).includes(algorithm)) {
    throw new KeySpecError('IncompatibleAlgorithm', algorithmIncompatibleMessage(algorithm, spec));
  }
  const privateKey = loadPrivateKey(spec, privateKeyDer);
  let peer: KeyObject;
  try {
    peer = createPublicKey({ key: peerPublicKeyDer, format: 'der', type: 'spki' });
  } catch {
    throw new KeySpecError('InvalidPublicKey', '');
  }
  if (peer.asymmetricKeyType !== 'ec' || peer.asymmetricKeyDetails?.namedCurve !== info.curve) {
    throw new KeySpecError('InvalidPublicKey', '');
  }
  try {
    return diffieHellman({ privateKey, publicKey: peer });
  } catch {
    throw new KeySpecError('InvalidPublicKey', '');
  }
}
