/**
 * The AWS KMS key spec table: for every KeySpec, the key usages it admits and,
 * per usage, the algorithm lists exactly as DescribeKey / GetPublicKey show
 * them (same member names, same order). Pure data and pure helpers; no crypto.
 *
 * Sources (checked):
 * - API model kms-2014-11-01 (shared/reference/kms-2014-11-01.service-2.json):
 *   the enums KeySpec, KeyUsageType, SigningAlgorithmSpec, EncryptionAlgorithmSpec,
 *   MacAlgorithmSpec, KeyAgreementAlgorithmSpec, DataKeyPairSpec, MessageType; the
 *   CreateKey KeyUsage documentation (which usages each family admits); the Encrypt
 *   documentation (RSA OAEP plaintext limits); the Sign/Verify MessageType
 *   documentation (DIGEST/EXTERNAL_MU rules, Ed25519 message types, Ed25519ph
 *   double hashing).
 * - API examples (kms-2014-11-01.examples-1.json): DescribeKey of an RSA signing
 *   key lists RSASSA_PKCS1_V1_5_SHA_256/384/512 then RSASSA_PSS_SHA_256/384/512;
 *   RSA encryption keys list RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256; ECC_NIST_P521
 *   lists ECDSA_SHA_512; HMAC_384 lists HMAC_SHA_384.
 * - Responses recorded against AWS (shared/reference/aws-recorded-responses.kms.json):
 *   ECC_NIST_P256 -> [ECDSA_SHA_256], HMAC_n -> [HMAC_SHA_n], and the exact error
 *   messages reproduced by the helpers below.
 * - AWS KMS Developer Guide, "Key spec reference" (ECC, ML-DSA, HMAC and SM2
 *   sections) and "ML-DSA keys in AWS KMS".
 */

export const KEY_SPECS = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'SYMMETRIC_DEFAULT',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'SM2',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
  'ECC_NIST_EDWARDS25519',
] as const;
export type KeySpec = (typeof KEY_SPECS)[number];

export const KEY_USAGES = ['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'] as const;
export type KeyUsage = (typeof KEY_USAGES)[number];

export const SIGNING_ALGORITHMS = [
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'ECDSA_SHA_256',
  'ECDSA_SHA_384',
  'ECDSA_SHA_512',
  'SM2DSA',
  'ML_DSA_SHAKE_256',
  'ED25519_SHA_512',
  'ED25519_PH_SHA_512',
] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export const ENCRYPTION_ALGORITHMS = ['SYMMETRIC_DEFAULT', 'RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256', 'SM2PKE'] as const;
export type EncryptionAlgorithm = (typeof ENCRYPTION_ALGORITHMS)[number];

