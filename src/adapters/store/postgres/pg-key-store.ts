/**
 * KeyStore on PostgreSQL. Each method is one statement (autocommit) or one
 * transaction, acknowledged only after COMMIT, which with synchronous_commit
 * on (checked at open) means flushed to the WAL on disk. updateKey is a
 * compare-and-set on `revision`: under READ COMMITTED a concurrent writer of
 * the same row waits, then re-checks the revision, so exactly one wins.
 */
import type { AliasRecord, KeyMaterialRecord, KeyRecord } from '../../../domain/key-model.js';
import type { GrantRecord } from '../../../domain/grants.js';
import type { KeyStore, Page, PeerPush } from '../../../ports/key-store.js';
import { statement as s, type PgDatabase, type Queryable } from './pg-database.js';
import { aliasOf, materialOf, pageOf, peerPushOf, recordOf, rotationDueOf } from '../key-rows.js';

/** Thrown inside a transaction to roll it back when one record of a batch is stale. */
class StaleRevision extends Error {}

const KEY = 'account_id = $1 AND region = $2 AND key_id = $3';
const ALIAS_COLUMNS = 'account_id, region, alias_name, target_key_id, created_at, updated_at';

const Q = {
  // One statement, so the key and its first material are created together or not at all.
  createKey: s(
    'key_create',
    'WITH k AS (INSERT INTO keys (account_id, region, key_id, state, deletion_date, valid_to, rotation_due, revision, record) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)) ' +
      'INSERT INTO key_materials (account_id, region, key_id, version, material_id, wrapped, created_at, rotation_type) VALUES ($1, $2, $3, $10, $11, $12, $13, $14)',
  ),
  createKeyWithoutMaterial: s(
    'key_create_empty',
    'INSERT INTO keys (account_id, region, key_id, state, deletion_date, valid_to, rotation_due, revision, record) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
  ),
  upsertMaterial: s(
    'material_upsert',
    'INSERT INTO key_materials (account_id, region, key_id, version, material_id, wrapped, created_at, rotation_type) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ' +
      'ON CONFLICT (account_id, region, key_id, version) DO UPDATE SET material_id = excluded.material_id, wrapped = excluded.wrapped, ' +
      'created_at = excluded.created_at, rotation_type = excluded.rotation_type',
  ),
  deleteMaterial: s('material_delete', `DELETE FROM key_materials WHERE ${KEY} AND version = $4`),
  materialExpired: s(
    'key_material_expired',
    'SELECT record FROM keys WHERE valid_to IS NOT NULL AND valid_to <= $1 ORDER BY valid_to, account_id, region, key_id LIMIT $2',
  ),
  getKey: s('key_get', `SELECT record FROM keys WHERE ${KEY}`),
  updateKey: s(
    'key_update',
    `UPDATE keys SET state = $4, deletion_date = $5, valid_to = $6, rotation_due = $7, revision = $8, record = $9 WHERE ${KEY} AND revision = $10`,
  ),
  deleteDueKey: s('key_delete_due', `DELETE FROM keys WHERE ${KEY} AND state = 'PendingDeletion' AND deletion_date <= $4`),
  deleteMaterials: s('key_delete_materials', `DELETE FROM key_materials WHERE ${KEY}`),
  deleteAliasesOfKey: s('key_delete_aliases', 'DELETE FROM aliases WHERE account_id = $1 AND region = $2 AND target_key_id = $3'),
  deleteGrantsOfKey: s('key_delete_grants', `DELETE FROM grants WHERE ${KEY}`),
  listKeys: s('key_list', 'SELECT record FROM keys WHERE account_id = $1 AND region = $2 AND key_id > $3 ORDER BY key_id LIMIT $4'),
  dueForDeletion: s(
    'key_due',
    "SELECT record FROM keys WHERE state = 'PendingDeletion' AND deletion_date <= $1 ORDER BY deletion_date, account_id, region, key_id LIMIT $2",
  ),
  insertKeyIfAbsent: s(
    'key_create_if_absent',
    'INSERT INTO keys (account_id, region, key_id, state, deletion_date, valid_to, rotation_due, revision, record) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ' +
      'ON CONFLICT (account_id, region, key_id) DO NOTHING',
  ),
  regionsOfKey: s('key_regions', 'SELECT record FROM keys WHERE account_id = $1 AND key_id = $2 ORDER BY region'),
  getMaterial: s('material_get', `SELECT version, material_id, wrapped, created_at, rotation_type FROM key_materials WHERE ${KEY} AND version = $4`),
  insertMaterial: s(
    'material_insert',
    'INSERT INTO key_materials (account_id, region, key_id, version, material_id, wrapped, created_at, rotation_type) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ' +
      'ON CONFLICT DO NOTHING',
  ),
  listMaterials: s(
    'material_list',
    `SELECT version, material_id, wrapped, created_at, rotation_type FROM key_materials WHERE ${KEY} AND version > $4 ORDER BY version LIMIT $5`,
  ),
  dueForRotation: s(
    'key_due_rotation',
    "SELECT record FROM keys WHERE state = 'Enabled' AND rotation_due IS NOT NULL AND rotation_due <= $1 " +
      'ORDER BY rotation_due, account_id, region, key_id LIMIT $2',
  ),
  acquireLease: s(
    'lease_acquire',
    'INSERT INTO scheduler_leases (name, owner, expires_at) VALUES ($1, $2, $3) ' +
      'ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at ' +
      'WHERE scheduler_leases.owner = excluded.owner OR scheduler_leases.expires_at <= $4',
  ),
  upsertPeerPush: s(
    'peer_push_upsert',
    'INSERT INTO peer_pushes (account_id, key_id, peer_region, version) VALUES ($1, $2, $3, $4) ' +
      'ON CONFLICT (account_id, key_id, peer_region) DO UPDATE SET version = GREATEST(peer_pushes.version, excluded.version)',
  ),
  pendingPeerPushes: s('peer_push_pending', 'SELECT account_id, key_id, peer_region, version FROM peer_pushes ORDER BY account_id, key_id, peer_region LIMIT $1'),
  clearPeerPush: s('peer_push_clear', 'DELETE FROM peer_pushes WHERE account_id = $1 AND key_id = $2 AND peer_region = $3 AND version <= $4'),
  releaseLease: s('lease_release', 'DELETE FROM scheduler_leases WHERE name = $1 AND owner = $2'),

  insertAlias: s(
    'alias_create',
    `INSERT INTO aliases (${ALIAS_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, region, alias_name) DO NOTHING`,
  ),
  getAlias: s('alias_get', `SELECT ${ALIAS_COLUMNS} FROM aliases WHERE account_id = $1 AND region = $2 AND alias_name = $3`),
  updateAlias: s('alias_update', 'UPDATE aliases SET target_key_id = $4, updated_at = $5 WHERE account_id = $1 AND region = $2 AND alias_name = $3'),
  deleteAlias: s('alias_delete', 'DELETE FROM aliases WHERE account_id = $1 AND region = $2 AND alias_name = $3'),
  listAliases: s(
    'alias_list',
    `SELECT ${ALIAS_COLUMNS} FROM aliases WHERE account_id = $1 AND region = $2 AND alias_name > $3 ORDER BY alias_name LIMIT $4`,
  ),
  listAliasesOfKey: s(
    'alias_list_of_key',
    `SELECT ${ALIAS_COLUMNS} FROM aliases WHERE account_id = $1 AND region = $2 AND target_key_id = $3 AND alias_name > $4 ORDER BY alias_name LIMIT $5`,
  ),
  countByState: s('key_count_by_state', 'SELECT state, count(*) AS n FROM keys GROUP BY state'),
  countAliasesOfKey: s('alias_count_of_key', 'SELECT count(*) AS n FROM aliases WHERE account_id = $1 AND region = $2 AND target_key_id = $3'),

  insertGrant: s(
    'grant_create',
    'INSERT INTO grants (account_id, region, key_id, grant_id, name, retiring_principal, token_hash, record) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
  ),
  allGrantsOfKey: s('grant_all_of_key', `SELECT record FROM grants WHERE ${KEY} ORDER BY grant_id`),
  grantsOfKey: s('grant_list', `SELECT record FROM grants WHERE ${KEY} AND grant_id > $4 ORDER BY grant_id LIMIT $5`),
  grantById: s('grant_by_id', 'SELECT record FROM grants WHERE grant_id = $1 LIMIT 1'),
  retirableGrants: s(
    'grant_retirable',
    'SELECT record FROM grants WHERE account_id = $1 AND region = $2 AND retiring_principal = $3 AND grant_id > $4 ORDER BY grant_id LIMIT $5',
  ),
  deleteGrant: s('grant_delete', `DELETE FROM grants WHERE ${KEY} AND grant_id = $4`),
};

