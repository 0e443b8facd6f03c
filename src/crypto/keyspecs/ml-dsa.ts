/**
 * ML-DSA (FIPS 204) for the ML_DSA_44/65/87 key specs, on two interchangeable
 * backends chosen at run time:
 * - `native`: node:crypto, where the runtime has it (Node >= 24 with OpenSSL 3.5);
 * - `noble`: @noble/post-quantum (audited, pure JS) everywhere else (Node 20).
 *
 * Key material is the same on both. Private keys are PKCS#8 with the RFC 9881
 * (draft-ietf-lamps-dilithium-certificates) ML-DSA-PrivateKey CHOICE; both
 * backends write the `both` form `SEQUENCE { seed OCTET STRING (32), expandedKey
 * OCTET STRING }`, byte for byte what Node 24 / OpenSSL 3.5 emits, and both read
 * all three forms (seed-only `[0]`, expandedKey-only, both). Public keys are the
 * standard SubjectPublicKeyInfo. Signatures are pure ML-DSA with an empty context,
 * hedged (randomized) as FIPS 204 recommends; a signature made by either backend
 * verifies on the other.
 *
 * EXTERNAL_MU (the caller supplies the 64-byte mu of FIPS 204 section 6.2):
 * node:crypto cannot sign or verify a precomputed mu, so that path uses the
 * library on every Node version.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign as nodeSign,
  timingSafeEqual,
  verify as nodeVerify,
  type KeyObject,
} from 'node:crypto';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { encodeOid, readAll, readExactly, readTlv, TAG, tlv } from './der.js';
import { KeySpecError } from './errors.js';

export type MlDsaSpec = 'ML_DSA_44' | 'ML_DSA_65' | 'ML_DSA_87';
export type MlDsaBackend = 'native' | 'noble';

interface Params {
  oid: string;
  nodeType: string;
  noble: typeof ml_dsa44;
  publicKeyBytes: number;
  secretKeyBytes: number;
  signatureBytes: number;
}

export const ML_DSA_PARAMS: Readonly<Record<MlDsaSpec, Readonly<Params>>> = {
  ML_DSA_44: { oid: '2.16.840.1.101.3.4.3.17', nodeType: 'ml-dsa-44', noble: ml_dsa44, publicKeyBytes: 1312, secretKeyBytes: 2560, signatureBytes: 2420 },
  ML_DSA_65: { oid: '2.16.840.1.101.3.4.3.18', nodeType: 'ml-dsa-65', noble: ml_dsa65, publicKeyBytes: 1952, secretKeyBytes: 4032, signatureBytes: 3309 },
  ML_DSA_87: { oid: '2.16.840.1.101.3.4.3.19', nodeType: 'ml-dsa-87', noble: ml_dsa87, publicKeyBytes: 2592, secretKeyBytes: 4896, signatureBytes: 4627 },
};

export const ML_DSA_SEED_BYTES = 32;
export const ML_DSA_MU_BYTES = 64;

export function isMlDsaSpec(spec: string): spec is MlDsaSpec {
  return spec === 'ML_DSA_44' || spec === 'ML_DSA_65' || spec === 'ML_DSA_87';
}

// node:crypto's typings (@types/node 20) do not know the ML-DSA key types.
const generateKeyPairAny = generateKeyPairSync as unknown as (type: string) => { privateKey: KeyObject; publicKey: KeyObject };

let nativeAvailable: boolean | undefined;

/** Whether node:crypto in this process can generate, sign and verify ML-DSA. */
export function nativeMlDsaAvailable(): boolean {
  if (nativeAvailable === undefined) {
    try {
      const { privateKey, publicKey } = generateKeyPairAny('ml-dsa-44');
      const sig = nodeSign(null, Buffer.from('probe'), privateKey);
      nativeAvailable = nodeVerify(null, Buffer.from('probe'), publicKey, sig);
    } catch {
      nativeAvailable = false;
    }
  }
  return nativeAvailable;
}

