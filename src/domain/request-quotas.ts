/**
 * Request quotas as AWS KMS defines them: requests per second per account
 * and Region, counted per quota class. Cryptographic operations share a
 * class per kind of key (symmetric, RSA, ECC, ML-DSA); GenerateDataKeyPair
 * has one class per data key pair spec; every other operation is a class of
 * its own. A request that exceeds its class's quota is refused with
 * ThrottlingException (HTTP 400, AWS's wording).
 *
 * The class of a request is decided from the operation and its input alone
 * (the algorithm or data key pair spec it names), before any key is read, so
 * refusing a request costs no store access. A request whose input is not
 * what the API model allows is classed as its plain operation; validation
 * refuses it afterwards anyway.
 */
import { KmsError } from './errors.js';
import { DATA_KEY_PAIR_SPECS } from './key-specs.js';
import { OPERATION_NAMES } from './validation/validate.js';

export const THROTTLING_MESSAGE = 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.';

export function throttlingError(): KmsError {
  return new KmsError('ThrottlingException', THROTTLING_MESSAGE, 400);
}

export const SYMMETRIC = 'cryptographic-symmetric';
export const RSA = 'cryptographic-rsa';
export const ECC = 'cryptographic-ecc';
export const ML_DSA = 'cryptographic-ml-dsa';

/** Operations of the shared cryptographic quotas; the key kind comes from the algorithm named. */
const CRYPTOGRAPHIC = new Set([
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateMac',
  'GenerateRandom',
  'ReEncrypt',
  'VerifyMac',
  'Sign',
  'Verify',
  'DeriveSharedSecret',
]);

function algorithmClass(alg: unknown): string | undefined {
  if (typeof alg !== 'string') return undefined;
  if (alg.startsWith('RSAES_') || alg.startsWith('RSASSA_')) return RSA;
  if (alg.startsWith('ECDSA_') || alg.startsWith('SM2') || alg.startsWith('ED25519') || alg === 'ECDH') return ECC;
  if (alg.startsWith('ML_DSA_')) return ML_DSA;
  return undefined;
}