/** The columns of a key row in Q.createKey / Q.insertKeyIfAbsent order. */
function keyRow(key: KeyRecord): unknown[] {
  return [
    key.accountId, key.region, key.keyId, key.state, key.deletionDate ?? null, key.validTo ?? null, rotationDueOf(key), key.revision, JSON.stringify(key),
  ];
}

/** Compare-and-set of a key record on its previous revision (see updateKey). */
async function casKey(q: Queryable, key: KeyRecord): Promise<boolean> {
  return (await q.run(Q.updateKey, [...keyRow(key), key.revision - 1])).rowCount === 1;
}

/** Thrown inside addMaterialVersion's transaction to roll it back when the version exists. */
class VersionExists extends Error {}

export class PgKeyStore implements KeyStore {
  /** `db` is shared with the other PostgreSQL stores of the same database; see open-postgres.ts. */
  constructor(private readonly db: PgDatabase) {}

  async createKey(key: KeyRecord, m?: KeyMaterialRecord): Promise<void> {
    if (!m) {
      await this.db.run(Q.createKeyWithoutMaterial, keyRow(key));
      return;
    }
    await this.db.run(Q.createKey, [...keyRow(key), m.version, m.materialId, m.wrapped, m.createdAt, m.rotationType ?? null]);
  }

