/**
 * Encrypt, Decrypt and ReEncrypt with symmetric keys (Trent's ciphertext
 * blobs) and RSA ENCRYPT_DECRYPT keys (RSAES-OAEP; EncryptionAlgorithm
 * required, no encryption context, Decrypt names the key).
 */
import { err } from '../../domain/errors.js';
import { parseHeader } from '../../crypto/ciphertext-blob.js';
import { resolveKey, type ResolvedKey } from '../key-resolver.js';
import type { Handler } from '../context.js';
import { isAsymmetricKey } from '../asymmetric/common.js';
import {
  b64,
  checkPlaintextFits,
  decodeBlob,
  decryptBlob,
  dryRunSucceeded,
  encryptFor,
  inputContext,
  keyForEncryption,
} from './symmetric.js';

export const encrypt: Handler = async (input, ctx, deps) => {
  const context = inputContext(input, 'EncryptionContext');
  const key = await keyForEncryption(input.KeyId, 'Encrypt', input.EncryptionAlgorithm, context, ctx, deps);
  const plaintext = decodeBlob(input.Plaintext);
  checkPlaintextFits(key, plaintext);
  if (input.DryRun === true) throw dryRunSucceeded();
  const { blob } = await encryptFor(key, plaintext, context, deps);
  return { CiphertextBlob: b64(blob), KeyId: key.arn, EncryptionAlgorithm: key.algorithm };
};

export const decrypt: Handler = async (input, ctx, deps) => {
  if (input.Recipient !== undefined) throw err.unsupported('Recipient (attested decryption) is not supported by this server.');
  const result = await decryptBlob(
    {
      blob: decodeBlob(input.CiphertextBlob),
      context: inputContext(input, 'EncryptionContext'),
      keyIdInput: input.KeyId,
      operation: 'Decrypt',
      algorithm: input.EncryptionAlgorithm,
      beforeDecrypt: () => {
        if (input.DryRun === true) throw dryRunSucceeded();
      },
    },
    ctx,
    deps,
  );
  const out: Record<string, unknown> = {
    KeyId: result.arn,
    Plaintext: b64(result.plaintext),
    EncryptionAlgorithm: result.algorithm,
  };
  if (result.materialId !== undefined) out.KeyMaterialId = result.materialId;
  return out;
};

function sameKey(a: ResolvedKey['key'], b: ResolvedKey['key']): boolean {
  return a.accountId === b.accountId && a.region === b.region && a.keyId === b.keyId;
}

export const reEncrypt: Handler = async (input, ctx, deps) => {
  const blob = decodeBlob(input.CiphertextBlob);
  const sourceHeader = parseHeader(blob);
  const destinationContext = inputContext(input, 'DestinationEncryptionContext');
  const destinationRef = await resolveKey(input.DestinationKeyId, ctx, deps, { allowAlias: true });
  // The source key: the one an asymmetric ciphertext's SourceKeyId names, else the one the blob names.
  const namedSource = input.SourceKeyId !== undefined ? await resolveKey(input.SourceKeyId, ctx, deps, { allowAlias: true }) : undefined;
  const onSameKey =
    namedSource !== undefined && isAsymmetricKey(namedSource.key)
      ? sameKey(namedSource.key, destinationRef.key)
      : sourceHeader !== undefined &&
        sourceHeader.accountId === destinationRef.key.accountId &&
        sourceHeader.keyId === destinationRef.key.keyId;
  const destination = await keyForEncryption(
    input.DestinationKeyId,
    'ReEncryptTo',
    input.DestinationEncryptionAlgorithm,
    destinationContext,
    ctx,
    deps,
    { facts: { reEncryptOnSameKey: onSameKey } },
  );
  const source = await decryptBlob(
    {
      blob,
      context: inputContext(input, 'SourceEncryptionContext'),
      keyIdInput: input.SourceKeyId,
      operation: 'ReEncryptFrom',
      algorithm: input.SourceEncryptionAlgorithm,
      beforeDecrypt: () => {
        if (input.DryRun === true) throw dryRunSucceeded();
      },
      facts: { reEncryptOnSameKey: onSameKey },
    },
    ctx,
    deps,
  );
  try {
    const sealed = await encryptFor(destination, source.plaintext, destinationContext, deps);
    const out: Record<string, unknown> = {
      CiphertextBlob: b64(sealed.blob),
      SourceKeyId: source.arn,
      KeyId: destination.arn,
      SourceEncryptionAlgorithm: source.algorithm,
      DestinationEncryptionAlgorithm: destination.algorithm,
    };
    if (source.materialId !== undefined) out.SourceKeyMaterialId = source.materialId;
    if (sealed.materialId !== undefined) out.DestinationKeyMaterialId = sealed.materialId;
    return out;
  } finally {
    source.plaintext.fill(0);
  }
};
