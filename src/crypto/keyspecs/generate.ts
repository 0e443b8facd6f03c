/**
 * Fresh key material for a key spec:
 * - RSA_2048/3072/4096: RSA with public exponent 65537;
 * - ECC_NIST_P256/P384/P521, ECC_SECG_P256K1: EC on the named curve;
 * - ECC_NIST_EDWARDS25519: Ed25519;
 * - ML_DSA_44/65/87: ML-DSA (see ml-dsa.ts for the backend and encodings);
 * - HMAC_224/256/384/512: 28/32/48/64 random bytes (the spec's bit length);
 * - SYMMETRIC_DEFAULT: 32 random bytes (AES-256).
 * Key pairs come as PKCS#8 DER (private) and SubjectPublicKeyInfo DER (public),
 * the formats GenerateDataKeyPair and GetPublicKey return. SM2 is not supported.
 */
import { generateKeyPair as nodeGenerateKeyPair, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { isDataKeyPairSpec, KEY_SPEC_TABLE, type DataKeyPairSpec, type KeySpec } from '../../domain/key-specs.js';
import { KeySpecError } from './errors.js';
import { generateMlDsaKeyPair, isMlDsaSpec } from './ml-dsa.js';
import { sm2Unsupported } from './sm2.js';

export interface KeyPairMaterial {
  /** PKCS#8 PrivateKeyInfo, DER. */
  privateKeyDer: Buffer;
  /** X.509 SubjectPublicKeyInfo, DER. */
  publicKeyDer: Buffer;
}

export interface SecretMaterial {
  /** Raw symmetric key bytes. */
  secret: Buffer;
}

export type KeyMaterial = KeyPairMaterial | SecretMaterial;

const SYMMETRIC_DEFAULT_BYTES = 32;

function toDer(pair: { privateKey: KeyObject; publicKey: KeyObject }): KeyPairMaterial {
  return {
    privateKeyDer: pair.privateKey.export({ type: 'pkcs8', format: 'der' }),
    publicKeyDer: pair.publicKey.export({ type: 'spki', format: 'der' }),
  };
}

type Family = 'RSA' | 'ECC' | 'ED25519';

function pairFamily(spec: KeySpec): Family {
  const family = KEY_SPEC_TABLE[spec].family;
  if (family === 'RSA' || family === 'ECC' || family === 'ED25519') return family;
  if (family === 'SM2') throw sm2Unsupported();
  throw new KeySpecError('Unsupported', `KeySpec ${spec} has no key pair.`);
}

/** Random bytes for SYMMETRIC_DEFAULT and HMAC_* specs. */
export function generateSecret(spec: KeySpec): Buffer {
  const info = KEY_SPEC_TABLE[spec];
  if (info.family === 'HMAC') return randomBytes(info.hmacKeyBytes!);
  if (info.family === 'SYMMETRIC') return randomBytes(SYMMETRIC_DEFAULT_BYTES);
  throw new KeySpecError('Unsupported', `KeySpec ${spec} has no symmetric key.`);
}

/** A key pair for an asymmetric spec (synchronous; RSA_4096 can take a second). */
export function generateKeyPair(spec: KeySpec): KeyPairMaterial {
  if (isMlDsaSpec(spec)) return generateMlDsaKeyPair(spec);
  const info = KEY_SPEC_TABLE[spec];
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  switch (pairFamily(spec)) {
    case 'RSA':
      pair = generateKeyPairSync('rsa', { modulusLength: info.rsaModulusBits!, publicExponent: 0x10001 });
      break;
    case 'ECC':
      pair = generateKeyPairSync('ec', { namedCurve: info.curve! });
      break;
    case 'ED25519':
      pair = generateKeyPairSync('ed25519');
      break;
  }
  return toDer(pair);
}

const generateKeyPairAsync = promisify(nodeGenerateKeyPair);

/** As generateKeyPair, but off the event loop for the node:crypto specs. */
export async function generateKeyPairAsyncFor(spec: KeySpec): Promise<KeyPairMaterial> {
  if (isMlDsaSpec(spec)) return generateMlDsaKeyPair(spec);
  const info = KEY_SPEC_TABLE[spec];
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  switch (pairFamily(spec)) {
    case 'RSA':
      pair = await generateKeyPairAsync('rsa', { modulusLength: info.rsaModulusBits!, publicExponent: 0x10001 });
      break;
    case 'ECC':
      pair = await generateKeyPairAsync('ec', { namedCurve: info.curve! });
      break;
    case 'ED25519':
      pair = await generateKeyPairAsync('ed25519');
      break;
  }
  return toDer(pair);
}

/** Key material for any key spec: a key pair for asymmetric specs, a secret otherwise. */
export function generateKeyMaterial(spec: KeySpec): KeyMaterial {
  return KEY_SPEC_TABLE[spec].asymmetric ? generateKeyPair(spec) : { secret: generateSecret(spec) };
}

export async function generateKeyMaterialAsync(spec: KeySpec): Promise<KeyMaterial> {
  return KEY_SPEC_TABLE[spec].asymmetric ? generateKeyPairAsyncFor(spec) : { secret: generateSecret(spec) };
}

function checkDataKeyPairSpec(spec: string): DataKeyPairSpec {
  if (!isDataKeyPairSpec(spec)) throw new KeySpecError('Unsupported', `KeyPairSpec ${spec} is not supported.`);
  return spec;
}

/** The key pair GenerateDataKeyPair returns for a KeyPairSpec. */
export function generateDataKeyPair(keyPairSpec: string): KeyPairMaterial {
  return generateKeyPair(checkDataKeyPairSpec(keyPairSpec));
}

export async function generateDataKeyPairAsync(keyPairSpec: string): Promise<KeyPairMaterial> {
  return generateKeyPairAsyncFor(checkDataKeyPairSpec(keyPairSpec));
}