/** The backend used when none is named: node:crypto if it has ML-DSA, else the library. */
export function defaultMlDsaBackend(): MlDsaBackend {
  return nativeMlDsaAvailable() ? 'native' : 'noble';
}

function backendOf(requested: MlDsaBackend | undefined): MlDsaBackend {
  const backend = requested ?? defaultMlDsaBackend();
  if (backend === 'native' && !nativeMlDsaAvailable()) throw new KeySpecError('Unsupported', 'ML-DSA is not available in this runtime\'s node:crypto.');
  return backend;
}

// ---------------------------------------------------------------------------
// Encodings

function algorithmIdentifier(spec: MlDsaSpec): Buffer {
  // RFC 9881: parameters MUST be absent.
  return tlv(TAG.SEQUENCE, encodeOid(ML_DSA_PARAMS[spec].oid));
}

export interface MlDsaPrivateKey {
  /** The 32-byte seed xi, when the encoding carried it. */
  seed?: Buffer;
  /** The expanded FIPS 204 private key (sk). */
  expanded: Buffer;
  /** The public key (pk) it belongs to. */
  publicKey: Buffer;
}

/** PKCS#8 in the `both` form, identical to what Node 24 (OpenSSL 3.5) writes. */
export function encodeMlDsaPrivateKey(spec: MlDsaSpec, seed: Buffer, expanded: Buffer): Buffer {
  const choice = tlv(TAG.SEQUENCE, tlv(TAG.OCTET_STRING, seed), tlv(TAG.OCTET_STRING, expanded));
  return tlv(TAG.SEQUENCE, tlv(TAG.INTEGER, Buffer.from([0])), algorithmIdentifier(spec), tlv(TAG.OCTET_STRING, choice));
}

export function encodeMlDsaPublicKey(spec: MlDsaSpec, publicKey: Buffer): Buffer {
  return tlv(TAG.SEQUENCE, algorithmIdentifier(spec), tlv(TAG.BIT_STRING, Buffer.from([0]), publicKey));
}

function invalid(spec: MlDsaSpec, why: string): KeySpecError {
  return new KeySpecError('InvalidKeyMaterial', `The key material is not a valid ${spec} key: ${why}.`);
}

/**
 * Reads an ML-DSA PKCS#8 private key in any RFC 9881 form and checks that it is
 * consistent (seed and expanded key agree; an included public key matches).
 */
export function decodeMlDsaPrivateKey(spec: MlDsaSpec, der: Buffer): MlDsaPrivateKey {
  const p = ML_DSA_PARAMS[spec];
  let parts;
  try {
    parts = readAll(readExactly(der, TAG.SEQUENCE));
  } catch (e) {
    throw invalid(spec, (e as Error).message);
  }
  if (parts.length < 3) throw invalid(spec, 'not a PrivateKeyInfo');
  const [version, algId, privateKey, ...rest] = parts;
  if (version.tag !== TAG.INTEGER || version.value.length !== 1 || version.value[0] > 1) throw invalid(spec, 'unsupported PKCS#8 version');
  if (algId.tag !== TAG.SEQUENCE || !tlv(TAG.SEQUENCE, algId.value).equals(algorithmIdentifier(spec))) {
    throw invalid(spec, 'wrong algorithm identifier');
  }
  if (privateKey.tag !== TAG.OCTET_STRING) throw invalid(spec, 'privateKey is not an OCTET STRING');

  let seed: Buffer | undefined;
  let expanded: Buffer | undefined;
  try {
    const choice = readTlv(privateKey.value, 0);
    if (choice.end !== privateKey.value.length) throw new Error('trailing bytes');
    if (choice.tag === TAG.CONTEXT_0) {
      seed = choice.value;
    } else if (choice.tag === TAG.OCTET_STRING) {
      expanded = choice.value;
    } else if (choice.tag === TAG.SEQUENCE) {
      const both = readAll(choice.value);
      if (both.length !== 2 || both[0].tag !== TAG.OCTET_STRING || both[1].tag !== TAG.OCTET_STRING) throw new Error('malformed both');
      seed = both[0].value;
      expanded = both[1].value;
    } else {
      throw new Error('unknown ML-DSA-PrivateKey choice');
    }
  } catch (e) {
    throw invalid(spec, (e as Error).message);
  }
  if (seed !== undefined && seed.length !== ML_DSA_SEED_BYTES) throw invalid(spec, 'seed is not 32 bytes');
  if (expanded !== undefined && expanded.length !== p.secretKeyBytes) throw invalid(spec, `expanded key is not ${p.secretKeyBytes} bytes`);

  let publicKey: Buffer;
  if (seed !== undefined) {
    const kp = p.noble.keygen(new Uint8Array(seed));
    const derived = Buffer.from(kp.secretKey);
    if (expanded !== undefined && !timingSafeEqual(derived, expanded)) throw invalid(spec, 'seed and expanded key disagree');
    expanded = derived;
    publicKey = Buffer.from(kp.publicKey);
  } else {
    publicKey = Buffer.from(p.noble.getPublicKey(new Uint8Array(expanded!)));
  }

  // Optional [1] publicKey (OneAsymmetricKey, version 1).
  for (const extra of rest) {
    if (extra.tag === 0x81) {
      const bits = extra.value;
      if (bits.length < 1 || bits[0] !== 0 || !bits.subarray(1).equals(publicKey)) throw invalid(spec, 'included public key does not match');
    } else if (extra.tag !== 0xa0) {
      throw invalid(spec, 'unexpected element');
    }
  }
  return { seed, expanded: expanded!, publicKey };
}

