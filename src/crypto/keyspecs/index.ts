/** The cryptographic core for every KMS key spec other than SYMMETRIC_DEFAULT. */
export { KeySpecError, type KeySpecErrorKind, type KeySpecErrorCode } from './errors.js';
export {
  generateKeyMaterial,
  generateKeyMaterialAsync,
  generateKeyPair,
  generateKeyPairAsyncFor,
  generateSecret,
  generateDataKeyPair,
  generateDataKeyPairAsync,
  type KeyMaterial,
  type KeyPairMaterial,
  type SecretMaterial,
} from './generate.js';
export { sign, verify, validateSigningRequest, type SignMessageType } from './sign.js';
export { rsaEncrypt, rsaDecrypt, maxPlaintextLength } from './rsa-encrypt.js';
export { generateMac, verifyMac, isValidHmacKeyLength } from './hmac.js';
export { deriveSharedSecret } from './ecdh.js';
export { publicKeyFromPrivate, validatePublicKey, loadPrivateKey, loadPublicKey } from './keys.js';
export { SM2_SUPPORTED, SM2_UNSUPPORTED_MESSAGE } from './sm2.js';
export {
  defaultMlDsaBackend,
  nativeMlDsaAvailable,
  mlDsaExternalMu,
  type MlDsaBackend,
} from './ml-dsa.js';
