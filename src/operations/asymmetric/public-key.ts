/**
 * GetPublicKey: the SubjectPublicKeyInfo (DER) of an asymmetric key, with its
 * KeySpec, KeyUsage and algorithm list. Symmetric and HMAC keys have none:
 * UnsupportedOperationException.
 */
import { err } from '../../domain/errors.js';
import type { Handler } from '../context.js';
import { b64 } from '../crypto/symmetric.js';
import { customerMasterKeySpec, keyAlgorithms } from '../key-metadata.js';
import { isAsymmetricKey, keyForUse, publicKeyOf } from './common.js';

export const getPublicKey: Handler = async (input, ctx, deps) => {
  const { key, arn } = await keyForUse(input.KeyId, 'GetPublicKey', ctx, deps);
  if (!isAsymmetricKey(key)) {
    throw err.unsupported(`${arn} key spec is ${key.keySpec} which is not valid for GetPublicKey.`);
  }
  const out: Record<string, unknown> = { KeyId: arn, PublicKey: b64(await publicKeyOf(key, deps)) };
  const cmkSpec = customerMasterKeySpec(key.keySpec);
  if (cmkSpec !== undefined) out.CustomerMasterKeySpec = cmkSpec;
  out.KeySpec = key.keySpec;
  out.KeyUsage = key.keyUsage;
  return Object.assign(out, keyAlgorithms(key));
};
