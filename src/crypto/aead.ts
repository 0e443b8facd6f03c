/**
 * AES-256-GCM sealing used to wrap secrets at rest (key material, secret
 * access keys) under the root key: version byte, 12-byte IV, ciphertext, tag.
 * The caller's `aad` names what is wrapped, so a wrapped value moved to
 * another row fails to unwrap. Pure apart from the IV it is given.
 */
import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';

const VERSION = 1;

export function seal(key: Buffer | KeyObject, iv: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, body, cipher.getAuthTag()]);
}

/** Throws if the sealed value was altered or `aad` differs. */
export function unseal(key: Buffer | KeyObject, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < 29 || sealed[0] !== VERSION) throw new Error('unsupported sealed value');
  const iv = sealed.subarray(1, 13);
  const tag = sealed.subarray(sealed.length - 16);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(13, sealed.length - 16)), decipher.final()]);
}
