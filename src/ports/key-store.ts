/**
 * Durable storage of keys, key material and aliases.
 * Every method is atomic: it commits durably before its promise resolves, or
 * changes nothing. Implementations: SQLite (embedded) and PostgreSQL.
 */
import type { AliasRecord, KeyMaterialRecord, KeyRecord } from '../domain/key-model.js';
import type { GrantRecord } from '../domain/grants.js';

export interface Page<T> {
  items: T[];
  /** Opaque position after the last item, present when more items follow. */
  next?: string;
}

/**
 * Named leases that let one node of several sharing a store run a scheduled
 * job at a time. A lease is held by `owner` until `expiresAt`; an expired
 * lease may be taken by anyone.
 */
export interface SchedulerLeases {
  /**
   * Takes (or renews) the lease `name` for `owner` until `now + ttlMs` if it is
   * free, expired, or already `owner`'s; returns whether `owner` holds it now.
   * Atomic: of several owners racing for a free lease exactly one wins.
   */
  acquireLease(name: string, owner: string, now: number, ttlMs: number): Promise<boolean>;
  /** Gives the lease up if `owner` holds it (so the next run anywhere need not wait for expiry). */
  releaseLease(name: string, owner: string): Promise<void>;
}

/**
 * A multi-Region primary's material versions still to be sent to the peer
 * deployment serving `peerRegion` (an outbox row): recorded with the rotation
 * that made `version`, removed once the peer has every version up to it.
 */
export interface PeerPush {
  accountId: string;
  keyId: string;
  peerRegion: string;
  version: number;
}

export interface KeyStore extends SchedulerLeases {
  /** Creates a key with its first material, or without any (origin EXTERNAL, PendingImport). */
  createKey(key: KeyRecord, material?: KeyMaterialRecord): Promise<void>;
  getKey(accountId: string, region: string, keyId: string): Promise<KeyRecord | undefined>;
  /**
   * Replaces a key record if its stored revision is `key.revision - 1`.
   * Returns false (and changes nothing) when another writer got there first.
   */
  updateKey(key: KeyRecord): Promise<boolean>;
  /**
   * Removes a key with all its material and aliases if it is still pending
   * deletion with a deletion date at or before `now`; returns whether it did.
   */
  deleteKeyIfDue(accountId: string, region: string, keyId: string, now: number): Promise<boolean>;
  listKeys(accountId: string, region: string, after: string | undefined, limit: number): Promise<Page<KeyRecord>>;
  /** Keys in PendingDeletion whose deletion date is at or before `now`, in any account or region. */
  keysDueForDeletion(now: number, limit: number): Promise<KeyRecord[]>;
  /**
   * Imports key material: replaces the key record as updateKey does and, in
   * the same transaction, stores `material` at its version (replacing a row
   * of that version). Returns false (and changes nothing) on a stale revision.
   */
  putImportedMaterial(key: KeyRecord, material: KeyMaterialRecord): Promise<boolean>;
  /**
   * Deletes imported key material: replaces the key record as updateKey does
   * and, in the same transaction, removes the material of `version`.
   * Returns false (and changes nothing) on a stale revision.
   */
  deleteImportedMaterial(key: KeyRecord, version: number): Promise<boolean>;
  /** Keys whose `validTo` is at or before `now`, soonest first, in any account or region. */
  keysWithExpiredMaterial(now: number, limit: number): Promise<KeyRecord[]>;
  getMaterial(accountId: string, region: string, keyId: string, version: number): Promise<KeyMaterialRecord | undefined>;
  /**
   * Adds a key-material version and replaces the key record in one
   * transaction, if the stored revision is `key.revision - 1` (as updateKey)
   * and the version is new. Returns false, changing nothing, otherwise.
   */
  addMaterialVersion(key: KeyRecord, material: KeyMaterialRecord): Promise<boolean>;
  /**
   * Adds key-material versions to several key records in one transaction (a
   * multi-Region key's primary and its replicas in this store): each record is
   * replaced only if its stored revision is `revision - 1`, each material is
   * inserted only if its version is new for its region; `peerPushes` are
   * recorded (raising a pending row's version, never lowering it). All or
   * nothing: returns false, changing nothing, on a stale revision or an
   * existing version.
   */
  addMaterialVersions(keys: KeyRecord[], materials: KeyMaterialRecord[], peerPushes?: PeerPush[]): Promise<boolean>;
  /** Pending pushes to peer deployments, oldest key first, at most `limit`. */
  pendingPeerPushes(limit: number): Promise<PeerPush[]>;
  /** Removes the pending push of `push`'s key and peer region if its version is at most `push.version`. */
  clearPeerPush(push: PeerPush): Promise<void>;
  /** A key's material versions in version order, those after `afterVersion` (exclusive). */
  listMaterials(accountId: string, region: string, keyId: string, afterVersion: number, limit: number): Promise<Page<KeyMaterialRecord>>;
  /**
   * Enabled keys whose automatic rotation is due (rotation.nextRotationDate
   * at or before `now`), in any account or region, earliest first.
   */
  keysDueForRotation(now: number, limit: number): Promise<KeyRecord[]>;

  /**
   * Multi-Region keys: the record of `keyId` in every region of the account
   * that has it (primary and replicas), ordered by region.
   */
  multiRegionKeys(accountId: string, keyId: string): Promise<KeyRecord[]>;
  /**
   * Creates a multi-Region replica: the key record in its region with copies
   * of every material version, atomically. Returns false (and changes
   * nothing) when the key already exists in that region.
   */
  createReplicaKey(key: KeyRecord, materials: KeyMaterialRecord[]): Promise<boolean>;
  /**
   * Replaces several key records at once (the regions of one multi-Region
   * key), each only if its stored revision is `revision - 1`; all or none.
   */
  updateKeys(keys: KeyRecord[]): Promise<boolean>;

  /** Returns false when an alias of that name already exists. */
  createAlias(alias: AliasRecord): Promise<boolean>;
  getAlias(accountId: string, region: string, aliasName: string): Promise<AliasRecord | undefined>;
  /** Returns false when the alias does not exist. */
  updateAlias(alias: AliasRecord): Promise<boolean>;
  /** Returns false when the alias does not exist. */
  deleteAlias(accountId: string, region: string, aliasName: string): Promise<boolean>;
  listAliases(
    accountId: string,
    region: string,
    keyId: string | undefined,
    after: string | undefined,
    limit: number,
  ): Promise<Page<AliasRecord>>;
  countAliasesForKey(accountId: string, region: string, keyId: string): Promise<number>;
  /** Number of keys in each state, across accounts and regions (for metrics). */
  countKeysByState(): Promise<Record<string, number>>;

  createGrant(grant: GrantRecord): Promise<void>;
  /** Every grant of a key, in grant id order. */
  grantsForKey(accountId: string, region: string, keyId: string): Promise<GrantRecord[]>;
  /** A grant by id alone (grant ids are unique), for retirement by token. */
  grantById(grantId: string): Promise<GrantRecord | undefined>;
  listGrants(accountId: string, region: string, keyId: string, after: string | undefined, limit: number): Promise<Page<GrantRecord>>;
  listRetirableGrants(accountId: string, region: string, retiringPrincipal: string, after: string | undefined, limit: number): Promise<Page<GrantRecord>>;
  /** Returns false when the grant does not exist. */
  deleteGrant(accountId: string, region: string, keyId: string, grantId: string): Promise<boolean>;
}
