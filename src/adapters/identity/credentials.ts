/**
 * Access keys: generation in AWS's formats, wrapping of secrets under the
 * root key, and the lookup SigV4 verification needs (cached in memory,
 * bounded, so the store and root key are consulted once per access key).
 */
import { randomBytes } from 'node:crypto';
import type { AccessKeyRecord, IdentityStore } from '../../ports/identity-store.js';
import type { RootKeyProvider } from '../../ports/root-key.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function generateAccessKeyId(prefix = 'AKIA'): string {
  const bytes = randomBytes(16);
  let id = prefix;
  for (let i = 0; i < 16; i++) id += BASE32[bytes[i] & 31];
  return id;
}

export function generateSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

export function generateAccountId(): string {
  const n = randomBytes(8).readBigUInt64BE() % 900_000_000_000n;
  return (n + 100_000_000_000n).toString();
}

export function secretAad(accessKeyId: string): Buffer {
  return Buffer.from(`trent:access-key-secret:v1:${accessKeyId}`, 'utf8');
}

export interface ActiveCredential {
  record: AccessKeyRecord;
  secret: string;
}

export class CredentialLookup {
  private readonly cache = new Map<string, ActiveCredential>();

  constructor(
    private readonly store: IdentityStore,
    private readonly rootKey: RootKeyProvider,
    private readonly capacity = 10_000,
  ) {}

  async find(accessKeyId: string): Promise<ActiveCredential | undefined> {
    const hit = this.cache.get(accessKeyId);
    if (hit) return hit;
    const record = await this.store.getAccessKey(accessKeyId);
    if (!record || record.status !== 'Active') return undefined;
    const secret = (await this.rootKey.unwrap(record.wrappedSecret, secretAad(accessKeyId))).toString('utf8');
    const entry = { record, secret };
    this.cache.set(accessKeyId, entry);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value as string);
    return entry;
  }

  forget(accessKeyId: string): void {
    this.cache.delete(accessKeyId);
  }
}

export async function storeAccessKey(
  store: IdentityStore,
  rootKey: RootKeyProvider,
  fields: Omit<AccessKeyRecord, 'wrappedSecret'>,
  secret: string,
): Promise<void> {
  const wrappedSecret = await rootKey.wrap(Buffer.from(secret, 'utf8'), secretAad(fields.accessKeyId));
  await store.putAccessKey({ ...fields, wrappedSecret });
}
