/**
 * GetParametersForImport: a fresh RSA wrapping key pair for a key of origin
 * EXTERNAL; returns the public key and an import token (see import-token.ts)
 * valid for 24 hours. Allowed while the key is PendingImport, Enabled or
 * Disabled (to reimport), not while it is pending deletion.
 */
import { err } from '../../domain/errors.js';
import { assertStateAllows } from '../../domain/key-state.js';
import { generateWrappingKeyPair, isWrappingAlgorithm, isWrappingKeySpec } from '../../crypto/import-wrapping.js';
import { authorizeKeyAction } from '../authorization/authorize.js';
import type { Handler } from '../context.js';
import { b64 } from '../crypto/symmetric.js';
import { resolveKey } from '../key-resolver.js';
import { specOf } from '../asymmetric/common.js';
import { sealImportToken } from './import-token.js';
import { checkWrappingFor, requireExternalOrigin } from './import-rules.js';

/** How long a wrapping public key and import token stay valid. */
export const IMPORT_PARAMETERS_TTL_MS = 24 * 3_600_000;

export const getParametersForImport: Handler = async (input, ctx, deps) => {
  const algorithm: string = input.WrappingAlgorithm;
  const wrappingSpec: string = input.WrappingKeySpec;
  const { key, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, {
    action: 'GetParametersForImport',
    key,
    arn,
    facts: { wrappingAlgorithm: algorithm, wrappingKeySpec: wrappingSpec },
  });
  requireExternalOrigin(key, arn);
  assertStateAllows('manage', key.state, arn);
  if (algorithm === 'RSAES_PKCS1_V1_5') {
    throw err.validation('The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported. Use an RSAES_OAEP or RSA_AES_KEY_WRAP wrapping algorithm.');
  }
  if (algorithm === 'SM2PKE' || wrappingSpec === 'SM2') {
    throw err.unsupported('The SM2 wrapping key spec and the SM2PKE wrapping algorithm are only available in the China Regions.');
  }
  if (!isWrappingAlgorithm(algorithm) || !isWrappingKeySpec(wrappingSpec)) throw err.internal();
  checkWrappingFor(specOf(key), algorithm, wrappingSpec);

  const { privateKeyDer, publicKeyDer } = await generateWrappingKeyPair(wrappingSpec);
  const validTo = deps.clock.now() + IMPORT_PARAMETERS_TTL_MS;
  const token = await sealImportToken(deps.rootKey, key, { algorithm, spec: wrappingSpec, validTo, privateKeyDer });
  privateKeyDer.fill(0);
  return { KeyId: arn, ImportToken: b64(token), PublicKey: b64(publicKeyDer), ParametersValidTo: validTo / 1000 };
};