export const MAC_ALGORITHMS = ['HMAC_SHA_224', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512'] as const;
export type MacAlgorithm = (typeof MAC_ALGORITHMS)[number];

export const KEY_AGREEMENT_ALGORITHMS = ['ECDH'] as const;
export type KeyAgreementAlgorithm = (typeof KEY_AGREEMENT_ALGORITHMS)[number];

export const MESSAGE_TYPES = ['RAW', 'DIGEST', 'EXTERNAL_MU'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/**
 * KeyPairSpec values GenerateDataKeyPair(WithoutPlaintext) accepts: the API
 * model's DataKeyPairSpec enum, which includes ECC_NIST_EDWARDS25519 (added with
 * the Ed25519 launch). SM2 is China Regions only (see SM2_SUPPORTED in
 * src/crypto/keyspecs/sm2.ts). ML-DSA is not a data key pair spec.
 */
export const DATA_KEY_PAIR_SPECS = [
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'SM2',
  'ECC_NIST_EDWARDS25519',
] as const;
export type DataKeyPairSpec = (typeof DATA_KEY_PAIR_SPECS)[number];

export type KeySpecFamily = 'SYMMETRIC' | 'HMAC' | 'RSA' | 'ECC' | 'ED25519' | 'ML_DSA' | 'SM2';

/** The algorithm members of KeyMetadata / GetPublicKey for one key usage. Exactly one is set. */
export interface UsageAlgorithms {
  EncryptionAlgorithms?: readonly EncryptionAlgorithm[];
  SigningAlgorithms?: readonly SigningAlgorithm[];
  MacAlgorithms?: readonly MacAlgorithm[];
  KeyAgreementAlgorithms?: readonly KeyAgreementAlgorithm[];
}

export interface KeySpecInfo {
  keySpec: KeySpec;
  family: KeySpecFamily;
  /** True for every spec except SYMMETRIC_DEFAULT and HMAC_*. */
  asymmetric: boolean;
  /** Valid KeyUsage values, in the order the CreateKey documentation names them. */
  keyUsages: readonly KeyUsage[];
  /** Per valid usage, the algorithm list DescribeKey shows. */
  algorithms: Readonly<Partial<Record<KeyUsage, UsageAlgorithms>>>;
  /** RSA modulus length in bits. */
  rsaModulusBits?: number;
  /** The curve's name in OpenSSL / node:crypto (asymmetricKeyDetails.namedCurve). */
  curve?: string;
  /** HMAC: bytes of key material KMS generates; import range in bytes. */
  hmacKeyBytes?: number;
  hmacImportKeyBytes?: { min: number; max: number };
  /** Only offered in the China Regions (SM2). */
  chinaRegionsOnly?: boolean;
}

const RSA_SIGNING: readonly SigningAlgorithm[] = [
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
];
const RSA_ENCRYPTION: readonly EncryptionAlgorithm[] = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];

function rsa(keySpec: KeySpec, bits: number): KeySpecInfo {
  return {
    keySpec,
    family: 'RSA',
    asymmetric: true,
    keyUsages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'],
    algorithms: {
      ENCRYPT_DECRYPT: { EncryptionAlgorithms: RSA_ENCRYPTION },
      SIGN_VERIFY: { SigningAlgorithms: RSA_SIGNING },
    },
    rsaModulusBits: bits,
  };
}

function nistEcc(keySpec: KeySpec, curve: string, signing: SigningAlgorithm): KeySpecInfo {
  return {
    keySpec,
    family: 'ECC',
    asymmetric: true,
    keyUsages: ['SIGN_VERIFY', 'KEY_AGREEMENT'],
    algorithms: {
      SIGN_VERIFY: { SigningAlgorithms: [signing] },
      KEY_AGREEMENT: { KeyAgreementAlgorithms: ['ECDH'] },
    },
    curve,
  };
}

function hmac(keySpec: KeySpec, mac: MacAlgorithm, keyBytes: number, importMax: number): KeySpecInfo {
  return {
    keySpec,
    family: 'HMAC',
    asymmetric: false,
    keyUsages: ['GENERATE_VERIFY_MAC'],
    algorithms: { GENERATE_VERIFY_MAC: { MacAlgorithms: [mac] } },
    hmacKeyBytes: keyBytes,
    hmacImportKeyBytes: { min: keyBytes, max: importMax },
  };
}

function mlDsa(keySpec: KeySpec): KeySpecInfo {
  return {
    keySpec,
    family: 'ML_DSA',
    asymmetric: true,
    keyUsages: ['SIGN_VERIFY'],
    algorithms: { SIGN_VERIFY: { SigningAlgorithms: ['ML_DSA_SHAKE_256'] } },
  };
}

export const KEY_SPEC_TABLE: Readonly<Record<KeySpec, KeySpecInfo>> = {
  SYMMETRIC_DEFAULT: {
    keySpec: 'SYMMETRIC_DEFAULT',
    family: 'SYMMETRIC',
    asymmetric: false,
    keyUsages: ['ENCRYPT_DECRYPT'],
    algorithms: { ENCRYPT_DECRYPT: { EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'] } },
  },
  RSA_2048: rsa('RSA_2048', 2048),
  RSA_3072: rsa('RSA_3072', 3072),
  RSA_4096: rsa('RSA_4096', 4096),
  ECC_NIST_P256: nistEcc('ECC_NIST_P256', 'prime256v1', 'ECDSA_SHA_256'),
  ECC_NIST_P384: nistEcc('ECC_NIST_P384', 'secp384r1', 'ECDSA_SHA_384'),
  ECC_NIST_P521: nistEcc('ECC_NIST_P521', 'secp521r1', 'ECDSA_SHA_512'),
  ECC_SECG_P256K1: {
    keySpec: 'ECC_SECG_P256K1',
    family: 'ECC',
    asymmetric: true,
    keyUsages: ['SIGN_VERIFY'],
    algorithms: { SIGN_VERIFY: { SigningAlgorithms: ['ECDSA_SHA_256'] } },
    curve: 'secp256k1',
  },
  ECC_NIST_EDWARDS25519: {
    keySpec: 'ECC_NIST_EDWARDS25519',
    family: 'ED25519',
    asymmetric: true,
    keyUsages: ['SIGN_VERIFY'],
    algorithms: { SIGN_VERIFY: { SigningAlgorithms: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'] } },
  },
  ML_DSA_44: mlDsa('ML_DSA_44'),
  ML_DSA_65: mlDsa('ML_DSA_65'),
  ML_DSA_87: mlDsa('ML_DSA_87'),
  HMAC_224: hmac('HMAC_224', 'HMAC_SHA_224', 28, 64),
  HMAC_256: hmac('HMAC_256', 'HMAC_SHA_256', 32, 64),
  HMAC_384: hmac('HMAC_384', 'HMAC_SHA_384', 48, 128),
  HMAC_512: hmac('HMAC_512', 'HMAC_SHA_512', 64, 128),
  SM2: {
    keySpec: 'SM2',
    family: 'SM2',
    asymmetric: true,
    keyUsages: ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'],
    algorithms: {
      ENCRYPT_DECRYPT: { EncryptionAlgorithms: ['SM2PKE'] },
      SIGN_VERIFY: { SigningAlgorithms: ['SM2DSA'] },
      KEY_AGREEMENT: { KeyAgreementAlgorithms: ['ECDH'] },
    },
    curve: 'SM2',
    chinaRegionsOnly: true,
  },
};

// ---------------------------------------------------------------------------
// Membership tests

function member<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

export const isKeySpec = (v: unknown): v is KeySpec => member(KEY_SPECS, v);
export const isKeyUsage = (v: unknown): v is KeyUsage => member(KEY_USAGES, v);
export const isSigningAlgorithm = (v: unknown): v is SigningAlgorithm => member(SIGNING_ALGORITHMS, v);
export const isEncryptionAlgorithm = (v: unknown): v is EncryptionAlgorithm => member(ENCRYPTION_ALGORITHMS, v);
export const isMacAlgorithm = (v: unknown): v is MacAlgorithm => member(MAC_ALGORITHMS, v);
export const isKeyAgreementAlgorithm = (v: unknown): v is KeyAgreementAlgorithm => member(KEY_AGREEMENT_ALGORITHMS, v);
export const isMessageType = (v: unknown): v is MessageType => member(MESSAGE_TYPES, v);
export const isDataKeyPairSpec = (v: unknown): v is DataKeyPairSpec => member(DATA_KEY_PAIR_SPECS, v);

// ---------------------------------------------------------------------------
// Table queries

export function keySpecInfo(spec: KeySpec): KeySpecInfo {
  return KEY_SPEC_TABLE[spec];
}

export function validKeyUsages(spec: KeySpec): readonly KeyUsage[] {
  return KEY_SPEC_TABLE[spec].keyUsages;
}

export function isKeyUsageCompatible(spec: KeySpec, usage: KeyUsage): boolean {
  return KEY_SPEC_TABLE[spec].keyUsages.includes(usage);
}

/**
 * The algorithm member(s) DescribeKey shows for a key of this spec and usage,
 * e.g. `{ SigningAlgorithms: [...] }`. Empty object if the pair is invalid.
 */
export function algorithmsFor(spec: KeySpec, usage: KeyUsage): UsageAlgorithms {
  return KEY_SPEC_TABLE[spec].algorithms[usage] ?? {};
}

export function signingAlgorithmsFor(spec: KeySpec): readonly SigningAlgorithm[] {
  return KEY_SPEC_TABLE[spec].algorithms.SIGN_VERIFY?.SigningAlgorithms ?? [];
}
export function encryptionAlgorithmsFor(spec: KeySpec): readonly EncryptionAlgorithm[] {
  return KEY_SPEC_TABLE[spec].algorithms.ENCRYPT_DECRYPT?.EncryptionAlgorithms ?? [];
}
export function macAlgorithmsFor(spec: KeySpec): readonly MacAlgorithm[] {
  return KEY_SPEC_TABLE[spec].algorithms.GENERATE_VERIFY_MAC?.MacAlgorithms ?? [];
}
export function keyAgreementAlgorithmsFor(spec: KeySpec): readonly KeyAgreementAlgorithm[] {
  return KEY_SPEC_TABLE[spec].algorithms.KEY_AGREEMENT?.KeyAgreementAlgorithms ?? [];
}

/** The hash a signing algorithm applies to RAW messages, and the digest length DIGEST requires. */
export interface SigningHash {
  /** node:crypto digest name. */
  hash: 'sha256' | 'sha384' | 'sha512' | 'shake256' | 'sm3';
  /** Bytes a DIGEST (or, for ML-DSA, EXTERNAL_MU) message must have. */
  digestLength: number;
  /** Message types the algorithm accepts. */
  messageTypes: readonly MessageType[];
}

export const SIGNING_HASH: Readonly<Record<SigningAlgorithm, SigningHash>> = {
  RSASSA_PSS_SHA_256: { hash: 'sha256', digestLength: 32, messageTypes: ['RAW', 'DIGEST'] },
  RSASSA_PSS_SHA_384: { hash: 'sha384', digestLength: 48, messageTypes: ['RAW', 'DIGEST'] },
  RSASSA_PSS_SHA_512: { hash: 'sha512', digestLength: 64, messageTypes: ['RAW', 'DIGEST'] },
  RSASSA_PKCS1_V1_5_SHA_256: { hash: 'sha256', digestLength: 32, messageTypes: ['RAW', 'DIGEST'] },
  RSASSA_PKCS1_V1_5_SHA_384: { hash: 'sha384', digestLength: 48, messageTypes: ['RAW', 'DIGEST'] },
  RSASSA_PKCS1_V1_5_SHA_512: { hash: 'sha512', digestLength: 64, messageTypes: ['RAW', 'DIGEST'] },
  ECDSA_SHA_256: { hash: 'sha256', digestLength: 32, messageTypes: ['RAW', 'DIGEST'] },
  ECDSA_SHA_384: { hash: 'sha384', digestLength: 48, messageTypes: ['RAW', 'DIGEST'] },
  ECDSA_SHA_512: { hash: 'sha512', digestLength: 64, messageTypes: ['RAW', 'DIGEST'] },
  SM2DSA: { hash: 'sm3', digestLength: 32, messageTypes: ['RAW', 'DIGEST'] },
  // FIPS 204 section 6.2: mu is 64 bytes.
  ML_DSA_SHAKE_256: { hash: 'shake256', digestLength: 64, messageTypes: ['RAW', 'EXTERNAL_MU'] },
  // "ED25519_SHA_512 signing algorithm requires KMS MessageType:RAW"
  ED25519_SHA_512: { hash: 'sha512', digestLength: 64, messageTypes: ['RAW'] },
  // "ED25519_PH_SHA_512 signing algorithm requires KMS MessageType:DIGEST"
  ED25519_PH_SHA_512: { hash: 'sha512', digestLength: 64, messageTypes: ['DIGEST'] },
};

/** Largest Message (RAW) KMS accepts for Sign, Verify, GenerateMac, VerifyMac, Encrypt. */
export const MAX_MESSAGE_BYTES = 4096;

/**
 * Largest plaintext RSAES_OAEP can encrypt: k - 2*hLen - 2 (RFC 8017 7.1.1), as
 * the Encrypt documentation tabulates and AWS's error messages state.
 */
export function rsaOaepMaxPlaintext(spec: KeySpec, algorithm: EncryptionAlgorithm): number | undefined {
  const bits = KEY_SPEC_TABLE[spec].rsaModulusBits;
  if (bits === undefined) return undefined;
  const hLen = algorithm === 'RSAES_OAEP_SHA_1' ? 20 : algorithm === 'RSAES_OAEP_SHA_256' ? 32 : undefined;
  if (hLen === undefined) return undefined;
  return bits / 8 - 2 * hLen - 2;
}

/** SM2PKE plaintext limit (Encrypt documentation). */
export const SM2PKE_MAX_PLAINTEXT = 1024;

// ---------------------------------------------------------------------------
// Error message texts, as AWS words them. The caller picks the exception type
// (named beside each) and renders `{"__type", "message"}`.

/** ValidationException (recorded): CreateKey with a usage the spec does not admit. */
export function keyUsageIncompatibleMessage(usage: string, spec: string): string {
  return `KeyUsage ${usage} is not compatible with KeySpec ${spec}`;
}

/** ValidationException (recorded): CreateKey of a non-symmetric key without KeyUsage. */
export const KEY_USAGE_REQUIRED_MESSAGE = 'You must specify a KeyUsage value for all KMS keys except for symmetric encryption keys.';

/**
 * InvalidKeyUsageException (recorded for MAC algorithms: "Algorithm HMAC_SHA_256 is
 * incompatible with key spec HMAC_224."); used alike for signing, encryption and
 * key agreement algorithms the spec does not list.
 */
export function algorithmIncompatibleMessage(algorithm: string, spec: string): string {
  return `Algorithm ${algorithm} is incompatible with key spec ${spec}.`;
}

/** ValidationException (recorded): DIGEST (or EXTERNAL_MU) of the wrong length. */
export function invalidDigestLengthMessage(algorithm: string): string {
  return `Digest is invalid length for algorithm ${algorithm}.`;
}

/**
 * ValidationException. Not in the recordings; wording as reported from live AWS:
 * "Message type DIGEST is incompatible with key spec ML_DSA_44." The Ed25519
 * algorithms, whose message type is fixed per algorithm, name the algorithm.
 */
export function messageTypeIncompatibleMessage(messageType: string, spec: string, algorithm?: string): string {
  return algorithm !== undefined
    ? `Message type ${messageType} is incompatible with algorithm ${algorithm}.`
    : `Message type ${messageType} is incompatible with key spec ${spec}.`;
}

/** ValidationException (recorded): RSA plaintext over the OAEP limit. */
export function plaintextTooLargeMessage(algorithm: string, spec: string, max: number): string {
  return `Algorithm ${algorithm} and key spec ${spec} cannot encrypt data larger than ${max} bytes.`;
}

/** ValidationException (recorded wording for 'plaintext'): a blob member over 4096 bytes. */
export function memberTooLongMessage(member: string, max = MAX_MESSAGE_BYTES): string {
  return `1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`;
}

/** InvalidKeyUsageException (recorded): the key's usage does not allow the operation. */
export function keyUsageNotValidForOperationMessage(keyArn: string, usage: string, operation: string): string {
  return `${keyArn} key usage is ${usage} which is not valid for ${operation}.`;
}
