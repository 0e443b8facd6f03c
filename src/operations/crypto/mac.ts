/**
 * GenerateMac and VerifyMac with GENERATE_VERIFY_MAC (HMAC_224/256/384/512)
 * keys. Messages up to 4096 bytes (the model's PlaintextType); each spec takes
 * exactly its own MAC algorithm; VerifyMac compares in constant time and
 * answers KMSInvalidMacException (no message) on a mismatch.
 */
import { KmsError } from '../../domain/errors.js';
import { generateMac, verifyMac } from '../../crypto/keyspecs/index.js';
import type { Deps, Handler, Input, RequestContext } from '../context.js';
import { currentMaterial, keyForUse, requireKeyUsage, specOf, withKeySpecErrors } from '../asymmetric/common.js';
import { b64, decodeBlob, dryRunSucceeded } from './symmetric.js';

async function macRequest(input: Input, operation: 'GenerateMac' | 'VerifyMac', ctx: RequestContext, deps: Deps) {
  const algorithm: string = input.MacAlgorithm;
  const { key, arn } = await keyForUse(input.KeyId, operation, ctx, deps, { macAlgorithm: algorithm });
  requireKeyUsage(key, arn, 'GENERATE_VERIFY_MAC', operation);
  const spec = specOf(key);
  const material = (await currentMaterial(key, deps)).secretKey;
  const message = decodeBlob(input.Message);
  // Computing the MAC checks the algorithm against the key spec (InvalidKeyUsageException).
  const mac = withKeySpecErrors(() => generateMac(spec, algorithm, material, message));
  if (input.DryRun === true) throw dryRunSucceeded();
  return { arn, spec, algorithm, material, message, mac };
}

export const generateMacHandler: Handler = async (input, ctx, deps) => {
  const r = await macRequest(input, 'GenerateMac', ctx, deps);
  return { Mac: b64(r.mac), MacAlgorithm: r.algorithm, KeyId: r.arn };
};

export const verifyMacHandler: Handler = async (input, ctx, deps) => {
  const r = await macRequest(input, 'VerifyMac', ctx, deps);
  const valid = withKeySpecErrors(() => verifyMac(r.spec, r.algorithm, r.material, r.message, decodeBlob(input.Mac)));
  if (!valid) throw new KmsError('KMSInvalidMacException', '');
  return { KeyId: r.arn, MacValid: true, MacAlgorithm: r.algorithm };
};
