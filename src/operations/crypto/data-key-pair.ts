/**
 * GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext: a fresh key
 * pair of the requested KeyPairSpec, the public key as SubjectPublicKeyInfo
 * DER, and the private key as PKCS#8 DER wrapped under a symmetric encryption
 * KMS key with the encryption context. PrivateKeyCiphertextBlob is an ordinary
 * ciphertext blob of that key: Decrypt (with the same context) returns the
 * PKCS#8 private key.
 */
import { err } from '../../domain/errors.js';
import { generateDataKeyPairAsync, SM2_SUPPORTED, SM2_UNSUPPORTED_MESSAGE } from '../../crypto/keyspecs/index.js';
import type { Deps, Handler, Input, RequestContext } from '../context.js';
import { asKmsError } from '../asymmetric/common.js';
import { b64, dryRunSucceeded, encryptWith, inputContext, keyForEncryption } from './symmetric.js';

async function generatePair(input: Input, operation: string, ctx: RequestContext, deps: Deps) {
  const keyPairSpec: string = input.KeyPairSpec;
  if (keyPairSpec === 'SM2' && !SM2_SUPPORTED) throw err.unsupported(SM2_UNSUPPORTED_MESSAGE);
  if (input.Recipient !== undefined) throw err.unsupported('Recipient (attested decryption) is not supported by this server.');
  const context = inputContext(input, 'EncryptionContext');
  const { key, arn } = await keyForEncryption(input.KeyId, operation, undefined, context, ctx, deps, {
    symmetricOnly: true,
    facts: { dataKeyPairSpec: keyPairSpec },
  });
  if (input.DryRun === true) throw dryRunSucceeded();
  let pair: Awaited<ReturnType<typeof generateDataKeyPairAsync>>;
  try {
    pair = await generateDataKeyPairAsync(keyPairSpec);
  } catch (e) {
    throw asKmsError(e);
  }
  const sealed = await encryptWith(key, pair.privateKeyDer, context, deps);
  return { pair, arn, keyPairSpec, sealed };
}

export const generateDataKeyPair: Handler = async (input, ctx, deps) => {
  const r = await generatePair(input, 'GenerateDataKeyPair', ctx, deps);
  const out = {
    PrivateKeyCiphertextBlob: b64(r.sealed.blob),
    PrivateKeyPlaintext: b64(r.pair.privateKeyDer),
    PublicKey: b64(r.pair.publicKeyDer),
    KeyId: r.arn,
    KeyPairSpec: r.keyPairSpec,
    KeyMaterialId: r.sealed.materialId,
  };
  r.pair.privateKeyDer.fill(0);
  return out;
};

export const generateDataKeyPairWithoutPlaintext: Handler = async (input, ctx, deps) => {
  const r = await generatePair(input, 'GenerateDataKeyPairWithoutPlaintext', ctx, deps);
  r.pair.privateKeyDer.fill(0);
  return {
    PrivateKeyCiphertextBlob: b64(r.sealed.blob),
    PublicKey: b64(r.pair.publicKeyDer),
    KeyId: r.arn,
    KeyPairSpec: r.keyPairSpec,
    KeyMaterialId: r.sealed.materialId,
  };
};
