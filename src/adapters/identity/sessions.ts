/**
 * Issuing temporary credentials: an ASIA access key id, a secret (stored
 * wrapped under the root key) and a session token (stored as its SHA-256
 * hash). The plaintext secret and token are returned once, to the caller of
 * AssumeRole or GetSessionToken.
 */
import type { SessionRecord } from '../../domain/iam/model.js';
import type { IdentityStore } from '../../ports/identity-store.js';
import type { RootKeyProvider } from '../../ports/root-key.js';
import { generateAccessKeyId, generateSecretAccessKey, generateSessionToken, hashSessionToken, sessionSecretAad } from './credentials.js';

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number;
}

export type SessionIdentity = Omit<SessionRecord, 'accessKeyId' | 'tokenHash' | 'wrappedSecret' | 'createdAt' | 'expiresAt'>;

export async function issueSession(
  store: IdentityStore,
  rootKey: RootKeyProvider,
  identity: SessionIdentity,
  now: number,
  durationSeconds: number,
): Promise<IssuedCredentials> {
  const accessKeyId = generateAccessKeyId('ASIA');
  const secretAccessKey = generateSecretAccessKey();
  const sessionToken = generateSessionToken();
  const expiresAt = now + durationSeconds * 1000;
  const wrappedSecret = await rootKey.wrap(Buffer.from(secretAccessKey, 'utf8'), sessionSecretAad(accessKeyId));
  await store.putSession({
    ...identity,
    accessKeyId,
    tokenHash: hashSessionToken(sessionToken),
    wrappedSecret,
    createdAt: now,
    expiresAt,
  });
  return { accessKeyId, secretAccessKey, sessionToken, expiresAt };
}
