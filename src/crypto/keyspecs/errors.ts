/**
 * The one error type the key spec crypto core throws for a request AWS would
 * refuse. `kind` says what went wrong; `awsCode` and `message` are what AWS
 * answers, so a caller can render `new KmsError(e.awsCode, e.message)`.
 * Anything else thrown (a corrupt stored key, a bug) is an internal fault.
 */
export type KeySpecErrorKind =
  /** DIGEST / EXTERNAL_MU message whose length is not the algorithm's. */
  | 'InvalidDigestLength'
  /** Algorithm the key spec does not list. */
  | 'IncompatibleAlgorithm'
  /** MessageType the algorithm / key spec does not take (e.g. DIGEST for ML-DSA). */
  | 'IncompatibleMessageType'
  /** RAW message (or MAC message) over 4096 bytes. */
  | 'MessageTooLarge'
  /** RSA plaintext over the OAEP limit for the key size and hash. */
  | 'PlaintextTooLarge'
  /** Ciphertext that does not decrypt under the key and algorithm. */
  | 'InvalidCiphertext'
  /** Peer public key that is not valid for the key's curve. */
  | 'InvalidPublicKey'
  /** Key material (e.g. for import) that does not match the key spec. */
  | 'InvalidKeyMaterial'
  /** Key spec or operation this server cannot perform (e.g. SM2). */
  | 'Unsupported';

export type KeySpecErrorCode =
  | 'ValidationException'
  | 'InvalidKeyUsageException'
  | 'InvalidCiphertextException'
  | 'UnsupportedOperationException';

const CODES: Record<KeySpecErrorKind, KeySpecErrorCode> = {
  InvalidDigestLength: 'ValidationException',
  IncompatibleAlgorithm: 'InvalidKeyUsageException',
  IncompatibleMessageType: 'ValidationException',
  MessageTooLarge: 'ValidationException',
  PlaintextTooLarge: 'ValidationException',
  InvalidCiphertext: 'InvalidCiphertextException',
  InvalidPublicKey: 'ValidationException',
  InvalidKeyMaterial: 'ValidationException',
  Unsupported: 'UnsupportedOperationException',
};

export class KeySpecError extends Error {
  readonly kind: KeySpecErrorKind;
  /** The AWS exception name this error is answered with. */
  readonly awsCode: KeySpecErrorCode;

  constructor(kind: KeySpecErrorKind, message: string) {
    super(message);
    this.name = 'KeySpecError';
    this.kind = kind;
    this.awsCode = CODES[kind];
  }
}
