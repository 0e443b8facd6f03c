/**
 * UpdatePrimaryRegion to a region a peer deployment serves. The primary role
 * moves in two steps, the peer first:
 *
 * 1. The primary's deployment (A) sends TrentPromoteReplica, signed for the
 *    new primary region, with the old primary region, the key's regions and
 *    the rotation settings. The peer (B) authorizes A's principal for
 *    kms:UpdatePrimaryRegion on its replica (its key policy and IAM
 *    policies), requires a link of its own (`--replication-peer`) to every
 *    other region of the key, so that it can push rotations and be told of
 *    deletions, and names itself primary in every region it holds, taking
 *    the rotation settings and schedule.
 * 2. A then names the new region primary in every region it holds (one
 *    compare-and-set batch), keeping a copy of the settings its replicas
 *    report, and drops its pending pushes for the key.
 *
 * If A fails between the steps, both deployments report themselves primary
 * (DescribeKey in A still shows A's region as primary). Repeating
 * UpdatePrimaryRegion in A completes the move: B answers a promotion it
 * already made (it is primary and lists A's region) with success.
 */
import { err } from '../../domain/errors.js';
import { isMultiRegionKeyId, keyArn } from '../../domain/key-ids.js';
import type { KeyRecord, RotationState } from '../../domain/key-model.js';
import { isMultiRegionPrimary } from '../../domain/multi-region.js';
import { authorizeKeyAction } from '../authorization/authorize.js';
import { noteKey, type Deps, type Handler } from '../context.js';
import { PROMOTE_REPLICA, type PeerLink } from './peers.js';
import { knownRegions } from './remote-replica.js';

const MAX_ATTEMPTS = 8;

/** Moves the primary role of `primary` (here) to the peer serving `peer.region`; the caller was authorized here. */
export async function moveToPeer(primary: KeyRecord, peer: PeerLink, deps: Deps): Promise<void> {
  const regions = await knownRegions(primary.accountId, primary.keyId, deps);
  await peer.call(PROMOTE_REPLICA, {
    KeyId: primary.keyId,
    FromRegion: primary.region,
    Regions: regions,
    ...(primary.rotation ? { Rotation: primary.rotation } : {}),
  });
  await demote(primary.accountId, primary.keyId, primary.region, peer.region, deps);
  await deps.store.clearPeerPush({ accountId: primary.accountId, keyId: primary.keyId, peerRegion: peer.region, version: Number.MAX_SAFE_INTEGER });
}

/** Names `to` (a peer's region) the primary in every region this deployment holds, if `from` still is. */
async function demote(accountId: string, keyId: string, from: string, to: string, deps: Deps): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const regions = await deps.store.multiRegionKeys(accountId, keyId);
    const current = regions.find((k) => k.region === from);
    if (!current || !isMultiRegionPrimary(current)) return;
    const settings = current.rotation;
    const next = regions.map((k) => {
      const moved: KeyRecord = { ...k, primaryRegion: to, revision: k.revision + 1 };
      // Replicas report the primary's settings; this copy is refreshed by the new primary's pushes.
      if (settings) moved.rotation = settings;
      moved.peerRegions = [...new Set([...(k.peerRegions ?? []), to])].sort();
      return moved;
    });
    if (await deps.store.updateKeys(next)) return;
  }
  throw err.internal();
}

function bad(message: string) {
  return err.validation(`Invalid promotion request: ${message}`);
}

/** TrentPromoteReplica: the peer holding the primary hands the primary role to the replica in this region. */
export const promoteReplica: Handler = async (input, ctx, deps) => {
  if (!deps.replication) throw err.unsupported('This deployment does not accept multi-Region replicas from peers.');
  const keyId = input.KeyId;
  if (typeof keyId !== 'string' || !isMultiRegionKeyId(keyId)) throw bad('KeyId must be a multi-Region key id');
  const from = input.FromRegion;
  if (typeof from !== 'string' || from === ctx.region) throw bad('FromRegion');
  const regions = input.Regions;
  if (!Array.isArray(regions) || !regions.every((r) => typeof r === 'string') || !regions.includes(from) || !regions.includes(ctx.region)) {
    throw bad('Regions must list the key\'s regions');
  }
  const accountId = ctx.caller.accountId;
  const arn = keyArn(ctx.region, accountId, keyId);
  const replica = await deps.store.getKey(accountId, ctx.region, keyId);
  if (!replica) throw err.notFound(`Key '${arn}' does not exist`);
  noteKey(ctx, arn);
  // kms:UpdatePrimaryRegion on the new primary, under its key policy, for the principal the old primary's deployment signs with.
  await authorizeKeyAction(deps, ctx, { action: 'UpdatePrimaryRegion', key: replica, arn, facts: { primaryRegion: ctx.region } });
  if (isMultiRegionPrimary(replica)) {
    if ((replica.peerRegions ?? []).includes(from)) return { KeyId: arn };
    throw err.unsupported(`${arn} is not a multi-region replica key.`);
  }
  if (replica.primaryRegion !== from) throw bad(`${arn} is not a replica of the primary key in ${from}`);
  if (replica.state === 'PendingDeletion' || replica.state === 'PendingReplicaDeletion') throw err.invalidState(`${arn} is pending deletion.`);
  if (replica.state === 'Disabled') throw err.disabled(arn);

  const local = await deps.store.multiRegionKeys(accountId, keyId);
  const localRegions = new Set(local.map((k) => k.region));
  const remote = (regions as string[]).filter((r) => !localRegions.has(r));
  const unlinked = remote.filter((r) => !deps.replication!.peers.has(r));
  if (unlinked.length > 0) {
    throw err.unsupported(
      `${arn} cannot become the primary key: this deployment has no replication peer for ${unlinked.join(', ')}. Configure --replication-peer for ${unlinked.length > 1 ? 'those regions' : 'that region'} first.`,
    );
  }
  const rotation = input.Rotation && typeof input.Rotation === 'object' ? (input.Rotation as RotationState) : undefined;
  await promote(accountId, keyId, ctx.region, from, remote, rotation, deps);
  return { KeyId: arn };
};

/** Names `to` (here) the primary in every region this deployment holds, with the rotation settings and the key's remote regions. */
async function promote(accountId: string, keyId: string, to: string, from: string, remote: string[], rotation: RotationState | undefined, deps: Deps): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const regions = await deps.store.multiRegionKeys(accountId, keyId);
    const current = regions.find((k) => k.region === to);
    if (!current || current.primaryRegion !== from) throw err.internal();
    const next = regions.map((k) => {
      const moved: KeyRecord = { ...k, primaryRegion: to, peerRegions: [...new Set([...(k.peerRegions ?? []), ...remote])].sort(), revision: k.revision + 1 };
      if (k.region === to) {
        if (rotation) moved.rotation = rotation;
        else delete moved.rotation;
      }
      return moved;
    });
    if (await deps.store.updateKeys(next)) return;
  }
  throw err.internal();
}
