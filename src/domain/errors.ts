/**
 * A failure that is rendered to the client as an AWS JSON 1.1 error:
 * `{"__type": code, "message": message}` with `status`.
 * Anything thrown that is not a KmsError is an internal fault and is rendered
 * as KMSInternalException without its details.
 */
export class KmsError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
  }
}

export const err = {
  validation: (message: string) => new KmsError('ValidationException', message),
  notFound: (message: string) => new KmsError('NotFoundException', message),
  disabled: (arn: string) => new KmsError('DisabledException', `${arn} is disabled.`),
  invalidState: (message: string) => new KmsError('KMSInvalidStateException', message),
  invalidCiphertext: () => new KmsError('InvalidCiphertextException', ''),
  incorrectKey: () =>
    new KmsError(
      'IncorrectKeyException',
      'The key ID in the request does not identify a CMK that can perform this operation.',
    ),
  invalidKeyUsage: (message: string) => new KmsError('InvalidKeyUsageException', message),
  unsupported: (message: string) => new KmsError('UnsupportedOperationException', message),
  alreadyExists: (message: string) => new KmsError('AlreadyExistsException', message),
  tag: (message: string) => new KmsError('TagException', message),
  malformedPolicy: (message: string) => new KmsError('MalformedPolicyDocumentException', message),
  notAuthorized: (message: string) => new KmsError('NotAuthorizedException', message),
  accessDenied: (message: string) => new KmsError('AccessDeniedException', message),
  limitExceeded: (message: string) => new KmsError('LimitExceededException', message),
  serialization: (message: string) => new KmsError('SerializationException', message),
  unknownOperation: (message: string) => new KmsError('UnknownOperationException', message),
  internal: () => new KmsError('KMSInternalException', 'An internal error occurred.', 500),
};