  async getKey(accountId: string, region: string, keyId: string): Promise<KeyRecord | undefined> {
    const { rows } = await this.db.run(Q.getKey, [accountId, region, keyId]);
    return rows.length ? recordOf<KeyRecord>(rows[0]) : undefined;
  }

  async updateKey(key: KeyRecord): Promise<boolean> {
    return casKey(this.db, key);
  }

  async addMaterialVersion(key: KeyRecord, m: KeyMaterialRecord): Promise<boolean> {
    // The CAS locks the key row, so writers of the same key serialise; a version that already exists rolls back.
    const added = await this.db.transaction(async (tx) => {
      if (!(await casKey(tx, key))) return false;
      const inserted = await tx.run(Q.insertMaterial, [m.accountId, m.region, m.keyId, m.version, m.materialId, m.wrapped, m.createdAt, m.rotationType ?? null]);
      if (inserted.rowCount !== 1) throw new VersionExists();
      return true;
    }).catch((e) => {
      if (e instanceof VersionExists) return false;
      throw e;
    });
    return added;
  }

  async addMaterialVersions(keys: KeyRecord[], materials: KeyMaterialRecord[], peerPushes: PeerPush[] = []): Promise<boolean> {
    // Each CAS locks its key row, so writers of the same key serialise; an existing version rolls everything back.
    try {
      return await this.db.transaction(async (tx) => {
        for (const key of keys) {
          if (!(await casKey(tx, key))) throw new StaleRevision();
        }
        for (const m of materials) {
          const inserted = await tx.run(Q.insertMaterial, [m.accountId, m.region, m.keyId, m.version, m.materialId, m.wrapped, m.createdAt, m.rotationType ?? null]);
          if (inserted.rowCount !== 1) throw new StaleRevision();
        }
        for (const p of peerPushes) await tx.run(Q.upsertPeerPush, [p.accountId, p.keyId, p.peerRegion, p.version]);
        return true;
      });
    } catch (e) {
      if (e instanceof StaleRevision) return false;
      throw e;
    }
  }

