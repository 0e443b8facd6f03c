/**
 * Encryption under a KMS key and decryption of its ciphertext, shared by
 * Encrypt, Decrypt, ReEncrypt, GenerateDataKey and GenerateDataKeyPair:
 * symmetric keys seal Trent's ciphertext blobs; RSA ENCRYPT_DECRYPT keys use
 * RSAES-OAEP (asymmetric/rsa-encryption.ts).
 */
import { KmsError, err } from '../../domain/errors.js';
import { keyArn } from '../../domain/key-ids.js';
import type { KeyRecord } from '../../domain/key-model.js';
import { assertStateAllows } from '../../domain/key-state.js';
import { algorithmIncompatibleMessage, encryptionAlgorithmsFor, isEncryptionAlgorithm } from '../../domain/key-specs.js';
import { openBlob, parseHeader, sealBlob } from '../../crypto/ciphertext-blob.js';
import type { EncryptionContext } from '../../crypto/encryption-context.js';
import { noteDecryptingKey, noteMaterial, type Deps, type Input, type RequestContext } from '../context.js';
import { authorizeKeyAction } from '../authorization/authorize.js';
import type { KmsRequestFacts } from '../authorization/condition-keys.js';
import { resolveKey, type ResolvedKey } from '../key-resolver.js';
import { isAsymmetricKey, isRsaKey, specOf } from '../asymmetric/common.js';
import { checkRsaPlaintext, rejectEncryptionContext, rsaDecryptWith, rsaEncryptWith } from '../asymmetric/rsa-encryption.js';

export const SYMMETRIC_DEFAULT = 'SYMMETRIC_DEFAULT';

export function dryRunSucceeded(): KmsError {
  return new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
}

/**
 * Usage and algorithm checks for encrypting or decrypting with `key`; returns
 * the algorithm that applies (the request's, or SYMMETRIC_DEFAULT when it names
 * none). `symmetricOnly` operations (GenerateDataKey*, GenerateDataKeyPair*)
 * refuse asymmetric ENCRYPT_DECRYPT keys.
 */
export function checkEncryptionUse(
  key: KeyRecord,
  arn: string,
  operation: string,
  algorithm: string | undefined,
  symmetricOnly = false,
): string {
  if (key.keyUsage !== 'ENCRYPT_DECRYPT') {
    throw err.invalidKeyUsage(`${arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`);
  }
  const requested = algorithm ?? SYMMETRIC_DEFAULT;
  if (key.keySpec === SYMMETRIC_DEFAULT) {
    if (requested !== SYMMETRIC_DEFAULT) throw err.invalidKeyUsage(algorithmIncompatibleMessage(requested, key.keySpec));
    return SYMMETRIC_DEFAULT;
  }
  if (symmetricOnly) throw err.invalidKeyUsage(`${arn} key KeySpec is ${key.keySpec} which is not valid for ${operation}.`);
  if (!isEncryptionAlgorithm(requested) || !encryptionAlgorithmsFor(specOf(key)).includes(requested)) {
    throw err.invalidKeyUsage(algorithmIncompatibleMessage(requested, key.keySpec));
  }
  return requested;
}

export interface EncryptionKey extends ResolvedKey {
  /** The encryption algorithm that applies to this request. */
  algorithm: string;
}

export interface EncryptionKeyOptions {
  facts?: KmsRequestFacts;
  /** GenerateDataKey*, GenerateDataKeyPair*: symmetric encryption keys only. */
  symmetricOnly?: boolean;
}

/** Resolves, authorizes and state-checks the key an encrypting operation names. */
export async function keyForEncryption(
  keyIdInput: string,
  operation: string,
  algorithm: string | undefined,
  context: EncryptionContext | undefined,
  ctx: RequestContext,
  deps: Deps,
  options: EncryptionKeyOptions = {},
): Promise<EncryptionKey> {
  const resolved = await resolveKey(keyIdInput, ctx, deps, { allowAlias: true });
  await authorizeKeyAction(deps, ctx, {
    action: operation,
    key: resolved.key,
    arn: resolved.arn,
    facts: { encryptionContext: context, encryptionAlgorithm: algorithm ?? SYMMETRIC_DEFAULT, requestAlias: resolved.alias, ...options.facts },
  });
  assertStateAllows('use', resolved.key.state, resolved.arn);
  const applied = checkEncryptionUse(resolved.key, resolved.arn, operation, algorithm, options.symmetricOnly);
  if (isAsymmetricKey(resolved.key)) rejectEncryptionContext(context);
  else if (ctx.audit) {
    // For the audit event: the material encryptWith will use (the key's current version; a cache hit).
    const m = await deps.materials.get(resolved.key.accountId, resolved.key.region, resolved.key.keyId, resolved.key.currentMaterialVersion);
    if (m) noteMaterial(ctx, 'encrypt', m.materialId);
  }
  return { ...resolved, algorithm: applied };
}

export async function encryptWith(
  key: KeyRecord,
  plaintext: Buffer,
  context: EncryptionContext | undefined,
  deps: Deps,
): Promise<{ blob: Buffer; materialId: string }> {
  const version = key.currentMaterialVersion;
  const m = await deps.materials.get(key.accountId, key.region, key.keyId, version);
  if (!m) throw err.internal();
  const blob = sealBlob(
    { accountId: key.accountId, keyId: key.keyId, materialVersion: version },
    m.secretKey,
    deps.random.bytes(12),
    plaintext,
    context,
  );
  return { blob, materialId: m.materialId };
}

/** ValidationException if `plaintext` is too large for the key and algorithm (RSA only; symmetric limits are the model's). */
export function checkPlaintextFits(key: EncryptionKey, plaintext: Buffer): void {
  if (isRsaKey(key.key)) checkRsaPlaintext(key.key, key.algorithm, plaintext);
}

