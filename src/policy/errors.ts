/**
 * The error a policy document that cannot be accepted raises. Its message names
 * the problem; callers render it as MalformedPolicyDocumentException (KMS) or
 * MalformedPolicyDocument (IAM).
 */
export class PolicyDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyDocumentError';
  }
}

/** AWS KMS's wording for a principal that is not an account, IAM or STS identity. */
export const INVALID_PRINCIPALS_MESSAGE = 'Policy contains a statement with one or more invalid principals.';
