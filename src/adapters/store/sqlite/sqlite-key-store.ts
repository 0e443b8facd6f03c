/**
 * KeyStore on an embedded SQLite database: WAL journal, synchronous=FULL so
 * every acknowledged change survives a crash, each method one transaction.
 */
import type { SqlDatabase } from './sqlite-driver.js';
import { aliasOf, materialOf, pageOf, peerPushOf, recordOf, rotationDueOf, type Row } from '../key-rows.js';
import type { AliasRecord, KeyMaterialRecord, KeyRecord } from '../../../domain/key-model.js';
import type { GrantRecord } from '../../../domain/grants.js';
import type { KeyStore, Page, PeerPush } from '../../../ports/key-store.js';
import { KEY_MIGRATIONS } from './migrations.js';
import { migrate } from './migrate.js';

export class SqliteKeyStore implements KeyStore {
  private readonly db: SqlDatabase;
  private readonly q: ReturnType<typeof prepareStatements>;

  /** `db` is shared with the other SQLite stores of the same file; see open-sqlite.ts. */
  constructor(db: SqlDatabase) {
    this.db = db;
    migrate(this.db, 'keys', KEY_MIGRATIONS);
    this.q = prepareStatements(this.db);
  }

  async createKey(key: KeyRecord, material?: KeyMaterialRecord): Promise<void> {
    this.db.transaction(() => {
      this.q.insertKey.run(key.accountId, key.region, key.keyId, key.state, key.deletionDate ?? null, key.validTo ?? null, rotationDueOf(key), key.revision, JSON.stringify(key));
      if (material) this.insertMaterial(material);
    });
  }

  private insertMaterial(m: KeyMaterialRecord): void {
    this.q.insertMaterial.run(m.accountId, m.region, m.keyId, m.version, m.materialId, m.wrapped, m.createdAt, m.rotationType ?? null);
  }

  async getKey(accountId: string, region: string, keyId: string): Promise<KeyRecord | undefined> {
    const row = this.q.getKey.get(accountId, region, keyId) as { record: string } | undefined;
    return row ? (JSON.parse(row.record) as KeyRecord) : undefined;
  }

  async updateKey(key: KeyRecord): Promise<boolean> {
    return this.replaceKey(key);
  }

  private replaceKey(key: KeyRecord): boolean {
    const info = this.q.updateKey.run(
      key.state, key.deletionDate ?? null, key.validTo ?? null, rotationDueOf(key), key.revision, JSON.stringify(key),
      key.accountId, key.region, key.keyId, key.revision - 1,
    );
    return Number(info.changes) === 1;
  }

