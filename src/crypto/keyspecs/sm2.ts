/**
 * SM2 (China Regions only in AWS: SM2DSA signing, SM2PKE encryption, ECDH key
 * agreement) is NOT supported. node:crypto on Node 20 and 24 can make an EC key
 * on the SM2 curve and sign with 'sm3', but it offers no way to set the SM2
 * distinguishing identifier that KMS's SM2DSA hashes into Z (KMS uses
 * 1234567812345678), and no SM2 public-key encryption at all, so it cannot
 * produce or check what KMS does. Every keyspecs operation on SM2 throws a
 * KeySpecError of kind 'Unsupported' (UnsupportedOperationException); callers
 * should refuse CreateKey / GenerateDataKeyPair with SM2 up front.
 */
import { KeySpecError } from './errors.js';

export const SM2_SUPPORTED = false;

export const SM2_UNSUPPORTED_MESSAGE = 'KeySpec SM2 is not supported by this server.';

export function sm2Unsupported(): KeySpecError {
  return new KeySpecError('Unsupported', SM2_UNSUPPORTED_MESSAGE);
}