/**
 * Encrypts under a key checked by keyForEncryption: a ciphertext blob (and the
 * material id) for a symmetric key, the RSAES-OAEP ciphertext for an RSA key.
 */
export async function encryptFor(
  key: EncryptionKey,
  plaintext: Buffer,
  context: EncryptionContext | undefined,
  deps: Deps,
): Promise<{ blob: Buffer; materialId?: string }> {
  if (!isRsaKey(key.key)) return encryptWith(key.key, plaintext, context, deps);
  checkRsaPlaintext(key.key, key.algorithm, plaintext);
  return { blob: await rsaEncryptWith(key.key, key.algorithm, plaintext, deps) };
}

/** AWS's answer when the key a ciphertext names is absent from this account and region. */
function ciphertextKeyUnavailable() {
  return err.accessDenied(
    'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.',
  );
}

export interface Decrypted {
  key: KeyRecord;
  arn: string;
  plaintext: Buffer;
  /** The algorithm that decrypted: SYMMETRIC_DEFAULT or an RSAES_OAEP algorithm. */
  algorithm: string;
  /** Symmetric keys only: the key material that decrypted. */
  materialId?: string;
}

export interface DecryptRequest {
  blob: Buffer;
  context: EncryptionContext | undefined;
  /** The KeyId the caller named: required for ciphertext of asymmetric keys. */
  keyIdInput: string | undefined;
  /** The authorized action: Decrypt or ReEncryptFrom. */
  operation: string;
  algorithm: string | undefined;
  /** Runs after authorization and every check, before decrypting (for DryRun). */
  beforeDecrypt?: () => void;
  facts?: KmsRequestFacts;
}

/** Decrypts RSA ciphertext with the asymmetric key the caller named. */
async function decryptAsymmetric(named: ResolvedKey, req: DecryptRequest, ctx: RequestContext, deps: Deps): Promise<Decrypted> {
  const { key, arn } = named;
  noteDecryptingKey(ctx, arn);
  await authorizeKeyAction(deps, ctx, {
    action: req.operation,
    key,
    arn,
    facts: { encryptionContext: req.context, encryptionAlgorithm: req.algorithm ?? SYMMETRIC_DEFAULT, requestAlias: named.alias, ...req.facts },
  });
  assertStateAllows('use', key.state, arn);
  const algorithm = checkEncryptionUse(key, arn, req.operation, req.algorithm);
  rejectEncryptionContext(req.context);
  req.beforeDecrypt?.();
  const plaintext = await rsaDecryptWith(key, algorithm, req.blob, deps);
  return { key, arn, plaintext, algorithm };
}

/**
 * Decrypts ciphertext in the caller's region. A symmetric ciphertext blob
 * names its key; `keyIdInput`, when given, must name that key
 * (IncorrectKeyException). Ciphertext of an asymmetric key can only be
 * decrypted by naming the key.
 */
export async function decryptBlob(req: DecryptRequest, ctx: RequestContext, deps: Deps): Promise<Decrypted> {
  const header = parseHeader(req.blob);
  let key: KeyRecord | undefined;
  let arn: string;
  let requestAlias: string | undefined;
  if (req.keyIdInput !== undefined) {
    const named = await resolveKey(req.keyIdInput, ctx, deps, { allowAlias: true });
    if (isAsymmetricKey(named.key)) return decryptAsymmetric(named, req, ctx, deps);
    if (!header) throw err.invalidCiphertext();
    if (named.key.accountId !== header.accountId || named.key.keyId !== header.keyId) throw err.incorrectKey();
    key = named.key;
    arn = named.arn;
    requestAlias = named.alias;
  } else {
    if (!header) throw err.invalidCiphertext();
    arn = keyArn(ctx.region, header.accountId, header.keyId);
    key = await deps.store.getKey(header.accountId, ctx.region, header.keyId);
    if (!key) throw ciphertextKeyUnavailable();
  }
  // Named by the ciphertext alone (Decrypt without KeyId), the key is still the event's resource.
  noteDecryptingKey(ctx, arn);
  await authorizeKeyAction(deps, ctx, {
    action: req.operation,
    key,
    arn,
    facts: { encryptionContext: req.context, encryptionAlgorithm: req.algorithm ?? SYMMETRIC_DEFAULT, requestAlias, ...req.facts },
  });
  assertStateAllows('use', key.state, arn);
  if (key.keyUsage !== 'ENCRYPT_DECRYPT' || key.keySpec !== SYMMETRIC_DEFAULT) throw err.incorrectKey();
  if (req.algorithm !== undefined && req.algorithm !== SYMMETRIC_DEFAULT) {
    throw err.invalidKeyUsage(algorithmIncompatibleMessage(req.algorithm, key.keySpec));
  }
  req.beforeDecrypt?.();
  const m = await deps.materials.get(key.accountId, key.region, key.keyId, header.materialVersion);
  if (!m) throw err.invalidCiphertext();
  const plaintext = openBlob(req.blob, m.secretKey, req.context);
  if (!plaintext) throw err.invalidCiphertext();
  noteMaterial(ctx, 'decrypt', m.materialId);
  return { key, arn, plaintext, algorithm: SYMMETRIC_DEFAULT, materialId: m.materialId };
}

export function decodeBlob(value: string): Buffer {
  return Buffer.from(value, 'base64');
}

export function b64(buffer: Buffer): string {
  return buffer.toString('base64');
}

export function inputContext(input: Input, member: string): EncryptionContext | undefined {
  return input[member] as EncryptionContext | undefined;
}
