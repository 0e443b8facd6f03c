/**
 * Signing and verifying a caller-supplied digest (MessageType DIGEST), which
 * node:crypto has no API for: crypto.sign always hashes its input.
 *
 * - RSASSA-PKCS1-v1_5: the RSA private-key operation with PKCS#1 type-1 padding
 *   over DigestInfo || digest (RFC 8017 9.2), through node:crypto's
 *   privateEncrypt / publicDecrypt (OpenSSL does the padding and the RSA).
 * - RSASSA-PSS: EMSA-PSS-ENCODE / EMSA-PSS-VERIFY (RFC 8017 9.1) with MGF1 over
 *   the same hash and a salt as long as the hash, around node:crypto's raw RSA
 *   operation (RSA_NO_PADDING). This encoding is the only hand-written step; its
 *   output is checked against `openssl pkeyutl` in the tests.
 * - ECDSA: @noble/curves (audited) with prehash disabled, DER signatures, high-S
 *   accepted and produced as OpenSSL does.
 * - Ed25519ph (RFC 8032 HashEdDSA, empty context): @noble/curves. As the KMS
 *   Sign documentation says, KMS still applies the SHA-512 prehash to the DIGEST
 *   it is given, so the 64-byte Message is the Ed25519ph *message* M and the
 *   signature covers SHA-512(M): "the input is hashed twice".
 */
import {
  constants,
  createHash,
  privateEncrypt,
  publicDecrypt,
  randomBytes,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';
import { ed25519ph } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

export type DigestHash = 'sha256' | 'sha384' | 'sha512';

const HASH_LENGTH: Record<DigestHash, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** DER DigestInfo prefixes, RFC 8017 section 9.2 note 1. */
const DIGEST_INFO_PREFIX: Record<DigestHash, Buffer> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

function modulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (!bits) throw new Error('not an RSA key');
  return Math.ceil(bits / 8);
}

function checkDigest(hash: DigestHash, digest: Buffer): void {
  if (digest.length !== HASH_LENGTH[hash]) throw new Error(`digest must be ${HASH_LENGTH[hash]} bytes`);
}

// --- RSASSA-PKCS1-v1_5 --------------------------------------------------------

export function rsaPkcs1SignDigest(privateKey: KeyObject, hash: DigestHash, digest: Buffer): Buffer {
  checkDigest(hash, digest);
  return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([DIGEST_INFO_PREFIX[hash], digest]));
}

export function rsaPkcs1VerifyDigest(publicKey: KeyObject, hash: DigestHash, digest: Buffer, signature: Buffer): boolean {
  checkDigest(hash, digest);
  if (signature.length !== modulusBytes(publicKey)) return false;
  let recovered: Buffer;
  try {
    recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
  const expected = Buffer.concat([DIGEST_INFO_PREFIX[hash], digest]);
  return recovered.length === expected.length && timingSafeEqual(recovered, expected);
}

// --- RSASSA-PSS ---------------------------------------------------------------

function mgf1(hash: DigestHash, seed: Buffer, length: number): Buffer {
  const hLen = HASH_LENGTH[hash];
  const out = Buffer.alloc(Math.ceil(length / hLen) * hLen);
  const counter = Buffer.alloc(4);
  for (let i = 0; i * hLen < length; i++) {
    counter.writeUInt32BE(i);
    createHash(hash).update(seed).update(counter).digest().copy(out, i * hLen);
  }
  return out.subarray(0, length);
}

/** EMSA-PSS-ENCODE (RFC 8017 9.1.1) with sLen = hLen. */
function emsaPssEncode(hash: DigestHash, mHash: Buffer, emBits: number, salt: Buffer): Buffer {
  const hLen = HASH_LENGTH[hash];
  const sLen = salt.length;
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + sLen + 2) throw new Error('encoding error');
  const h = createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.alloc(emLen - hLen - 1);
  db[emLen - sLen - hLen - 2] = 0x01;
  salt.copy(db, emLen - sLen - hLen - 1);
  const mask = mgf1(hash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i] ^= mask[i];
  db[0] &= 0xff >> (8 * emLen - emBits);
  return Buffer.concat([db, h, Buffer.from([0xbc])]);
}