/** Reads an ML-DSA SubjectPublicKeyInfo and returns the raw public key. */
export function decodeMlDsaPublicKey(spec: MlDsaSpec, spki: Buffer): Buffer {
  let parts;
  try {
    parts = readAll(readExactly(spki, TAG.SEQUENCE));
  } catch (e) {
    throw invalid(spec, (e as Error).message);
  }
  if (parts.length !== 2) throw invalid(spec, 'not a SubjectPublicKeyInfo');
  const [algId, bits] = parts;
  if (algId.tag !== TAG.SEQUENCE || !tlv(TAG.SEQUENCE, algId.value).equals(algorithmIdentifier(spec))) {
    throw invalid(spec, 'wrong algorithm identifier');
  }
  if (bits.tag !== TAG.BIT_STRING || bits.value.length !== ML_DSA_PARAMS[spec].publicKeyBytes + 1 || bits.value[0] !== 0) {
    throw invalid(spec, 'wrong public key length');
  }
  return bits.value.subarray(1);
}

// ---------------------------------------------------------------------------
// Operations

export interface MlDsaKeyPair {
  privateKeyDer: Buffer;
  publicKeyDer: Buffer;
}

export function generateMlDsaKeyPair(spec: MlDsaSpec, backend?: MlDsaBackend): MlDsaKeyPair {
  const p = ML_DSA_PARAMS[spec];
  if (backendOf(backend) === 'native') {
    const { privateKey, publicKey } = generateKeyPairAny(p.nodeType);
    return {
      privateKeyDer: privateKey.export({ format: 'der', type: 'pkcs8' }),
      publicKeyDer: publicKey.export({ format: 'der', type: 'spki' }),
    };
  }
  const seed = randomBytes(ML_DSA_SEED_BYTES);
  const kp = p.noble.keygen(new Uint8Array(seed));
  return {
    privateKeyDer: encodeMlDsaPrivateKey(spec, seed, Buffer.from(kp.secretKey)),
    publicKeyDer: encodeMlDsaPublicKey(spec, Buffer.from(kp.publicKey)),
  };
}

function nativePrivateKey(spec: MlDsaSpec, der: Buffer): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw invalid(spec, (e as Error).message);
  }
  if (key.asymmetricKeyType !== ML_DSA_PARAMS[spec].nodeType) throw invalid(spec, `key type is ${key.asymmetricKeyType}`);
  return key;
}

function nativePublicKey(spec: MlDsaSpec, spki: Buffer): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch (e) {
    throw invalid(spec, (e as Error).message);
  }
  if (key.asymmetricKeyType !== ML_DSA_PARAMS[spec].nodeType) throw invalid(spec, `key type is ${key.asymmetricKeyType}`);
  return key;
}

