/**
 * Access keys: generation in AWS's formats, wrapping of secrets under the
 * root key, and the lookup SigV4 verification needs, for long-term keys
 * (AKIA...) and temporary session credentials (ASIA...). Lookups are cached in
 * memory, bounded, so the store and root key are consulted once per access
 * key; whoever deactivates or deletes a key or a principal here calls
 * `forget` / `forgetPrincipal` so the change takes effect on the next
 * request, and the change feed carries it to every other process.
 */
import { ReadThroughCache } from '../../domain/read-through-cache.js';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SessionRecord } from '../../domain/iam/model.js';
import { formatUniqueId } from '../../domain/iam/names.js';
import type { AccessKeyRecord, IdentityStore } from '../../ports/identity-store.js';
import type { RootKeyProvider } from '../../ports/root-key.js';
import type { Change } from '../../ports/change-log.js';

export function generateAccessKeyId(prefix = 'AKIA'): string {
  return formatUniqueId(prefix, randomBytes(16), 16);
}

export function generateSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

/** A session token: opaque, long, and stored only as its SHA-256 hash. */
export function generateSessionToken(): string {
  return 'IQoJ' + randomBytes(132).toString('base64');
}

export function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function generateAccountId(): string {
  const n = randomBytes(8).readBigUInt64BE() % 900_000_000_000n;
  return (n + 100_000_000_000n).toString();
}

export function secretAad(accessKeyId: string): Buffer {
  return Buffer.from(`trent:access-key-secret:v1:${accessKeyId}`, 'utf8');
}

export function sessionSecretAad(accessKeyId: string): Buffer {
  return Buffer.from(`trent:session-secret:v1:${accessKeyId}`, 'utf8');
}

export type ActiveCredential =
  | { kind: 'long-term'; record: AccessKeyRecord; secret: string }
  | { kind: 'session'; session: SessionRecord; secret: string };

/** Whether `token` is the session's token (compared as SHA-256 hashes, in constant time). */
export function sessionTokenMatches(session: SessionRecord, token: string): boolean {
  const hash = hashSessionToken(token);
  return hash.length === session.tokenHash.length && timingSafeEqual(hash, session.tokenHash);
}

/**
 * Verified-credential lookups, cached: least recently used out beyond
 * `capacity` (10 000 entries). An entry is served only while `trusted()` says
 * the change feed is current (see ChangeFollower); otherwise the store is
 * read. A lookup that raced with an invalidation is not cached.
 */
export class CredentialLookup {
  private readonly cache: ReadThroughCache<string, ActiveCredential>;

  constructor(
    private readonly store: IdentityStore,
    private readonly rootKey: RootKeyProvider,
    capacity = 10_000,
    trusted: () => boolean = () => true,
  ) {
    this.cache = new ReadThroughCache(capacity, trusted);
  }

  /** The active long-term key or the (possibly expired) session with this id. */
  find(accessKeyId: string): Promise<ActiveCredential | undefined> {
    return this.cache.read(accessKeyId, async () => (await this.findLongTerm(accessKeyId)) ?? (await this.findSession(accessKeyId)));
  }

  /** Entries held now (for tests and metrics). */
  get size(): number {
    return this.cache.size;
  }

  private async findLongTerm(accessKeyId: string): Promise<ActiveCredential | undefined> {
    const record = await this.store.getAccessKey(accessKeyId);
    if (!record || record.status !== 'Active') return undefined;
    const secret = (await this.rootKey.unwrap(record.wrappedSecret, secretAad(accessKeyId))).toString('utf8');
    return { kind: 'long-term', record, secret };
  }

  private async findSession(accessKeyId: string): Promise<ActiveCredential | undefined> {
    if (!accessKeyId.startsWith('ASIA')) return undefined;
    const session = await this.store.getSession(accessKeyId);
    if (!session) return undefined;
    const secret = (await this.rootKey.unwrap(session.wrappedSecret, sessionSecretAad(accessKeyId))).toString('utf8');
    return { kind: 'session', session, secret };
  }

  /** Drops one access key (long-term or session) from the cache. */
  forget(accessKeyId: string): void {
    this.cache.drop(accessKeyId);
  }

  /** Drops every cached credential of a user or role (by unique id): its keys and sessions. */
  forgetPrincipal(principalId: string): void {
    this.cache.dropWhere((_, entry) => (entry.kind === 'session' ? entry.session.principalId : entry.record.userId) === principalId);
  }

  /** Drops everything. */
  forgetAll(): void {
    this.cache.clear();
  }

  /** Applies the change feed: credential and principal changes drop their entries. */
  changed(change: Change): void {
    if (change.scope === 'credential') this.forget(change.subject);
    else if (change.scope === 'principal') this.forgetPrincipal(change.subject);
  }

  reset(): void {
    this.forgetAll();
  }
}

export async function storeAccessKey(
  store: IdentityStore,
  rootKey: RootKeyProvider,
  fields: Omit<AccessKeyRecord, 'wrappedSecret'>,
  secret: string,
): Promise<void> {
  await store.putAccessKey(await wrapAccessKey(rootKey, fields, secret));
}

/** The record to store for a new key: its secret wrapped under the root key. */
export async function wrapAccessKey(
  rootKey: RootKeyProvider,
  fields: Omit<AccessKeyRecord, 'wrappedSecret'>,
  secret: string,
): Promise<AccessKeyRecord> {
  const wrappedSecret = await rootKey.wrap(Buffer.from(secret, 'utf8'), secretAad(fields.accessKeyId));
  return { ...fields, wrappedSecret };
}