/** The quota class a request counts against. */
export function quotaClassOf(operation: string, input: unknown): string {
  const i = (input !== null && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  if (operation === 'GenerateDataKeyPair' || operation === 'GenerateDataKeyPairWithoutPlaintext') {
    return typeof i.KeyPairSpec === 'string' && /^[A-Z0-9_]{1,40}$/.test(i.KeyPairSpec) ? `GenerateDataKeyPair (${i.KeyPairSpec})` : 'GenerateDataKeyPair';
  }
  if (!CRYPTOGRAPHIC.has(operation)) return operation;
  switch (operation) {
    case 'Sign':
    case 'Verify':
      return algorithmClass(i.SigningAlgorithm) ?? RSA;
    case 'DeriveSharedSecret':
      return ECC;
    case 'Encrypt':
    case 'Decrypt':
      return algorithmClass(i.EncryptionAlgorithm) ?? SYMMETRIC;
    case 'ReEncrypt':
      return algorithmClass(i.SourceEncryptionAlgorithm) ?? algorithmClass(i.DestinationEncryptionAlgorithm) ?? SYMMETRIC;
    default:
      return SYMMETRIC;
  }
}

const SHARED_CLASSES = [SYMMETRIC, RSA, ECC, ML_DSA];
const DATA_KEY_PAIR_CLASSES = new Set(DATA_KEY_PAIR_SPECS.map((s) => `GenerateDataKeyPair (${s})`));
const OPERATION_CLASSES = new Set(OPERATION_NAMES.filter((o) => !CRYPTOGRAPHIC.has(o) && !o.startsWith('GenerateDataKeyPair')));

/** Whether `cls` names a quota class: a shared cryptographic class, a data key pair spec's, or a non-cryptographic operation. */
export function isQuotaClass(cls: string): boolean {
  return SHARED_CLASSES.includes(cls) || DATA_KEY_PAIR_CLASSES.has(cls) || OPERATION_CLASSES.has(cls);
}

/** Requests per second by quota class; a class that is absent is not limited. */
export type QuotaTable = Readonly<Record<string, number>>;

/**
 * AWS's default request quotas (requests per second), from the table in the
 * AWS KMS Developer Guide ("Request quotas"). The symmetric quota varies with
 * the Region in AWS; this preset uses 10,000 everywhere. Data key pair specs
 * AWS's table does not list (SM2, ECC_NIST_EDWARDS25519) get the 256-bit
 * curves' 25.
 */
export const AWS_DEFAULT_QUOTAS: QuotaTable = {
  [SYMMETRIC]: 10_000,
  [RSA]: 1_000,
  [ECC]: 1_000,
  [ML_DSA]: 1_000,
  'GenerateDataKeyPair (RSA_2048)': 1,
  'GenerateDataKeyPair (RSA_3072)': 0.5,
  'GenerateDataKeyPair (RSA_4096)': 0.1,
  'GenerateDataKeyPair (ECC_NIST_P256)': 25,
  'GenerateDataKeyPair (ECC_NIST_P384)': 10,
  'GenerateDataKeyPair (ECC_NIST_P521)': 5,
  'GenerateDataKeyPair (ECC_SECG_P256K1)': 25,
  'GenerateDataKeyPair (ECC_NIST_EDWARDS25519)': 25,
  'GenerateDataKeyPair (SM2)': 25,
  CancelKeyDeletion: 5,
  ConnectCustomKeyStore: 5,
  CreateAlias: 5,
  CreateCustomKeyStore: 5,
  CreateGrant: 50,
  CreateKey: 5,
  DeleteAlias: 15,
  DeleteCustomKeyStore: 5,
  DeleteImportedKeyMaterial: 15,
  DescribeCustomKeyStores: 5,
  DescribeKey: 2_000,
  DisableKey: 5,
  DisableKeyRotation: 5,
  DisconnectCustomKeyStore: 5,
  EnableKey: 5,
  EnableKeyRotation: 15,
  GetKeyPolicy: 1_000,
  GetKeyRotationStatus: 1_000,
  GetParametersForImport: 0.25,
  GetPublicKey: 5,
  ImportKeyMaterial: 5,
  ListAliases: 100,
  ListGrants: 100,
  ListKeyPolicies: 100,
  ListKeys: 100,
  ListResourceTags: 100,
  ListRetirableGrants: 5,
  PutKeyPolicy: 5,
  RetireGrant: 15,
  RevokeGrant: 15,
  ScheduleKeyDeletion: 5,
  TagResource: 5,
  UntagResource: 5,
  UpdateAlias: 5,
  UpdateCustomKeyStore: 5,
  UpdateKeyDescription: 5,
};

/** What the limiter enforces: a table for every Region, and Region-specific replacements of some classes. */
export interface QuotaPolicy {
  quotas: QuotaTable;
  regions: Readonly<Record<string, QuotaTable>>;
}

/** The quota of a class in a Region, or undefined when it is not limited. */
export function quotaOf(policy: QuotaPolicy, region: string, cls: string): number | undefined {
  const r = policy.regions[region];
  if (r && cls in r) return r[cls] > 0 ? r[cls] : undefined;
  const q = policy.quotas[cls];
  return q !== undefined && q > 0 ? q : undefined;
}

/**
 * A quota file: `{"preset": "aws" | "none", "quotas": {CLASS: RPS},
 * "regions": {REGION: {CLASS: RPS}}}`. The preset (default "aws") is the
 * starting table; `quotas` replaces classes everywhere, `regions` in one
 * Region; 0 lifts a class's limit. Throws a message naming the bad entry.
 */
export function parseQuotaPolicy(doc: unknown): QuotaPolicy {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('the quota file must hold a JSON object');
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) {
    if (k !== 'preset' && k !== 'quotas' && k !== 'regions') throw new Error(`unknown field "${k}" in the quota file (expected preset, quotas, regions)`);
  }
  const preset = d.preset ?? 'aws';
  if (preset !== 'aws' && preset !== 'none') throw new Error('"preset" must be "aws" or "none"');
  const quotas = { ...(preset === 'aws' ? AWS_DEFAULT_QUOTAS : {}), ...table(d.quotas, 'quotas') };
  const regions: Record<string, QuotaTable> = {};
  if (d.regions !== undefined) {
    if (d.regions === null || typeof d.regions !== 'object' || Array.isArray(d.regions)) throw new Error('"regions" must be an object of Region names');
    for (const [region, t] of Object.entries(d.regions as Record<string, unknown>)) {
      if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) throw new Error(`"${region}" in "regions" is not a Region name`);
      regions[region] = table(t, `regions.${region}`);
    }
  }
  return { quotas, regions };
}

function table(v: unknown, where: string): Record<string, number> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`"${where}" must be an object of quota classes`);
  const out: Record<string, number> = {};
  for (const [cls, rps] of Object.entries(v as Record<string, unknown>)) {
    if (!isQuotaClass(cls)) throw new Error(`"${cls}" in "${where}" is not a quota class (an operation name, ${SHARED_CLASSES.join(', ')}, or "GenerateDataKeyPair (SPEC)")`);
    if (typeof rps !== 'number' || !Number.isFinite(rps) || rps < 0) throw new Error(`"${where}.${cls}" must be a number of requests per second (0 for no limit)`);
    out[cls] = rps;
  }
  return out;
}

export const AWS_QUOTA_POLICY: QuotaPolicy = { quotas: AWS_DEFAULT_QUOTAS, regions: {} };
