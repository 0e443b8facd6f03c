/**
 * New material versions of a multi-Region primary reach replicas in peer
 * deployments. The primary's deployment seals every version to the peer's
 * pinned replication key (as for TrentAcceptReplica) and sends them with the
 * primary's current version and rotation settings in one SigV4-signed
 * TrentAcceptMaterial request. The peer authorizes the signing principal as
 * for a new replica (kms:CreateKey under its IAM policies), checks that the
 * key there is a replica of this primary, stores the versions it lacks
 * (idempotent by version: a version it has must carry the same material id)
 * and makes the primary's current version current.
 *
 * Catch-up: a push is recorded (KeyStore peer pushes) in the rotation's own
 * transaction and removed only when the peer acknowledged it; the scheduler
 * retries what is left (peer-push-job.ts), so a peer that was down receives
 * every missing version once it is back. Every push sends all versions, so
 * one successful push repairs any gap.
 */
import { err, KmsError } from '../../domain/errors.js';
import { isMultiRegionKeyId, keyArn } from '../../domain/key-ids.js';
import type { KeyRecord, RotationState } from '../../domain/key-model.js';
import { isMultiRegionPrimary } from '../../domain/multi-region.js';
import type { PeerPush } from '../../ports/key-store.js';
import { allMaterials } from '../all-materials.js';
import { authorizeAccountAction } from '../authorization/authorize.js';
import { noteKey, type Deps, type Handler } from '../context.js';
import { ACCEPT_MATERIAL } from './peers.js';
import { openMaterials, sealMaterials } from './remote-replica.js';
import { peerPushesFor } from './rotation-replication.js';
import { deliverDeletionNotice } from './remote-deletion.js';

const MAX_ATTEMPTS = 8;

/** Sends every material version of `primary` to the peer serving `peerRegion`; rejects with the peer's or the network's error. */
export async function pushMaterials(primary: KeyRecord, peerRegion: string, deps: Deps): Promise<void> {
  const peer = deps.replication?.peers.get(peerRegion);
  if (!peer) throw err.internal();
  await peer.call(ACCEPT_MATERIAL, {
    KeyId: primary.keyId,
    PrimaryRegion: primary.region,
    CurrentMaterialVersion: primary.currentMaterialVersion,
    CurrentMaterialId: primary.currentMaterialId,
    ...(primary.rotation ? { Rotation: primary.rotation } : {}),
    Materials: await sealMaterials(primary, peerRegion, peer, deps),
  });
}

/**
 * Delivers one pending push: reads the key's primary here, pushes, and clears
 * the push. Returns whether the peer acknowledged; a push whose key is no
 * longer a primary here is dropped. A push of version 0 to the region of a
 * key's primary, whose replica here is gone, is a deletion notice.
 */
export async function deliverPeerPush(push: PeerPush, deps: Deps): Promise<boolean> {
  const regions = await deps.store.multiRegionKeys(push.accountId, push.keyId);
  const primary = regions.find((k) => isMultiRegionPrimary(k));
  // No primary here: a replica of a primary in the peer's region was deleted here (remote-deletion.ts).
  if (!primary && push.version === 0 && !regions.some((k) => k.region === push.peerRegion)) return deliverDeletionNotice(push, deps);
  if (!primary || !deps.replication?.peers.has(push.peerRegion)) {
    await deps.store.clearPeerPush(push);
    return false;
  }
  try {
    await pushMaterials(primary, push.peerRegion, deps);
  } catch {
    return false;
  }
  await deps.store.clearPeerPush({ ...push, version: Math.max(push.version, primary.currentMaterialVersion) });
  return true;
}

/** After a change of `primary` committed with its pending pushes: delivers them now (failures stay pending for the scheduler). */
export async function pushToPeers(primary: KeyRecord, deps: Deps): Promise<void> {
  for (const push of peerPushesFor(primary, primary.currentMaterialVersion, deps)) await deliverPeerPush(push, deps);
}

function bad(message: string): KmsError {
  return err.validation(`Invalid material push: ${message}`);
}

/** TrentAcceptMaterial: a peer holding the primary sends its material versions to the replica in this region. */
export const acceptMaterial: Handler = async (input, ctx, deps) => {
  if (!deps.replication) throw err.unsupported('This deployment does not accept multi-Region replicas from peers.');
  const keyId = input.KeyId;
  if (typeof keyId !== 'string' || !isMultiRegionKeyId(keyId)) throw bad('KeyId must be a multi-Region key id');
  if (typeof input.PrimaryRegion !== 'string' || input.PrimaryRegion === ctx.region) throw bad('PrimaryRegion');
  const current = input.CurrentMaterialVersion;
  if (!Number.isInteger(current) || current < 1 || typeof input.CurrentMaterialId !== 'string') throw bad('current material');
  const materials = input.Materials;
  if (!Array.isArray(materials) || materials.length === 0) throw bad('Materials are required');
  for (const m of materials) {
    if (!Number.isInteger(m?.version) || m.version < 1 || typeof m.materialId !== 'string' || typeof m.envelope !== 'string' || !Number.isFinite(m.createdAt)) {
      throw bad('material version');
    }
    if (m.rotationType !== undefined && m.rotationType !== 'AUTOMATIC' && m.rotationType !== 'ON_DEMAND') throw bad('rotation type');
  }
  if (!materials.some((m: { version: number; materialId: string }) => m.version === current && m.materialId === input.CurrentMaterialId)) {
    throw bad('the current material version is missing');
  }
  const accountId = ctx.caller.accountId;
  const arn = keyArn(ctx.region, accountId, keyId);
  const initial = await deps.store.getKey(accountId, ctx.region, keyId);
  if (!initial) throw err.notFound(`Key '${arn}' does not exist`);
  const facts = { keySpec: initial.keySpec, keyUsage: initial.keyUsage, keyOrigin: initial.origin, multiRegion: true };
  await authorizeAccountAction(deps, ctx, 'CreateKey', '*', facts);
  if (initial.primaryRegion !== input.PrimaryRegion) throw bad(`${arn} is not a replica of the primary key in ${input.PrimaryRegion}`);
  noteKey(ctx, arn);

  let key = initial;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const have = new Map((await allMaterials(deps.store, accountId, ctx.region, keyId)).map((m) => [m.version, m.materialId]));
    for (const m of materials) {
      if (have.has(m.version) && have.get(m.version) !== m.materialId) throw bad(`material version ${m.version} differs from the one this replica has`);
    }
    const missing = materials.filter((m: { version: number }) => !have.has(m.version));
    const { records } = await openMaterials(accountId, keyId, ctx.region, missing, deps);
    const next: KeyRecord = structuredClone(key);
    if (current >= key.currentMaterialVersion) {
      next.currentMaterialVersion = current;
      next.currentMaterialId = input.CurrentMaterialId;
    }
    if (input.Rotation && typeof input.Rotation === 'object') next.rotation = input.Rotation as RotationState;
    next.revision = key.revision + 1;
    if (await deps.store.addMaterialVersions([next], records)) {
      return { KeyId: arn, CurrentMaterialVersion: next.currentMaterialVersion };
    }
    const reread = await deps.store.getKey(accountId, ctx.region, keyId);
    if (!reread) throw err.notFound(`Key '${arn}' does not exist`);
    key = reread;
  }
  throw err.internal();
};