  async addMaterialVersion(key: KeyRecord, m: KeyMaterialRecord): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.q.getMaterial.get(m.accountId, m.region, m.keyId, m.version) !== undefined) return false;
      if (!this.replaceKey(key)) return false;
      this.insertMaterial(m);
      return true;
    });
  }

  async addMaterialVersions(keys: KeyRecord[], materials: KeyMaterialRecord[], peerPushes: PeerPush[] = []): Promise<boolean> {
    try {
      return this.db.transaction(() => {
        for (const m of materials) {
          if (this.q.getMaterial.get(m.accountId, m.region, m.keyId, m.version) !== undefined) throw new StaleRevision();
        }
        for (const key of keys) {
          if (!this.replaceKey(key)) throw new StaleRevision();
        }
        for (const m of materials) this.insertMaterial(m);
        for (const p of peerPushes) this.q.upsertPeerPush.run(p.accountId, p.keyId, p.peerRegion, p.version);
        return true;
      });
    } catch (e) {
      if (e instanceof StaleRevision) return false;
      throw e;
    }
  }

  async pendingPeerPushes(limit: number): Promise<PeerPush[]> {
    return (this.q.pendingPeerPushes.all(limit) as Row[]).map(peerPushOf);
  }

  async clearPeerPush(p: PeerPush): Promise<void> {
    this.q.clearPeerPush.run(p.accountId, p.keyId, p.peerRegion, p.version);
  }

  async listMaterials(accountId: string, region: string, keyId: string, afterVersion: number, limit: number): Promise<Page<KeyMaterialRecord>> {
    const rows = this.q.listMaterials.all(accountId, region, keyId, afterVersion, limit + 1) as Row[];
    return pageOf(rows.map((r) => materialOf(accountId, region, keyId, r)), limit, (m) => String(m.version));
  }

  async keysDueForRotation(now: number, limit: number): Promise<KeyRecord[]> {
    return (this.q.dueForRotation.all(now, limit) as Row[]).map(recordOf<KeyRecord>);
  }

  async acquireLease(name: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
    return Number(this.q.acquireLease.run(name, owner, now + ttlMs, now).changes) === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    this.q.releaseLease.run(name, owner);
  }

  async putImportedMaterial(key: KeyRecord, m: KeyMaterialRecord): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.replaceKey(key)) return false;
      this.q.upsertMaterial.run(m.accountId, m.region, m.keyId, m.version, m.materialId, m.wrapped, m.createdAt, m.rotationType ?? null);
      return true;
    });
  }

  async deleteImportedMaterial(key: KeyRecord, version: number): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.replaceKey(key)) return false;
      this.q.deleteMaterial.run(key.accountId, key.region, key.keyId, version);
      return true;
    });
  }

  async keysWithExpiredMaterial(now: number, limit: number): Promise<KeyRecord[]> {
    return (this.q.materialExpired.all(now, limit) as Row[]).map(recordOf<KeyRecord>);
  }

  async deleteKeyIfDue(accountId: string, region: string, keyId: string, now: number): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.q.deleteDueKey.run(accountId, region, keyId, now).changes !== 1) return false;
      this.q.deleteAliasesOfKey.run(accountId, region, keyId);
      this.q.deleteMaterials.run(accountId, region, keyId);
      this.q.deleteGrantsOfKey.run(accountId, region, keyId);
      return true;
    });
  }

  async listKeys(accountId: string, region: string, after: string | undefined, limit: number): Promise<Page<KeyRecord>> {
    const rows = this.q.listKeys.all(accountId, region, after ?? '', limit + 1) as { record: string }[];
    const items = rows.slice(0, limit).map((r) => JSON.parse(r.record) as KeyRecord);
    return { items, next: rows.length > limit ? items[items.length - 1].keyId : undefined };
  }

  async keysDueForDeletion(now: number, limit: number): Promise<KeyRecord[]> {
    const rows = this.q.dueForDeletion.all(now, limit) as { record: string }[];
    return rows.map((r) => JSON.parse(r.record) as KeyRecord);
  }

  async getMaterial(accountId: string, region: string, keyId: string, version: number): Promise<KeyMaterialRecord | undefined> {
    const row = this.q.getMaterial.get(accountId, region, keyId, version) as Row | undefined;
    return row ? materialOf(accountId, region, keyId, row) : undefined;
  }

  async multiRegionKeys(accountId: string, keyId: string): Promise<KeyRecord[]> {
    return (this.q.regionsOfKey.all(accountId, keyId) as Row[]).map(recordOf<KeyRecord>);
  }

  async createReplicaKey(key: KeyRecord, materials: KeyMaterialRecord[]): Promise<boolean> {
    return this.db.transaction(() => {
      const info = this.q.insertKeyIfAbsent.run(
        key.accountId, key.region, key.keyId, key.state, key.deletionDate ?? null, key.validTo ?? null, rotationDueOf(key), key.revision, JSON.stringify(key),
      );
      if (info.changes !== 1) return false;
      for (const m of materials) this.insertMaterial(m);
      return true;
    });
  }

  async updateKeys(keys: KeyRecord[]): Promise<boolean> {
    try {
      return this.db.transaction(() => {
        for (const key of keys) {
          if (!this.replaceKey(key)) throw new StaleRevision();
        }
        return true;
      });
    } catch (e) {
      if (e instanceof StaleRevision) return false;
      throw e;
    }
  }

  async createAlias(a: AliasRecord): Promise<boolean> {
    return this.q.insertAlias.run(a.accountId, a.region, a.aliasName, a.targetKeyId, a.createdAt, a.updatedAt).changes === 1;
  }

  async getAlias(accountId: string, region: string, aliasName: string): Promise<AliasRecord | undefined> {
    const row = this.q.getAlias.get(accountId, region, aliasName) as Row | undefined;
    return row ? aliasOf(row) : undefined;
  }

  async updateAlias(a: AliasRecord): Promise<boolean> {
    return this.q.updateAlias.run(a.targetKeyId, a.updatedAt, a.accountId, a.region, a.aliasName).changes === 1;
  }

  async deleteAlias(accountId: string, region: string, aliasName: string): Promise<boolean> {
    return this.q.deleteAlias.run(accountId, region, aliasName).changes === 1;
  }

  async listAliases(accountId: string, region: string, keyId: string | undefined, after: string | undefined, limit: number): Promise<Page<AliasRecord>> {
    const rows = (keyId === undefined
      ? this.q.listAliases.all(accountId, region, after ?? '', limit + 1)
      : this.q.listAliasesOfKey.all(accountId, region, keyId, after ?? '', limit + 1)) as Row[];
    const items = rows.slice(0, limit).map(aliasOf);
    return { items, next: rows.length > limit ? items[items.length - 1].aliasName : undefined };
  }

  async countKeysByState(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const row of this.q.countByState.all() as Row[]) out[String(row.state)] = Number(row.n);
    return out;
  }

  async countAliasesForKey(accountId: string, region: string, keyId: string): Promise<number> {
    return (this.q.countAliasesOfKey.get(accountId, region, keyId) as { n: number }).n;
  }


  async createGrant(g: GrantRecord): Promise<void> {
    this.q.insertGrant.run(g.accountId, g.region, g.keyId, g.grantId, g.name ?? null, g.retiringPrincipal ?? null, g.tokenHash, JSON.stringify(g));
  }

  async grantsForKey(accountId: string, region: string, keyId: string): Promise<GrantRecord[]> {
    return (this.q.grantsOfKey.all(accountId, region, keyId, '', -1) as Row[]).map(recordOf<GrantRecord>);
  }

  async grantById(grantId: string): Promise<GrantRecord | undefined> {
    const row = this.q.grantById.get(grantId) as Row | undefined;
    return row ? recordOf<GrantRecord>(row) : undefined;
  }

  async listGrants(accountId: string, region: string, keyId: string, after: string | undefined, limit: number): Promise<Page<GrantRecord>> {
    return pageOf((this.q.grantsOfKey.all(accountId, region, keyId, after ?? '', limit + 1) as Row[]).map(recordOf<GrantRecord>), limit, (g) => g.grantId);
  }

  async listRetirableGrants(accountId: string, region: string, retiringPrincipal: string, after: string | undefined, limit: number): Promise<Page<GrantRecord>> {
    return pageOf((this.q.retirableGrants.all(accountId, region, retiringPrincipal, after ?? '', limit + 1) as Row[]).map(recordOf<GrantRecord>), limit, (g) => g.grantId);
  }

  async deleteGrant(accountId: string, region: string, keyId: string, grantId: string): Promise<boolean> {
    return this.q.deleteGrant.run(accountId, region, keyId, grantId).changes === 1;
  }
}

