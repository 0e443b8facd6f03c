/**
 * The transport protection of imported key material (GetParametersForImport /
 * ImportKeyMaterial): an RSA wrapping key pair, and unwrapping of material
 * wrapped under its public key with one of the wrapping algorithms:
 *
 * - RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256: the material is RSAES-OAEP
 *   ciphertext (MGF1 with the same hash, empty label).
 * - RSA_AES_KEY_WRAP_SHA_1 / RSA_AES_KEY_WRAP_SHA_256: an ephemeral AES-256
 *   key as RSAES-OAEP ciphertext (modulus length), followed by the material
 *   wrapped under that key with AES key wrap with padding (RFC 5649).
 *
 * Every unwrapping failure is reported as ImportUnwrapError, without detail.
 */
import { constants, createDecipheriv, createPrivateKey, generateKeyPair, privateDecrypt } from 'node:crypto';

export const WRAPPING_ALGORITHMS = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'RSA_AES_KEY_WRAP_SHA_1', 'RSA_AES_KEY_WRAP_SHA_256'] as const;
export type WrappingAlgorithm = (typeof WRAPPING_ALGORITHMS)[number];

export const WRAPPING_KEY_SPECS = ['RSA_2048', 'RSA_3072', 'RSA_4096'] as const;
export type WrappingKeySpec = (typeof WRAPPING_KEY_SPECS)[number];

const MODULUS_BITS: Record<WrappingKeySpec, number> = { RSA_2048: 2048, RSA_3072: 3072, RSA_4096: 4096 };

/** RFC 5649 alternative initial value, as OpenSSL's id-aes256-wrap-pad takes it. */
const KWP_IV = Buffer.from('a65959a6', 'hex');

export class ImportUnwrapError extends Error {
  constructor() {
    super('the wrapped key material does not unwrap under the wrapping key and algorithm');
    this.name = 'ImportUnwrapError';
  }
}

export function isWrappingAlgorithm(v: string): v is WrappingAlgorithm {
  return (WRAPPING_ALGORITHMS as readonly string[]).includes(v);
}

export function isWrappingKeySpec(v: string): v is WrappingKeySpec {
  return (WRAPPING_KEY_SPECS as readonly string[]).includes(v);
}

export function isRsaAesKeyWrap(algorithm: WrappingAlgorithm): boolean {
  return algorithm.startsWith('RSA_AES_KEY_WRAP');
}

/** A fresh wrapping key pair, generated off the event loop: PKCS#8 and SubjectPublicKeyInfo DER. */
export function generateWrappingKeyPair(spec: WrappingKeySpec): Promise<{ privateKeyDer: Buffer; publicKeyDer: Buffer }> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: MODULUS_BITS[spec],
        publicExponent: 0x10001,
        publicKeyEncoding: { type: 'spki', format: 'der' },
        privateKeyEncoding: { type: 'pkcs8', format: 'der' },
      },
      (e, publicKeyDer, privateKeyDer) => (e ? reject(e) : resolve({ privateKeyDer, publicKeyDer })),
    );
  });
}

function oaepDecrypt(privateKeyDer: Buffer, hash: string, ciphertext: Buffer): Buffer {
  const key = createPrivateKey({ key: privateKeyDer, format: 'der', type: 'pkcs8' });
  return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, ciphertext);
}

/** The plaintext key material; throws ImportUnwrapError when it does not unwrap. */
export function unwrapKeyMaterial(algorithm: WrappingAlgorithm, spec: WrappingKeySpec, privateKeyDer: Buffer, wrapped: Buffer): Buffer {
  const hash = algorithm.endsWith('SHA_1') ? 'sha1' : 'sha256';
  try {
    if (!isRsaAesKeyWrap(algorithm)) return oaepDecrypt(privateKeyDer, hash, wrapped);
    const modulusBytes = MODULUS_BITS[spec] / 8;
    if (wrapped.length <= modulusBytes) throw new ImportUnwrapError();
    const aesKey = oaepDecrypt(privateKeyDer, hash, wrapped.subarray(0, modulusBytes));
    if (aesKey.length !== 32) throw new ImportUnwrapError();
    const decipher = createDecipheriv('id-aes256-wrap-pad', aesKey, KWP_IV);
    const material = Buffer.concat([decipher.update(wrapped.subarray(modulusBytes)), decipher.final()]);
    aesKey.fill(0);
    return material;
  } catch {
    throw new ImportUnwrapError();
  }
}
