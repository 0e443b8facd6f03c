/** STS output shapes. */
import type { IssuedCredentials } from '../../identity/sessions.js';

export function credentialsShape(c: IssuedCredentials): object {
  return { AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: c.expiresAt };
}
