/**
 * Sign and Verify with SIGN_VERIFY keys (RSA, ECC, Ed25519, ML-DSA).
 * Order, as AWS checks: key (NotFound), authorization (kms:SigningAlgorithm,
 * kms:MessageType), key state, key usage, algorithm for the key spec
 * (InvalidKeyUsageException), message type and digest length
 * (ValidationException), DryRun, then the signature.
 */
import { KmsError } from '../../domain/errors.js';
import { sign, validateSigningRequest, verify } from '../../crypto/keyspecs/index.js';
import type { Handler, Input, RequestContext, Deps } from '../context.js';
import { b64, decodeBlob, dryRunSucceeded } from '../crypto/symmetric.js';
import { currentMaterial, keyForUse, publicKeyOf, requireKeyUsage, specOf, withKeySpecErrors } from './common.js';

async function signingRequest(input: Input, operation: 'Sign' | 'Verify', ctx: RequestContext, deps: Deps) {
  const messageType: string = input.MessageType ?? 'RAW';
  const algorithm: string = input.SigningAlgorithm;
  const { key, arn } = await keyForUse(input.KeyId, operation, ctx, deps, { signingAlgorithm: algorithm, messageType });
  requireKeyUsage(key, arn, 'SIGN_VERIFY', operation);
  const spec = specOf(key);
  const message = decodeBlob(input.Message);
  withKeySpecErrors(() => validateSigningRequest(spec, algorithm, message, messageType));
  if (input.DryRun === true) throw dryRunSucceeded();
  return { key, arn, spec, algorithm, message, messageType };
}

export const signHandler: Handler = async (input, ctx, deps) => {
  const r = await signingRequest(input, 'Sign', ctx, deps);
  const { material } = await currentMaterial(r.key, deps);
  const signature = withKeySpecErrors(() => sign(r.spec, r.algorithm, material, r.message, r.messageType));
  return { KeyId: r.arn, Signature: b64(signature), SigningAlgorithm: r.algorithm };
};

/** KMSInvalidSignatureException, as AWS sends it: no message. */
function invalidSignature(): KmsError {
  return new KmsError('KMSInvalidSignatureException', '');
}

export const verifyHandler: Handler = async (input, ctx, deps) => {
  const r = await signingRequest(input, 'Verify', ctx, deps);
  const publicKey = await publicKeyOf(r.key, deps);
  const signature = decodeBlob(input.Signature);
  const valid = withKeySpecErrors(() => verify(r.spec, r.algorithm, publicKey, r.message, r.messageType, signature));
  if (!valid) throw invalidSignature();
  return { KeyId: r.arn, SignatureValid: true, SigningAlgorithm: r.algorithm };
};
