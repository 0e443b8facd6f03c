/**
 * RSAES-OAEP with ENCRYPT_DECRYPT RSA keys, for Encrypt, Decrypt and
 * ReEncrypt: ciphertext is the bare RSA ciphertext (as AWS returns it, so
 * OpenSSL can produce and consume it), plaintext limits per key size and
 * algorithm, and no encryption context.
 */
import { err } from '../../domain/errors.js';
import type { KeyRecord } from '../../domain/key-model.js';
import type { EncryptionContext } from '../../crypto/encryption-context.js';
import { maxPlaintextLength, rsaDecrypt, rsaEncrypt } from '../../crypto/keyspecs/index.js';
import { plaintextTooLargeMessage } from '../../domain/key-specs.js';
import type { Deps } from '../context.js';
import { currentMaterial, publicKeyOf, specOf, withKeySpecErrors } from './common.js';

/** Wording reported from AWS (ValidationException) for a non-empty context with an asymmetric key. */
export const ASYMMETRIC_CONTEXT_MESSAGE = 'EncryptionContext is not supported when encrypting/decrypting with asymmetric CMKs.';

/** Asymmetric keys take no encryption context: a non-empty one is refused. */
export function rejectEncryptionContext(context: EncryptionContext | undefined): void {
  if (context !== undefined && Object.keys(context).length > 0) throw err.validation(ASYMMETRIC_CONTEXT_MESSAGE);
}

/** ValidationException when `plaintext` is over the OAEP limit for the key and algorithm. */
export function checkRsaPlaintext(key: KeyRecord, algorithm: string, plaintext: Buffer): void {
  const spec = specOf(key);
  const max = withKeySpecErrors(() => maxPlaintextLength(spec, algorithm));
  if (plaintext.length > max) throw err.validation(plaintextTooLargeMessage(algorithm, spec, max));
}

export async function rsaEncryptWith(key: KeyRecord, algorithm: string, plaintext: Buffer, deps: Deps): Promise<Buffer> {
  const publicKey = await publicKeyOf(key, deps);
  return withKeySpecErrors(() => rsaEncrypt(specOf(key), algorithm, publicKey, plaintext));
}

/** InvalidCiphertextException when `ciphertext` does not decrypt under the key with `algorithm`. */
export async function rsaDecryptWith(key: KeyRecord, algorithm: string, ciphertext: Buffer, deps: Deps): Promise<Buffer> {
  const { material } = await currentMaterial(key, deps);
  return withKeySpecErrors(() => rsaDecrypt(specOf(key), algorithm, material, ciphertext));
}
