/** GenerateDataKey, GenerateDataKeyWithoutPlaintext and GenerateRandom. */
import { err } from '../../domain/errors.js';
import { authorizeAccountAction } from '../authorization/authorize.js';
import type { Deps, Handler, Input, RequestContext } from '../context.js';
import { b64, dryRunSucceeded, encryptWith, inputContext, keyForEncryption } from './symmetric.js';

const KEY_SPEC_BYTES: Record<string, number> = { AES_128: 16, AES_256: 32 };

async function generateDataKey(input: Input, ctx: RequestContext, deps: Deps, operation: string) {
  if (input.Recipient !== undefined) throw err.unsupported('Recipient (attested decryption) is not supported by this server.');
  if ((input.KeySpec === undefined) === (input.NumberOfBytes === undefined)) {
    throw err.validation('Please specify either number of bytes or key spec.');
  }
  const context = inputContext(input, 'EncryptionContext');
  const { key, arn } = await keyForEncryption(input.KeyId, operation, undefined, context, ctx, deps, { symmetricOnly: true });
  if (input.DryRun === true) throw dryRunSucceeded();
  const size: number = input.NumberOfBytes ?? KEY_SPEC_BYTES[input.KeySpec];
  const plaintext = deps.random.bytes(size);
  const sealed = await encryptWith(key, plaintext, context, deps);
  return { plaintext, blob: sealed.blob, arn, materialId: sealed.materialId };
}

export const generateDataKeyWithPlaintext: Handler = async (input, ctx, deps) => {
  const r = await generateDataKey(input, ctx, deps, 'GenerateDataKey');
  return { CiphertextBlob: b64(r.blob), Plaintext: b64(r.plaintext), KeyId: r.arn, KeyMaterialId: r.materialId };
};

export const generateDataKeyWithoutPlaintext: Handler = async (input, ctx, deps) => {
  const r = await generateDataKey(input, ctx, deps, 'GenerateDataKeyWithoutPlaintext');
  r.plaintext.fill(0);
  return { CiphertextBlob: b64(r.blob), KeyId: r.arn, KeyMaterialId: r.materialId };
};

export const generateRandom: Handler = async (input, ctx, deps) => {
  if (input.NumberOfBytes === undefined) throw err.validation('NumberOfBytes is required.');
  await authorizeAccountAction(deps, ctx, 'GenerateRandom', '*');
  if (input.CustomKeyStoreId !== undefined) throw err.unsupported('Custom key stores are not supported by this server.');
  if (input.Recipient !== undefined) throw err.unsupported('Recipient (attested decryption) is not supported by this server.');
  return { Plaintext: b64(deps.random.bytes(input.NumberOfBytes)) };
};
