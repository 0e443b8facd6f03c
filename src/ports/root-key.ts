/**
 * The root of trust: wraps and unwraps secrets at rest (key material, secret
 * access keys). The plaintext root key never leaves the provider. Providers:
 * a local key file or environment variable today; a hardware security module
 * behind the same interface.
 */
export interface RootKeyProvider {
  /** A short description for logs and /readyz, never key bytes. */
  readonly description: string;
  wrap(plaintext: Buffer, aad: Buffer): Promise<Buffer>;
  /** Throws when the wrapped value was altered or belongs to a different `aad`. */
  unwrap(wrapped: Buffer, aad: Buffer): Promise<Buffer>;
}