/** Thrown inside a transaction to roll it back when one record of a batch is stale. */
class StaleRevision extends Error {}

function prepareStatements(db: SqlDatabase) {
  return {
    insertKey: db.prepare(
      'INSERT INTO keys (account_id, region, key_id, state, deletion_date, valid_to, rotation_due, revision, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    getKey: db.prepare('SELECT record FROM keys WHERE account_id = ? AND region = ? AND key_id = ?'),
    updateKey: db.prepare(
      'UPDATE keys SET state = ?, deletion_date = ?, valid_to = ?, rotation_due = ?, revision = ?, record = ? WHERE account_id = ? AND region = ? AND key_id = ? AND revision = ?',
    ),
    materialExpired: db.prepare('SELECT record FROM keys WHERE valid_to IS NOT NULL AND valid_to <= ? ORDER BY valid_to LIMIT ?'),
    upsertMaterial: db.prepare(
      'INSERT INTO key_materials (account_id, region, key_id, version, material_id, wrapped, created_at, rotation_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (account_id, region, key_id, version) DO UPDATE SET material_id = excluded.material_id, wrapped = excluded.wrapped, ' +
        'created_at = excluded.created_at, rotation_type = excluded.rotation_type',
    ),
    deleteMaterial: db.prepare('DELETE FROM key_materials WHERE account_id = ? AND region = ? AND key_id = ? AND version = ?'),
    deleteDueKey: db.prepare(
      "DELETE FROM keys WHERE account_id = ? AND region = ? AND key_id = ? AND state = 'PendingDeletion' AND deletion_date <= ?",
    ),
    listKeys: db.prepare('SELECT record FROM keys WHERE account_id = ? AND region = ? AND key_id > ? ORDER BY key_id LIMIT ?'),
    dueForDeletion: db.prepare(
      "SELECT record FROM keys WHERE state = 'PendingDeletion' AND deletion_date <= ? ORDER BY deletion_date LIMIT ?",
    ),
    insertMaterial: db.prepare(
      'INSERT INTO key_materials (account_id, region, key_id, version, material_id, wrapped, created_at, rotation_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    insertKeyIfAbsent: db.prepare(
      'INSERT OR IGNORE INTO keys (account_id, region, key_id, state, deletion_date, valid_to, rotation_due, revision, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    regionsOfKey: db.prepare('SELECT record FROM keys WHERE account_id = ? AND key_id = ? ORDER BY region'),
    getMaterial: db.prepare(
      'SELECT version, material_id, wrapped, created_at, rotation_type FROM key_materials WHERE account_id = ? AND region = ? AND key_id = ? AND version = ?',
    ),
    listMaterials: db.prepare(
      'SELECT version, material_id, wrapped, created_at, rotation_type FROM key_materials WHERE account_id = ? AND region = ? AND key_id = ? AND version > ? ORDER BY version LIMIT ?',
    ),
    dueForRotation: db.prepare(
      "SELECT record FROM keys WHERE state = 'Enabled' AND rotation_due IS NOT NULL AND rotation_due <= ? ORDER BY rotation_due LIMIT ?",
    ),
    acquireLease: db.prepare(
      'INSERT INTO scheduler_leases (name, owner, expires_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT(name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at ' +
        'WHERE scheduler_leases.owner = excluded.owner OR scheduler_leases.expires_at <= ?',
    ),
    upsertPeerPush: db.prepare(
      'INSERT INTO peer_pushes (account_id, key_id, peer_region, version) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (account_id, key_id, peer_region) DO UPDATE SET version = max(peer_pushes.version, excluded.version)',
    ),
    pendingPeerPushes: db.prepare('SELECT account_id, key_id, peer_region, version FROM peer_pushes ORDER BY account_id, key_id, peer_region LIMIT ?'),
    clearPeerPush: db.prepare('DELETE FROM peer_pushes WHERE account_id = ? AND key_id = ? AND peer_region = ? AND version <= ?'),
    releaseLease: db.prepare('DELETE FROM scheduler_leases WHERE name = ? AND owner = ?'),
    deleteMaterials: db.prepare('DELETE FROM key_materials WHERE account_id = ? AND region = ? AND key_id = ?'),
    insertAlias: db.prepare(
      'INSERT OR IGNORE INTO aliases (account_id, region, alias_name, target_key_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    getAlias: db.prepare('SELECT * FROM aliases WHERE account_id = ? AND region = ? AND alias_name = ?'),
    updateAlias: db.prepare('UPDATE aliases SET target_key_id = ?, updated_at = ? WHERE account_id = ? AND region = ? AND alias_name = ?'),
    deleteAlias: db.prepare('DELETE FROM aliases WHERE account_id = ? AND region = ? AND alias_name = ?'),
    deleteAliasesOfKey: db.prepare('DELETE FROM aliases WHERE account_id = ? AND region = ? AND target_key_id = ?'),
    listAliases: db.prepare('SELECT * FROM aliases WHERE account_id = ? AND region = ? AND alias_name > ? ORDER BY alias_name LIMIT ?'),
    listAliasesOfKey: db.prepare(
      'SELECT * FROM aliases WHERE account_id = ? AND region = ? AND target_key_id = ? AND alias_name > ? ORDER BY alias_name LIMIT ?',
    ),
    insertGrant: db.prepare(
      'INSERT INTO grants (account_id, region, key_id, grant_id, name, retiring_principal, token_hash, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    grantsOfKey: db.prepare('SELECT record FROM grants WHERE account_id = ? AND region = ? AND key_id = ? AND grant_id > ? ORDER BY grant_id LIMIT ?'),
    grantById: db.prepare('SELECT record FROM grants WHERE grant_id = ?'),
    retirableGrants: db.prepare(
      'SELECT record FROM grants WHERE account_id = ? AND region = ? AND retiring_principal = ? AND grant_id > ? ORDER BY grant_id LIMIT ?',
    ),
    deleteGrant: db.prepare('DELETE FROM grants WHERE account_id = ? AND region = ? AND key_id = ? AND grant_id = ?'),
    deleteGrantsOfKey: db.prepare('DELETE FROM grants WHERE account_id = ? AND region = ? AND key_id = ?'),
    countByState: db.prepare('SELECT state, count(*) AS n FROM keys GROUP BY state'),
    countAliasesOfKey: db.prepare('SELECT count(*) AS n FROM aliases WHERE account_id = ? AND region = ? AND target_key_id = ?'),
  };
}