  async pendingPeerPushes(limit: number): Promise<PeerPush[]> {
    return (await this.db.run(Q.pendingPeerPushes, [limit])).rows.map(peerPushOf);
  }

  async clearPeerPush(p: PeerPush): Promise<void> {
    await this.db.run(Q.clearPeerPush, [p.accountId, p.keyId, p.peerRegion, p.version]);
  }

  async listMaterials(accountId: string, region: string, keyId: string, afterVersion: number, limit: number): Promise<Page<KeyMaterialRecord>> {
    const { rows } = await this.db.run(Q.listMaterials, [accountId, region, keyId, afterVersion, limit + 1]);
    return pageOf(rows.map((r) => materialOf(accountId, region, keyId, r)), limit, (m) => String(m.version));
  }

  async keysDueForRotation(now: number, limit: number): Promise<KeyRecord[]> {
    return (await this.db.run(Q.dueForRotation, [now, limit])).rows.map((r) => recordOf<KeyRecord>(r));
  }

  async acquireLease(name: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
    return (await this.db.run(Q.acquireLease, [name, owner, now + ttlMs, now])).rowCount === 1;
  }

  async releaseLease(name: string, owner: string): Promise<void> {
    await this.db.run(Q.releaseLease, [name, owner]);
  }

  async putImportedMaterial(key: KeyRecord, m: KeyMaterialRecord): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await casKey(tx, key))) return false;
      await tx.run(Q.upsertMaterial, [m.accountId, m.region, m.keyId, m.version, m.materialId, m.wrapped, m.createdAt, m.rotationType ?? null]);
      return true;
    });
  }

  async deleteImportedMaterial(key: KeyRecord, version: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if (!(await casKey(tx, key))) return false;
      await tx.run(Q.deleteMaterial, [key.accountId, key.region, key.keyId, version]);
      return true;
    });
  }

  async keysWithExpiredMaterial(now: number, limit: number): Promise<KeyRecord[]> {
    return (await this.db.run(Q.materialExpired, [now, limit])).rows.map((r) => recordOf<KeyRecord>(r));
  }

  async deleteKeyIfDue(accountId: string, region: string, keyId: string, now: number): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      if ((await tx.run(Q.deleteDueKey, [accountId, region, keyId, now])).rowCount !== 1) return false;
      const params = [accountId, region, keyId];
      await tx.run(Q.deleteAliasesOfKey, params);
      await tx.run(Q.deleteMaterials, params);
      await tx.run(Q.deleteGrantsOfKey, params);
      return true;
    });
  }

  async listKeys(accountId: string, region: string, after: string | undefined, limit: number): Promise<Page<KeyRecord>> {
    const { rows } = await this.db.run(Q.listKeys, [accountId, region, after ?? '', limit + 1]);
    const items = rows.slice(0, limit).map((r) => recordOf<KeyRecord>(r));
    return { items, next: rows.length > limit ? items[items.length - 1].keyId : undefined };
  }

  async keysDueForDeletion(now: number, limit: number): Promise<KeyRecord[]> {
    return (await this.db.run(Q.dueForDeletion, [now, limit])).rows.map((r) => recordOf<KeyRecord>(r));
  }

  async getMaterial(accountId: string, region: string, keyId: string, version: number): Promise<KeyMaterialRecord | undefined> {
    const { rows } = await this.db.run(Q.getMaterial, [accountId, region, keyId, version]);
    return rows.length ? materialOf(accountId, region, keyId, rows[0]) : undefined;
  }

  async multiRegionKeys(accountId: string, keyId: string): Promise<KeyRecord[]> {
    return (await this.db.run(Q.regionsOfKey, [accountId, keyId])).rows.map((r) => recordOf<KeyRecord>(r));
  }

  async createReplicaKey(key: KeyRecord, materials: KeyMaterialRecord[]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const created = await tx.run(Q.insertKeyIfAbsent, keyRow(key));
      if (created.rowCount !== 1) return false;
      for (const m of materials) {
        await tx.run(Q.insertMaterial, [m.accountId, m.region, m.keyId, m.version, m.materialId, m.wrapped, m.createdAt, m.rotationType ?? null]);
      }
      return true;
    });
  }

  async updateKeys(keys: KeyRecord[]): Promise<boolean> {
    try {
      return await this.db.transaction(async (tx) => {
        for (const key of keys) {
          if (!(await casKey(tx, key))) throw new StaleRevision();
        }
        return true;
      });
    } catch (e) {
      if (e instanceof StaleRevision) return false;
      throw e;
    }
  }

  async createAlias(a: AliasRecord): Promise<boolean> {
    return (await this.db.run(Q.insertAlias, [a.accountId, a.region, a.aliasName, a.targetKeyId, a.createdAt, a.updatedAt])).rowCount === 1;
  }

  async getAlias(accountId: string, region: string, aliasName: string): Promise<AliasRecord | undefined> {
    const { rows } = await this.db.run(Q.getAlias, [accountId, region, aliasName]);
    return rows.length ? aliasOf(rows[0]) : undefined;
  }

  async updateAlias(a: AliasRecord): Promise<boolean> {
    return (await this.db.run(Q.updateAlias, [a.accountId, a.region, a.aliasName, a.targetKeyId, a.updatedAt])).rowCount === 1;
  }

  async deleteAlias(accountId: string, region: string, aliasName: string): Promise<boolean> {
    return (await this.db.run(Q.deleteAlias, [accountId, region, aliasName])).rowCount === 1;
  }

  async listAliases(accountId: string, region: string, keyId: string | undefined, after: string | undefined, limit: number): Promise<Page<AliasRecord>> {
    const { rows } = keyId === undefined
      ? await this.db.run(Q.listAliases, [accountId, region, after ?? '', limit + 1])
      : await this.db.run(Q.listAliasesOfKey, [accountId, region, keyId, after ?? '', limit + 1]);
    const items = rows.slice(0, limit).map(aliasOf);
    return { items, next: rows.length > limit ? items[items.length - 1].aliasName : undefined };
  }

  async countKeysByState(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const row of (await this.db.run(Q.countByState, [])).rows) out[String(row.state)] = Number(row.n);
    return out;
  }

  async countAliasesForKey(accountId: string, region: string, keyId: string): Promise<number> {
    return Number((await this.db.run(Q.countAliasesOfKey, [accountId, region, keyId])).rows[0].n);
  }

  async createGrant(g: GrantRecord): Promise<void> {
    await this.db.run(Q.insertGrant, [g.accountId, g.region, g.keyId, g.grantId, g.name ?? null, g.retiringPrincipal ?? null, g.tokenHash, JSON.stringify(g)]);
  }

  async grantsForKey(accountId: string, region: string, keyId: string): Promise<GrantRecord[]> {
    return (await this.db.run(Q.allGrantsOfKey, [accountId, region, keyId])).rows.map((r) => recordOf<GrantRecord>(r));
  }

  async grantById(grantId: string): Promise<GrantRecord | undefined> {
    const { rows } = await this.db.run(Q.grantById, [grantId]);
    return rows.length ? recordOf<GrantRecord>(rows[0]) : undefined;
  }

  async listGrants(accountId: string, region: string, keyId: string, after: string | undefined, limit: number): Promise<Page<GrantRecord>> {
    const { rows } = await this.db.run(Q.grantsOfKey, [accountId, region, keyId, after ?? '', limit + 1]);
    return pageOf(rows.map((r) => recordOf<GrantRecord>(r)), limit, (g) => g.grantId);
  }

  async listRetirableGrants(accountId: string, region: string, retiringPrincipal: string, after: string | undefined, limit: number): Promise<Page<GrantRecord>> {
    const { rows } = await this.db.run(Q.retirableGrants, [accountId, region, retiringPrincipal, after ?? '', limit + 1]);
    return pageOf(rows.map((r) => recordOf<GrantRecord>(r)), limit, (g) => g.grantId);
  }

  async deleteGrant(accountId: string, region: string, keyId: string, grantId: string): Promise<boolean> {
    return (await this.db.run(Q.deleteGrant, [accountId, region, keyId, grantId])).rowCount === 1;
  }
}

