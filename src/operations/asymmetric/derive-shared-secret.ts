/**
 * DeriveSharedSecret: ECDH between the private key of a KEY_AGREEMENT key
 * (ECC_NIST_P256/P384/P521) and the caller's peer public key
 * (SubjectPublicKeyInfo DER on the same curve). Returns the raw shared secret,
 * the x-coordinate OpenSSL's `pkeyutl -derive` produces.
 */
import { err } from '../../domain/errors.js';
import { deriveSharedSecret } from '../../crypto/keyspecs/index.js';
import type { Handler } from '../context.js';
import { b64, decodeBlob, dryRunSucceeded } from '../crypto/symmetric.js';
import { currentMaterial, keyForUse, requireKeyUsage, specOf, withKeySpecErrors } from './common.js';

export const deriveSharedSecretHandler: Handler = async (input, ctx, deps) => {
  const algorithm: string = input.KeyAgreementAlgorithm;
  const { key, arn } = await keyForUse(input.KeyId, 'DeriveSharedSecret', ctx, deps, { keyAgreementAlgorithm: algorithm });
  if (input.Recipient !== undefined) throw err.unsupported('Recipient (attested decryption) is not supported by this server.');
  requireKeyUsage(key, arn, 'KEY_AGREEMENT', 'DeriveSharedSecret');
  const spec = specOf(key);
  const { material } = await currentMaterial(key, deps);
  const secret = withKeySpecErrors(() => deriveSharedSecret(spec, material, decodeBlob(input.PublicKey), algorithm));
  if (input.DryRun === true) {
    secret.fill(0);
    throw dryRunSucceeded();
  }
  return { KeyId: arn, SharedSecret: b64(secret), KeyAgreementAlgorithm: algorithm, KeyOrigin: key.origin };
};
