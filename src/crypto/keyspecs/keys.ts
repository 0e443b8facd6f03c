/**
 * Loading and checking asymmetric key material for a key spec: private keys as
 * PKCS#8 DER, public keys as SubjectPublicKeyInfo DER. Rejects material of the
 * wrong type, size or curve with KeySpecError 'InvalidKeyMaterial'.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { KEY_SPEC_TABLE, type KeySpec } from '../../domain/key-specs.js';
import { KeySpecError } from './errors.js';
import { decodeMlDsaPublicKey, isMlDsaSpec, mlDsaPublicKeyFromPrivate } from './ml-dsa.js';
import { sm2Unsupported } from './sm2.js';

function invalid(spec: KeySpec, why: string): KeySpecError {
  return new KeySpecError('InvalidKeyMaterial', `The key material is not a valid ${spec} key: ${why}.`);
}

function checkKeyObject(spec: KeySpec, key: KeyObject): KeyObject {
  const info = KEY_SPEC_TABLE[spec];
  const details = key.asymmetricKeyDetails ?? {};
  switch (info.family) {
    case 'RSA':
      if (key.asymmetricKeyType !== 'rsa') throw invalid(spec, `key type is ${key.asymmetricKeyType}`);
      if (details.modulusLength !== info.rsaModulusBits) throw invalid(spec, `modulus is ${details.modulusLength} bits`);
      return key;
    case 'ECC':
      if (key.asymmetricKeyType !== 'ec') throw invalid(spec, `key type is ${key.asymmetricKeyType}`);
      if (details.namedCurve !== info.curve) throw invalid(spec, `curve is ${details.namedCurve}`);
      return key;
    case 'ED25519':
      if (key.asymmetricKeyType !== 'ed25519') throw invalid(spec, `key type is ${key.asymmetricKeyType}`);
      return key;
    case 'SM2':
      throw sm2Unsupported();
    default:
      throw invalid(spec, 'the key spec has no key pair');
  }
}

/** A node:crypto private key for an RSA, ECC or Ed25519 spec (not ML-DSA, which has its own module). */
/**
 * Parsed private keys by the material buffer they came from: the material
 * cache hands out one buffer per key version, so each version is parsed
 * once, and the entry goes when the buffer does.
 */
const parsedPrivate = new WeakMap<Buffer, { spec: KeySpec; key: KeyObject }>();

/** Parsed public keys by spec and DER, bounded. */
const parsedPublic = new Map<string, KeyObject>();
const PUBLIC_CAPACITY = 10_000;

export function loadPrivateKey(spec: KeySpec, privateKeyDer: Buffer): KeyObject {
  const hit = parsedPrivate.get(privateKeyDer);
  if (hit && hit.spec === spec) return hit.key;
  const key = parsePrivateKey(spec, privateKeyDer);
  parsedPrivate.set(privateKeyDer, { spec, key });
  return key;
}

function parsePrivateKey(spec: KeySpec, privateKeyDer: Buffer): KeyObject {
  if (KEY_SPEC_TABLE[spec].family === 'SM2') throw sm2Unsupported();
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: privateKeyDer, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw invalid(spec, (e as Error).message);
  }
  return checkKeyObject(spec, key);
}

/** A node:crypto public key for an RSA, ECC or Ed25519 spec. */
export function loadPublicKey(spec: KeySpec, publicKeyDer: Buffer): KeyObject {
  const id = spec + ':' + publicKeyDer.toString('base64');
  const hit = parsedPublic.get(id);
  if (hit) return hit;
  const key = parsePublicKey(spec, publicKeyDer);
  parsedPublic.set(id, key);
  if (parsedPublic.size > PUBLIC_CAPACITY) parsedPublic.delete(parsedPublic.keys().next().value as string);
  return key;
}

function parsePublicKey(spec: KeySpec, publicKeyDer: Buffer): KeyObject {
  if (KEY_SPEC_TABLE[spec].family === 'SM2') throw sm2Unsupported();
  let key: KeyObject;
  try {
    key = createPublicKey({ key: publicKeyDer, format: 'der', type: 'spki' });
  } catch (e) {
    throw invalid(spec, (e as Error).message);
  }
  return checkKeyObject(spec, key);
}

/**
 * Checks PKCS#8 private key material against the key spec and returns the
 * matching public key (SubjectPublicKeyInfo DER), as GetPublicKey returns it.
 * Use it for imported key material and to verify with a stored private key.
 */
export function publicKeyFromPrivate(spec: KeySpec, privateKeyDer: Buffer): Buffer {
  if (isMlDsaSpec(spec)) return mlDsaPublicKeyFromPrivate(spec, privateKeyDer);
  return createPublicKey(loadPrivateKey(spec, privateKeyDer)).export({ format: 'der', type: 'spki' });
}

/** Checks a SubjectPublicKeyInfo against the key spec; throws KeySpecError if it does not fit. */
export function validatePublicKey(spec: KeySpec, publicKeyDer: Buffer): void {
  if (isMlDsaSpec(spec)) {
    decodeMlDsaPublicKey(spec, publicKeyDer);
    return;
  }
  loadPublicKey(spec, publicKeyDer);
}