/** EMSA-PSS-VERIFY (RFC 8017 9.1.2) with sLen = hLen. */
function emsaPssVerify(hash: DigestHash, mHash: Buffer, em: Buffer, emBits: number): boolean {
  const hLen = HASH_LENGTH[hash];
  const sLen = hLen;
  const emLen = Math.ceil(emBits / 8);
  if (em.length !== emLen || emLen < hLen + sLen + 2) return false;
  if (em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topBits = 8 * emLen - emBits;
  if (topBits > 0 && (maskedDb[0] & (0xff << (8 - topBits)) & 0xff) !== 0) return false;
  const mask = mgf1(hash, h, maskedDb.length);
  const db = Buffer.alloc(maskedDb.length);
  for (let i = 0; i < db.length; i++) db[i] = maskedDb[i] ^ mask[i];
  db[0] &= 0xff >> topBits;
  const psLen = emLen - hLen - sLen - 2;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(db.length - sLen);
  const h2 = createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  return timingSafeEqual(h, h2);
}

export function rsaPssSignDigest(privateKey: KeyObject, hash: DigestHash, digest: Buffer): Buffer {
  checkDigest(hash, digest);
  const k = modulusBytes(privateKey);
  const modBits = privateKey.asymmetricKeyDetails!.modulusLength!;
  const em = emsaPssEncode(hash, digest, modBits - 1, randomBytes(HASH_LENGTH[hash]));
  const block = Buffer.concat([Buffer.alloc(k - em.length), em]);
  return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block);
}

export function rsaPssVerifyDigest(publicKey: KeyObject, hash: DigestHash, digest: Buffer, signature: Buffer): boolean {
  checkDigest(hash, digest);
  const k = modulusBytes(publicKey);
  if (signature.length !== k) return false;
  let block: Buffer;
  try {
    block = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return false; // e.g. signature representative out of range
  }
  const modBits = publicKey.asymmetricKeyDetails!.modulusLength!;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  if (block.length !== k) return false;
  for (let i = 0; i < k - emLen; i++) if (block[i] !== 0) return false;
  return emsaPssVerify(hash, digest, block.subarray(k - emLen), emBits);
}

// --- ECDSA --------------------------------------------------------------------

export type EcdsaCurve = 'prime256v1' | 'secp384r1' | 'secp521r1' | 'secp256k1';

const CURVES = { prime256v1: p256, secp384r1: p384, secp521r1: p521, secp256k1 } as const;

function jwkField(key: KeyObject, field: 'd' | 'x' | 'y'): Buffer {
  const value = key.export({ format: 'jwk' })[field];
  if (typeof value !== 'string') throw new Error(`key has no JWK member ${field}`);
  return Buffer.from(value, 'base64url');
}

export function ecdsaSignDigest(privateKey: KeyObject, curve: EcdsaCurve, digest: Buffer): Buffer {
  const d = jwkField(privateKey, 'd');
  const sig = CURVES[curve].sign(new Uint8Array(digest), new Uint8Array(d), {
    prehash: false,
    lowS: false,
    format: 'der',
    extraEntropy: true,
  });
  return Buffer.from(sig);
}

export function ecdsaVerifyDigest(publicKey: KeyObject, curve: EcdsaCurve, digest: Buffer, signature: Buffer): boolean {
  const point = Buffer.concat([Buffer.from([0x04]), jwkField(publicKey, 'x'), jwkField(publicKey, 'y')]);
  try {
    return CURVES[curve].verify(new Uint8Array(signature), new Uint8Array(digest), new Uint8Array(point), {
      prehash: false,
      lowS: false,
      format: 'der',
    });
  } catch {
    return false;
  }
}

// --- Ed25519ph ----------------------------------------------------------------

/** RFC 8032 Ed25519ph over message `m` (which KMS gets as a 64-byte DIGEST): signs PH(m) = SHA-512(m). */
export function ed25519phSign(privateKey: KeyObject, m: Buffer): Buffer {
  return Buffer.from(ed25519ph.sign(new Uint8Array(m), new Uint8Array(jwkField(privateKey, 'd'))));
}

export function ed25519phVerify(publicKey: KeyObject, m: Buffer, signature: Buffer): boolean {
  if (signature.length !== 64) return false;
  try {
    return ed25519ph.verify(new Uint8Array(signature), new Uint8Array(m), new Uint8Array(jwkField(publicKey, 'x')), { zip215: false });
  } catch {
    return false;
  }
}
