/**
 * Unwrapped key material held in memory, bounded, least recently used out.
 * Material versions are immutable, so an entry is only ever wrong after the
 * key is deleted; `forgetKey` drops it then. Any change to a key seen on the
 * change feed (from any process) also drops its entries, without wiping them:
 * a request in flight may still be using the buffer.
 */
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
}

export class MaterialCache {
  private readonly entries = new Map<string, UnwrappedMaterial>();

  constructor(
    private readonly store: KeyStore,
    private readonly rootKey: RootKeyProvider,
    private readonly capacity = 10_000,
  ) {}

  /** The plaintext material, or undefined when that version does not exist. */
  async get(accountId: string, region: string, keyId: string, version: number): Promise<UnwrappedMaterial | undefined> {
    const id = `${accountId}/${region}/${keyId}/${version}`;
    const hit = this.entries.get(id);
    if (hit) {
      this.entries.delete(id);
      this.entries.set(id, hit);
      return hit;
    }
    const record = await this.store.getMaterial(accountId, region, keyId, version);
    if (!record) return undefined;
    const entry = { material: await this.rootKey.unwrap(record.wrapped, materialAad(record)), materialId: record.materialId };
    this.remember(id, entry);
    return entry;
  }

  private remember(id: string, entry: UnwrappedMaterial): void {
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.get(oldest)?.material.fill(0);
      this.entries.delete(oldest);
    }
  }

  rememberRecord(record: KeyMaterialRecord, material: Buffer): void {
    this.remember(`${record.accountId}/${record.region}/${record.keyId}/${record.version}`, { material, materialId: record.materialId });
  }

  /** Change feed: a changed key's entries go (not wiped: a request in flight may hold them). */
  changed(change: Change): void {
    if (change.scope !== 'key') return;
    const prefix = change.subject + '/';
    for (const id of this.entries.keys()) if (id.startsWith(prefix)) this.entries.delete(id);
  }

  reset(): void {
    this.entries.clear();
  }

  /** Entries held now. */
  get size(): number {
    return this.entries.size;
  }

  forgetKey(accountId: string, region: string, keyId: string): void {
    const prefix = `${accountId}/${region}/${keyId}/`;
    for (const [id, entry] of this.entries) {
      if (id.startsWith(prefix)) {
        entry.material.fill(0);
        this.entries.delete(id);
      }
    }
  }
}
