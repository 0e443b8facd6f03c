/**
 * A KeyStore that keeps recently read key records in memory, so the request
 * path (resolve the key, check its state and policy) does not read the store
 * for every call. Everything else passes through.
 *
 * Freshness (ReadThroughCache): a record is served from memory only while `trusted()` holds
 * (the change feed was read recently; see change-follower.ts). Writes made
 * through this process drop the record at once; writes made anywhere else
 * arrive on the change feed (`changed`) within its bound. A read that raced
 * with a drop is not kept. Cached records are frozen: callers that change a
 * key copy it first (mutateKey does).
 *
 * Bounded: at most `capacity` records (10 000), least recently used out.
 */
import { ReadThroughCache } from '../../domain/read-through-cache.js';
import type { AliasRecord, KeyMaterialRecord, KeyRecord } from '../../domain/key-model.js';
import type { GrantRecord } from '../../domain/grants.js';
import type { Change } from '../../ports/change-log.js';
import type { KeyStore, Page, PeerPush } from '../../ports/key-store.js';

export const KEY_RECORD_CACHE_SIZE = 10_000;

function subjectOf(accountId: string, region: string, keyId: string): string {
  return `${accountId}/${region}/${keyId}`;
}

/** Freezes a record and everything in it (byte arrays cannot be frozen and are left as they are). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

export class CachedKeyStore implements KeyStore {
  private readonly records: ReadThroughCache<string, KeyRecord>;

  constructor(
    private readonly store: KeyStore,
    trusted: () => boolean,
    capacity = KEY_RECORD_CACHE_SIZE,
  ) {
    this.records = new ReadThroughCache(capacity, trusted);
  }

  /** Records held now. */
  get size(): number {
    return this.records.size;
  }

  getKey(accountId: string, region: string, keyId: string): Promise<KeyRecord | undefined> {
    return this.records.read(subjectOf(accountId, region, keyId), () => this.store.getKey(accountId, region, keyId), deepFreeze);
  }

  /** Change feed: a changed key is read from the store next time. */
  changed(change: Change): void {
    if (change.scope === 'key') this.records.drop(change.subject);
  }

  reset(): void {
    this.records.clear();
  }

  private dropKey(key: { accountId: string; region: string; keyId: string }): void {
    this.records.drop(subjectOf(key.accountId, key.region, key.keyId));
  }

  /** Runs a write, dropping `keys`' records before and after it (a read in flight meanwhile keeps nothing). */
  private async writing<T>(keys: readonly { accountId: string; region: string; keyId: string }[], write: () => Promise<T>): Promise<T> {
    for (const k of keys) this.dropKey(k);
    try {
      return await write();
    } finally {
      for (const k of keys) this.dropKey(k);
    }
  }

  // Writes to key records: the written keys are dropped.
  createKey(key: KeyRecord, material?: KeyMaterialRecord): Promise<void> {
    return this.writing([key], () => this.store.createKey(key, material));
  }
  updateKey(key: KeyRecord): Promise<boolean> {
    return this.writing([key], () => this.store.updateKey(key));
  }
  updateKeys(keys: KeyRecord[]): Promise<boolean> {
    return this.writing(keys, () => this.store.updateKeys(keys));
  }
  deleteKeyIfDue(accountId: string, region: string, keyId: string, now: number): Promise<boolean> {
    return this.writing([{ accountId, region, keyId }], () => this.store.deleteKeyIfDue(accountId, region, keyId, now));
  }
  putImportedMaterial(key: KeyRecord, material: KeyMaterialRecord): Promise<boolean> {
    return this.writing([key], () => this.store.putImportedMaterial(key, material));
  }
  deleteImportedMaterial(key: KeyRecord, version: number): Promise<boolean> {
    return this.writing([key], () => this.store.deleteImportedMaterial(key, version));
  }
  addMaterialVersion(key: KeyRecord, material: KeyMaterialRecord): Promise<boolean> {
    return this.writing([key], () => this.store.addMaterialVersion(key, material));
  }
  createReplicaKey(key: KeyRecord, materials: KeyMaterialRecord[]): Promise<boolean> {
    return this.writing([key], () => this.store.createReplicaKey(key, materials));
  }
  addMaterialVersions(keys: KeyRecord[], materials: KeyMaterialRecord[], peerPushes?: PeerPush[]): Promise<boolean> {
    return this.writing(keys, () => this.store.addMaterialVersions(keys, materials, peerPushes));
  }

  // Everything else passes through.
  listKeys(accountId: string, region: string, after: string | undefined, limit: number): Promise<Page<KeyRecord>> {
    return this.store.listKeys(accountId, region, after, limit);
  }
  keysDueForDeletion(now: number, limit: number): Promise<KeyRecord[]> {
    return this.store.keysDueForDeletion(now, limit);
  }
  keysWithExpiredMaterial(now: number, limit: number): Promise<KeyRecord[]> {
    return this.store.keysWithExpiredMaterial(now, limit);
  }
  keysDueForRotation(now: number, limit: number): Promise<KeyRecord[]> {
    return this.store.keysDueForRotation(now, limit);
  }
  getMaterial(accountId: string, region: string, keyId: string, version: number): Promise<KeyMaterialRecord | undefined> {
    return this.store.getMaterial(accountId, region, keyId, version);
  }
  listMaterials(accountId: string, region: string, keyId: string, afterVersion: number, limit: number): Promise<Page<KeyMaterialRecord>> {
    return this.store.listMaterials(accountId, region, keyId, afterVersion, limit);
  }
  pendingPeerPushes(limit: number): Promise<PeerPush[]> {
    return this.store.pendingPeerPushes(limit);
  }
  clearPeerPush(push: PeerPush): Promise<void> {
    return this.store.clearPeerPush(push);
  }
  multiRegionKeys(accountId: string, keyId: string): Promise<KeyRecord[]> {
    return this.store.multiRegionKeys(accountId, keyId);
  }
  acquireLease(name: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
    return this.store.acquireLease(name, owner, now, ttlMs);
  }
  releaseLease(name: string, owner: string): Promise<void> {
    return this.store.releaseLease(name, owner);
  }
  createAlias(alias: AliasRecord): Promise<boolean> {
    return this.store.createAlias(alias);
  }
  getAlias(accountId: string, region: string, aliasName: string): Promise<AliasRecord | undefined> {
    return this.store.getAlias(accountId, region, aliasName);
  }
  updateAlias(alias: AliasRecord): Promise<boolean> {
    return this.store.updateAlias(alias);
  }
  deleteAlias(accountId: string, region: string, aliasName: string): Promise<boolean> {
    return this.store.deleteAlias(accountId, region, aliasName);
  }
  listAliases(accountId: string, region: string, keyId: string | undefined, after: string | undefined, limit: number): Promise<Page<AliasRecord>> {
    return this.store.listAliases(accountId, region, keyId, after, limit);
  }
  countAliasesForKey(accountId: string, region: string, keyId: string): Promise<number> {
    return this.store.countAliasesForKey(accountId, region, keyId);
  }
  countKeysByState(): Promise<Record<string, number>> {
    return this.store.countKeysByState();
  }
  createGrant(grant: GrantRecord): Promise<void> {
    return this.store.createGrant(grant);
  }
  grantsForKey(accountId: string, region: string, keyId: string): Promise<GrantRecord[]> {
    return this.store.grantsForKey(accountId, region, keyId);
  }
  grantById(grantId: string): Promise<GrantRecord | undefined> {
    return this.store.grantById(grantId);
  }
  listGrants(accountId: string, region: string, keyId: string, after: string | undefined, limit: number): Promise<Page<GrantRecord>> {
    return this.store.listGrants(accountId, region, keyId, after, limit);
  }
  listRetirableGrants(accountId: string, region: string, retiringPrincipal: string, after: string | undefined, limit: number): Promise<Page<GrantRecord>> {
    return this.store.listRetirableGrants(accountId, region, retiringPrincipal, after, limit);
  }
  deleteGrant(accountId: string, region: string, keyId: string, grantId: string): Promise<boolean> {
    return this.store.deleteGrant(accountId, region, keyId, grantId);
  }
}
