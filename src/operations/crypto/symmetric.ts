/**
 * Symmetric encryption under a KMS key and decryption of its ciphertext
 * blobs, shared by Encrypt, Decrypt, ReEncrypt and GenerateDataKey.
 */
import { KmsError, err } from '../../domain/errors.js';
import { keyArn } from '../../domain/key-ids.js';
import type { KeyRecord } from '../../domain/key-model.js';
import { assertStateAllows } from '../../domain/key-state.js';
import { openBlob, parseHeader, sealBlob } from '../../crypto/ciphertext-blob.js';
import type { EncryptionContext } from '../../crypto/encryption-context.js';
import type { Deps, Input, RequestContext } from '../context.js';
import { authorizeKeyAction } from '../authorization/authorize.js';
import type { KmsRequestFacts } from '../authorization/condition-keys.js';
import { resolveKey, type ResolvedKey } from '../key-resolver.js';

export const SYMMETRIC_DEFAULT = 'SYMMETRIC_DEFAULT';

export function dryRunSucceeded(): KmsError {
  return new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
}

/** Usage and algorithm checks for symmetric encryption with `key`. */
export function checkSymmetricUse(key: KeyRecord, arn: string, operation: string, algorithm: string | undefined): void {
  if (key.keyUsage !== 'ENCRYPT_DECRYPT') {
    throw err.invalidKeyUsage(`${arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`);
  }
  if (algorithm !== undefined && algorithm !== SYMMETRIC_DEFAULT) {
    throw err.invalidKeyUsage(`Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`);
  }
}

/** Resolves, authorizes and state-checks the key an encrypting operation names. */
export async function keyForEncryption(
  keyIdInput: string,
  operation: string,
  algorithm: string | undefined,
  context: EncryptionContext | undefined,
  ctx: RequestContext,
  deps: Deps,
  facts: KmsRequestFacts = {},
): Promise<ResolvedKey> {
  const resolved = await resolveKey(keyIdInput, ctx, deps, { allowAlias: true });
  await authorizeKeyAction(deps, ctx, {
    action: operation,
    key: resolved.key,
    arn: resolved.arn,
    facts: { encryptionContext: context, encryptionAlgorithm: algorithm ?? SYMMETRIC_DEFAULT, requestAlias: resolved.alias, ...facts },
  });
  assertStateAllows('use', resolved.key.state, resolved.arn);
  checkSymmetricUse(resolved.key, resolved.arn, operation, algorithm);
  return resolved;
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
    m.material,
    deps.random.bytes(12),
    plaintext,
    context,
  );
  return { blob, materialId: m.materialId };
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
  materialId: string;
}

/**
 * Decrypts a ciphertext blob in the caller's region. `keyIdInput`, when given,
 * must name the key the blob was encrypted under (IncorrectKeyException).
 * `beforeDecrypt` runs after authorization and state checks (for DryRun).
 */
export async function decryptBlob(
  blob: Buffer,
  context: EncryptionContext | undefined,
  keyIdInput: string | undefined,
  operation: string,
  algorithm: string | undefined,
  ctx: RequestContext,
  deps: Deps,
  beforeDecrypt?: () => void,
  facts: KmsRequestFacts = {},
): Promise<Decrypted> {
  const header = parseHeader(blob);
  if (!header) throw err.invalidCiphertext();
  let key: KeyRecord | undefined;
  let arn = keyArn(ctx.region, header.accountId, header.keyId);
  let requestAlias: string | undefined;
  if (keyIdInput !== undefined) {
    const named = await resolveKey(keyIdInput, ctx, deps, { allowAlias: true });
    if (named.key.accountId !== header.accountId || named.key.keyId !== header.keyId) throw err.incorrectKey();
    key = named.key;
    arn = named.arn;
    requestAlias = named.alias;
  } else {
    key = await deps.store.getKey(header.accountId, ctx.region, header.keyId);
    if (!key) throw ciphertextKeyUnavailable();
  }
  await authorizeKeyAction(deps, ctx, {
    action: operation,
    key,
    arn,
    facts: { encryptionContext: context, encryptionAlgorithm: algorithm ?? SYMMETRIC_DEFAULT, requestAlias, ...facts },
  });
  assertStateAllows('use', key.state, arn);
  if (key.keyUsage !== 'ENCRYPT_DECRYPT') throw err.incorrectKey();
  if (algorithm !== undefined && algorithm !== SYMMETRIC_DEFAULT) {
    throw err.invalidKeyUsage(`Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`);
  }
  beforeDecrypt?.();
  const m = await deps.materials.get(key.accountId, key.region, key.keyId, header.materialVersion);
  if (!m) throw err.invalidCiphertext();
  const plaintext = openBlob(blob, m.material, context);
  if (!plaintext) throw err.invalidCiphertext();
  return { key, arn, plaintext, materialId: m.materialId };
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
