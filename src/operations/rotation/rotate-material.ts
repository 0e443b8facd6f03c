/**
 * Adds a new key-material version to a key and makes it current: the one
 * place a key's material changes after CreateKey (on-demand and automatic
 * rotation both come here). New ciphertext uses the new version; every
 * earlier version stays stored, so ciphertext under it still decrypts. The
 * key id, ARN, aliases, policy and grants do not change.
 *
 * The new version and the key record are written together, compare-and-set
 * on the key's revision: of two writers (two nodes, or a request racing the
 * scheduler) exactly one adds the version; the other re-reads the key and
 * asks `change` again, which may then decline (return undefined).
 *
 * Extension points: multi-Region replication copies the committed version to
 * the key's replicas after `addMaterialVersion` succeeds (see
 * `onCommitted`); imported key material (EXTERNAL origin) supplies its own
 * material instead of generating it and is not handled here.
 */
import { err } from '../../domain/errors.js';
import type { KeyMaterialRecord, KeyRecord, RotationType } from '../../domain/key-model.js';
import type { Deps } from '../context.js';
import { materialAad } from '../material-cache.js';
import { commitRotation } from '../multi-region/rotation-replication.js';
import { pushToPeers } from '../multi-region/material-push.js';

const MAX_ATTEMPTS = 8;

export interface RotateOptions {
  type: RotationType;
  /**
   * Applied to a copy of the latest key record before the new version is
   * added (the rotation's own bookkeeping: counters, next dates). May throw a
   * KmsError to refuse, or return undefined when the rotation no longer
   * applies (another writer already rotated).
   */
  change: (key: KeyRecord) => KeyRecord | undefined;
  /** Runs once, before anything is written, with the new material's id (the scheduler records its audit event here). */
  beforeCommit?: (materialId: string) => Promise<void>;
  /** Runs after the version is committed (multi-Region replication hooks in here). */
  onCommitted?: (key: KeyRecord, material: KeyMaterialRecord) => Promise<void>;
}

export interface Rotated {
  key: KeyRecord;
  material: KeyMaterialRecord;
}

/** The version number a new material of `key` gets. */
function nextVersionOf(key: KeyRecord): number {
  return key.currentMaterialVersion + 1;
}

/** Generated symmetric material for a new version of `key` (AWS_KMS origin). */
function generateMaterial(deps: Deps): Buffer {
  return deps.random.bytes(32);
}

/** Rotates `initial`'s material; undefined when `change` declined. */
export async function rotateMaterial(deps: Deps, initial: KeyRecord, options: RotateOptions): Promise<Rotated | undefined> {
  const material = generateMaterial(deps);
  const materialId = deps.random.bytes(32).toString('hex');
  let announced = false;
  let current = initial;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const changed = options.change(structuredClone(current));
    if (!changed) return undefined;
    const now = deps.clock.now();
    const record: KeyMaterialRecord = {
      accountId: current.accountId,
      region: current.region,
      keyId: current.keyId,
      version: nextVersionOf(current),
      materialId,
      wrapped: Buffer.alloc(0),
      createdAt: now,
      rotationType: options.type,
    };
    // The wrapping is bound to the version, so it is redone if a retry moves the version on.
    record.wrapped = await deps.rootKey.wrap(material, materialAad(record));
    const next: KeyRecord = { ...changed, currentMaterialVersion: record.version, currentMaterialId: materialId, revision: current.revision + 1 };
    if (!announced) {
      await options.beforeCommit?.(materialId);
      announced = true;
    }
    // Multi-Region primaries: committed with every local replica, then pushed to peer deployments.
    if (await commitRotation(deps, next, record)) {
      deps.materials.rememberRecord(record, material);
      await pushToPeers(next, deps);
      await options.onCommitted?.(next, record);
      return { key: next, material: record };
    }
    const reread = await deps.store.getKey(current.accountId, current.region, current.keyId);
    if (!reread) throw err.notFound(`Key '${current.keyId}' does not exist`);
    current = reread;
  }
  throw err.internal();
}
