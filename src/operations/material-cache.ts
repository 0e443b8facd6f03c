/**
 * Unwrapped key material held in memory, bounded, least recently used out.
 * Material versions are immutable, so an entry is only ever wrong after the
 * key is deleted; `forgetKey` drops it then. Any change to a key seen on the
 * change feed (from any process) also drops its entries, without wiping them:
 * a request in flight may still be using the buffer.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import { RecencyMap } from '../domain/recency-map.js';
import type { KeyMaterialRecord } from '../domain/key-model.js';
import type { KeyStore } from '../ports/key-store.js';
import type { RootKeyProvider } from '../ports/root-key.js';
import type { Change } from '../ports/change-log.js';

export function materialAad(m: { accountId: string; keyId: string; version: number }): Buffer {
  return Buffer.from(`trent:key-material:v1:${m.accountId}:${m.keyId}:${m.version}`, 'utf8');
}

export interface UnwrappedMaterial {
  material: Buffer;
  materialId: string;
  /**
   * The material as a secret KeyObject, for AES-GCM and HMAC (symmetric and
   * HMAC keys). Made on first use and kept with the entry: given a Buffer,
   * every createCipheriv / createHmac call costs about 20 µs more on Node 24
   * (its key-type checks) than given a KeyObject. Wiping `material` does not
   * reach the KeyObject's copy, which goes with the entry at garbage collection.
   */
  readonly secretKey: KeyObject;
}

class CachedMaterial implements UnwrappedMaterial {
  private key: KeyObject | undefined;
  constructor(
    readonly material: Buffer,
    readonly materialId: string,
  ) {}
  get secretKey(): KeyObject {
    return (this.key ??= createSecretKey(this.material));
  }
}

/**
 * Entries are grouped by key (`account/region/keyId`, the change feed's
 * subject), so dropping a key's versions costs the same however full the
 * cache is; keys are evicted least recently used first.
 */
export class MaterialCache {
  private readonly keys = new RecencyMap<string, Map<number, UnwrappedMaterial>>();
  private count = 0;

  constructor(
    private readonly store: KeyStore,
    private readonly rootKey: RootKeyProvider,
    private readonly capacity = 10_000,
  ) {}

  /** The plaintext material, or undefined when that version does not exist. */
  async get(accountId: string, region: string, keyId: string, version: number): Promise<UnwrappedMaterial | undefined> {
    const subject = `${accountId}/${region}/${keyId}`;
    const versions = this.keys.get(subject);
    const hit = versions?.get(version);
    if (hit) {
      this.keys.touch(subject, versions!);
      return hit;
    }
    const record = await this.store.getMaterial(accountId, region, keyId, version);
    if (!record) return undefined;
    const entry = new CachedMaterial(await this.rootKey.unwrap(record.wrapped, materialAad(record)), record.materialId);
    this.remember(subject, version, entry);
    return entry;
  }

  private remember(subject: string, version: number, entry: UnwrappedMaterial): void {
    let versions = this.keys.get(subject);
    if (versions) this.keys.touch(subject, versions);
    else this.keys.set(subject, (versions = new Map()));
    if (!versions.has(version)) this.count++;
    versions.set(version, entry);
    while (this.count > this.capacity && this.keys.size > 1) {
      this.drop(this.keys.oldest()!, true);
    }
  }

  private drop(subject: string, wipe: boolean): void {
    const versions = this.keys.get(subject);
    if (!versions) return;
    if (wipe) for (const entry of versions.values()) entry.material.fill(0);
    this.count -= versions.size;
    this.keys.delete(subject);
  }

  rememberRecord(record: KeyMaterialRecord, material: Buffer): void {
    this.remember(`${record.accountId}/${record.region}/${record.keyId}`, record.version, new CachedMaterial(material, record.materialId));
  }

  /** Change feed: a changed key's entries go (not wiped: a request in flight may hold them). */
  changed(change: Change): void {
    if (change.scope === 'key') this.drop(change.subject, false);
  }

  reset(): void {
    this.keys.clear();
    this.count = 0;
  }

  /** Key-material versions held now. */
  get size(): number {
    return this.count;
  }

  /** A deleted key's material: dropped and wiped. */
  forgetKey(accountId: string, region: string, keyId: string): void {
    this.drop(`${accountId}/${region}/${keyId}`, true);
  }
}
