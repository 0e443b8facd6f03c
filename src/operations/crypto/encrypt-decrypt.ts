/** Encrypt, Decrypt and ReEncrypt with symmetric keys. */
import { err } from '../../domain/errors.js';
import { parseHeader } from '../../crypto/ciphertext-blob.js';
import { resolveKey } from '../key-resolver.js';
import type { Handler } from '../context.js';
import {
  SYMMETRIC_DEFAULT,
  b64,
  decodeBlob,
  decryptBlob,
  dryRunSucceeded,
  encryptWith,
  inputContext,
  keyForEncryption,
} from './symmetric.js';

export const encrypt: Handler = async (input, ctx, deps) => {
  const context = inputContext(input, 'EncryptionContext');
  const { key, arn } = await keyForEncryption(input.KeyId, 'Encrypt', input.EncryptionAlgorithm, context, ctx, deps);
  if (input.DryRun === true) throw dryRunSucceeded();
  const { blob } = await encryptWith(key, decodeBlob(input.Plaintext), context, deps);
  return { CiphertextBlob: b64(blob), KeyId: arn, EncryptionAlgorithm: SYMMETRIC_DEFAULT };
};

export const decrypt: Handler = async (input, ctx, deps) => {
  if (input.Recipient !== undefined) throw err.unsupported('Recipient (attested decryption) is not supported by this server.');
  const result = await decryptBlob(
    decodeBlob(input.CiphertextBlob),
    inputContext(input, 'EncryptionContext'),
    input.KeyId,
    'Decrypt',
    input.EncryptionAlgorithm,
    ctx,
    deps,
    () => {
      if (input.DryRun === true) throw dryRunSucceeded();
    },
  );
  return {
    KeyId: result.arn,
    Plaintext: b64(result.plaintext),
    EncryptionAlgorithm: SYMMETRIC_DEFAULT,
    KeyMaterialId: result.materialId,
  };
};

export const reEncrypt: Handler = async (input, ctx, deps) => {
  const blob = decodeBlob(input.CiphertextBlob);
  const sourceHeader = parseHeader(blob);
  const destinationContext = inputContext(input, 'DestinationEncryptionContext');
  const destinationRef = await resolveKey(input.DestinationKeyId, ctx, deps, { allowAlias: true });
  const sameKey =
    sourceHeader !== undefined &&
    sourceHeader.accountId === destinationRef.key.accountId &&
    sourceHeader.keyId === destinationRef.key.keyId;
  const destination = await keyForEncryption(
    input.DestinationKeyId,
    'ReEncryptTo',
    input.DestinationEncryptionAlgorithm,
    destinationContext,
    ctx,
    deps,
    { reEncryptOnSameKey: sameKey },
  );
  const source = await decryptBlob(
    blob,
    inputContext(input, 'SourceEncryptionContext'),
    input.SourceKeyId,
    'ReEncryptFrom',
    input.SourceEncryptionAlgorithm,
    ctx,
    deps,
    () => {
      if (input.DryRun === true) throw dryRunSucceeded();
    },
    { reEncryptOnSameKey: sameKey },
  );
  const sealed = await encryptWith(destination.key, source.plaintext, destinationContext, deps);
  source.plaintext.fill(0);
  return {
    CiphertextBlob: b64(sealed.blob),
    SourceKeyId: source.arn,
    KeyId: destination.arn,
    SourceEncryptionAlgorithm: SYMMETRIC_DEFAULT,
    DestinationEncryptionAlgorithm: SYMMETRIC_DEFAULT,
    SourceKeyMaterialId: source.materialId,
    DestinationKeyMaterialId: sealed.materialId,
  };
};