/** The SubjectPublicKeyInfo of a PKCS#8 ML-DSA private key (validating it). */
export function mlDsaPublicKeyFromPrivate(spec: MlDsaSpec, privateKeyDer: Buffer, backend?: MlDsaBackend): Buffer {
  if (backendOf(backend) === 'native') {
    return createPublicKey(nativePrivateKey(spec, privateKeyDer)).export({ format: 'der', type: 'spki' });
  }
  return encodeMlDsaPublicKey(spec, decodeMlDsaPrivateKey(spec, privateKeyDer).publicKey);
}

/** Pure ML-DSA signature (empty context) over a message. */
export function mlDsaSign(spec: MlDsaSpec, privateKeyDer: Buffer, message: Buffer, backend?: MlDsaBackend): Buffer {
  if (backendOf(backend) === 'native') return nodeSign(null, message, nativePrivateKey(spec, privateKeyDer));
  const { expanded } = decodeMlDsaPrivateKey(spec, privateKeyDer);
  return Buffer.from(ML_DSA_PARAMS[spec].noble.sign(new Uint8Array(message), new Uint8Array(expanded)));
}

/** ML-DSA.Sign_internal over a caller-supplied 64-byte mu (library on every runtime). */
export function mlDsaSignMu(spec: MlDsaSpec, privateKeyDer: Buffer, mu: Buffer): Buffer {
  if (mu.length !== ML_DSA_MU_BYTES) throw new Error('mu must be 64 bytes');
  const { expanded } = decodeMlDsaPrivateKey(spec, privateKeyDer);
  return Buffer.from(ML_DSA_PARAMS[spec].noble.internal.sign(new Uint8Array(mu), new Uint8Array(expanded), { externalMu: true }));
}

export function mlDsaVerify(spec: MlDsaSpec, publicKeyDer: Buffer, message: Buffer, signature: Buffer, backend?: MlDsaBackend): boolean {
  if (backendOf(backend) === 'native') {
    const key = nativePublicKey(spec, publicKeyDer);
    try {
      return nodeVerify(null, message, key, signature);
    } catch {
      return false;
    }
  }
  const pk = decodeMlDsaPublicKey(spec, publicKeyDer);
  if (signature.length !== ML_DSA_PARAMS[spec].signatureBytes) return false;
  try {
    return ML_DSA_PARAMS[spec].noble.verify(new Uint8Array(signature), new Uint8Array(message), new Uint8Array(pk));
  } catch {
    return false;
  }
}

export function mlDsaVerifyMu(spec: MlDsaSpec, publicKeyDer: Buffer, mu: Buffer, signature: Buffer): boolean {
  if (mu.length !== ML_DSA_MU_BYTES) throw new Error('mu must be 64 bytes');
  const pk = decodeMlDsaPublicKey(spec, publicKeyDer);
  if (signature.length !== ML_DSA_PARAMS[spec].signatureBytes) return false;
  try {
    return ML_DSA_PARAMS[spec].noble.internal.verify(new Uint8Array(signature), new Uint8Array(mu), new Uint8Array(pk), { externalMu: true });
  } catch {
    return false;
  }
}

/**
 * The external mu a client computes for pure ML-DSA (FIPS 204 Algorithm 2 and
 * 7, line 6): SHAKE256(SHAKE256(pk, 64) || 0x00 || len(ctx) || ctx || M, 64).
 */
export function mlDsaExternalMu(spec: MlDsaSpec, publicKeyDer: Buffer, message: Buffer, context: Buffer = Buffer.alloc(0)): Buffer {
  if (context.length > 255) throw new Error('context longer than 255 bytes');
  const pk = decodeMlDsaPublicKey(spec, publicKeyDer);
  const tr = createHash('shake256', { outputLength: 64 }).update(pk).digest();
  return createHash('shake256', { outputLength: 64 })
    .update(tr)
    .update(Buffer.from([0, context.length]))
    .update(context)
    .update(message)
    .digest();
}
