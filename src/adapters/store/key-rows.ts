/**
 * Row decoding and paging shared by the SQLite and PostgreSQL key stores:
 * both fetch `limit + 1` rows, so one more row than the page means more follow.
 */
import type { AliasRecord, KeyMaterialRecord, KeyRecord, RotationType } from '../../domain/key-model.js';
import type { Page, PeerPush } from '../../ports/key-store.js';

export type Row = Record<string, unknown>;

/** A record stored as JSON text in the `record` column. */
export function recordOf<T>(row: Row): T {
  return JSON.parse(row.record as string) as T;
}

/** A page of at most `limit` items from `limit + 1` rows; `position` names the cursor of the last item. */
export function pageOf<T>(rows: T[], limit: number, position: (item: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? position(items[items.length - 1]) : undefined };
}

export function aliasOf(row: Row): AliasRecord {
  return {
    accountId: row.account_id as string,
    region: row.region as string,
    aliasName: row.alias_name as string,
    targetKeyId: row.target_key_id as string,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/**
 * The indexed `rotation_due` column of a key: its next automatic rotation while
 * that is enabled, else null. Multi-Region replicas are never due: their
 * primary rotates and the new version reaches them.
 */
export function rotationDueOf(key: KeyRecord): number | null {
  if (key.multiRegion && key.primaryRegion !== undefined && key.primaryRegion !== key.region) return null;
  return key.rotation?.automatic && key.rotation.nextRotationDate !== undefined ? key.rotation.nextRotationDate : null;
}

/** A `key_materials` row (material_id, wrapped, created_at, version, rotation_type) of the named key. */
export function materialOf(accountId: string, region: string, keyId: string, row: Row): KeyMaterialRecord {
  const m: KeyMaterialRecord = {
    accountId,
    region,
    keyId,
    version: Number(row.version),
    materialId: row.material_id as string,
    wrapped: row.wrapped as Buffer,
    createdAt: Number(row.created_at),
  };
  if (row.rotation_type) m.rotationType = row.rotation_type as RotationType;
  return m;
}

/** A `peer_pushes` row. */
export function peerPushOf(row: Row): PeerPush {
  return { accountId: row.account_id as string, keyId: row.key_id as string, peerRegion: row.peer_region as string, version: Number(row.version) };
}
