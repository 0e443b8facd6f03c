/**
 * Deletion of multi-Region keys across deployments. A primary records the
 * regions its peer deployments hold (KeyRecord.peerRegions) and waits in
 * PendingReplicaDeletion for them as for local replicas. When a replica's
 * scheduled deletion completes in a peer deployment that has a link back to
 * the primary's region, that deployment records a pending push to the
 * primary's region (before the deletion, so a crash between cannot lose it)
 * and sends TrentReplicaDeleted; the scheduler's catch-up retries it.
 *
 * The notice names only the key: the primary's deployment asks each peer
 * region of the key itself (TrentDescribeReplica, through its own pinned
 * link) whether the replica is still there, drops the regions that answer
 * NotFoundException, and starts the primary's deletion window when no
 * replica is left anywhere. A peer can therefore not make a primary forget a
 * replica that exists.
 */
import { err } from '../../domain/errors.js';
import { isMultiRegionKeyId, keyArn } from '../../domain/key-ids.js';
import type { KeyRecord } from '../../domain/key-model.js';
import { isMultiRegionPrimary } from '../../domain/multi-region.js';
import type { PeerPush } from '../../ports/key-store.js';
import { authorizeAccountAction } from '../authorization/authorize.js';
import { noteKey, type Deps, type Handler } from '../context.js';
import { DESCRIBE_REPLICA, REPLICA_DELETED } from './peers.js';
import { startPrimaryWaitingPeriod } from './replica-deletion.js';

const MAX_ATTEMPTS = 8;

/** The pending notice a replica's deletion owes the primary's deployment, when a peer link serves the primary's region. */
export function deletionNoticeFor(replica: KeyRecord, deps: Deps): PeerPush | undefined {
  const primaryRegion = replica.primaryRegion;
  if (!replica.multiRegion || !primaryRegion || primaryRegion === replica.region) return undefined;
  if (!deps.replication?.peers.has(primaryRegion)) return undefined;
  return { accountId: replica.accountId, keyId: replica.keyId, peerRegion: primaryRegion, version: 0 };
}

/** Sends the notice of `push` (no primary of the key here); resolves whether the peer acknowledged. */
export async function deliverDeletionNotice(push: PeerPush, deps: Deps): Promise<boolean> {
  const peer = deps.replication?.peers.get(push.peerRegion);
  if (!peer) {
    await deps.store.clearPeerPush({ ...push, version: Number.MAX_SAFE_INTEGER });
    return false;
  }
  try {
    await peer.call(REPLICA_DELETED, { KeyId: push.keyId });
  } catch {
    return false;
  }
  await deps.store.clearPeerPush(push);
  return true;
}

/** Whether the replica of `keyId` in `region` (served by a peer) still exists, by asking that peer; undefined when it cannot be told. */
async function replicaExists(keyId: string, region: string, deps: Deps): Promise<boolean | undefined> {
  const peer = deps.replication?.peers.get(region);
  if (!peer) return undefined;
  try {
    await peer.call(DESCRIBE_REPLICA, { KeyId: keyId });
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'NotFoundException' ? false : undefined;
  }
}

/**
 * Re-checks the peer regions of multi-Region key `keyId` against the peers
 * serving them, forgets those whose replica is gone, and starts a waiting
 * primary's deletion window when no replica is left.
 */
export async function reconcilePeerRegions(accountId: string, keyId: string, deps: Deps): Promise<void> {
  const regions = await deps.store.multiRegionKeys(accountId, keyId);
  const remote = new Set(regions.flatMap((k) => k.peerRegions ?? []));
  const gone: string[] = [];
  for (const region of remote) if ((await replicaExists(keyId, region, deps)) === false) gone.push(region);
  if (gone.length > 0) {
    for (let attempt = 0; ; attempt++) {
      const current = await deps.store.multiRegionKeys(accountId, keyId);
      const next = current.map((k) => ({ ...k, peerRegions: (k.peerRegions ?? []).filter((r) => !gone.includes(r)), revision: k.revision + 1 }));
      if (await deps.store.updateKeys(next)) break;
      if (attempt + 1 >= MAX_ATTEMPTS) throw err.internal();
    }
  }
  await startPrimaryWaitingPeriod(deps, accountId, keyId, deps.clock.now());
}

/** TrentReplicaDeleted: a peer deployment reports that a replica of a primary in this region was deleted there. */
export const acceptReplicaDeleted: Handler = async (input, ctx, deps) => {
  if (!deps.replication) throw err.unsupported('This deployment does not accept multi-Region replicas from peers.');
  const keyId = input.KeyId;
  if (typeof keyId !== 'string' || !isMultiRegionKeyId(keyId)) throw err.validation('Invalid replica notice: KeyId must be a multi-Region key id');
  const accountId = ctx.caller.accountId;
  await authorizeAccountAction(deps, ctx, 'CreateKey', '*', { multiRegion: true });
  const arn = keyArn(ctx.region, accountId, keyId);
  const key = await deps.store.getKey(accountId, ctx.region, keyId);
  if (!key) throw err.notFound(`Key '${arn}' does not exist`);
  noteKey(ctx, arn);
  // Only a primary here tracks its replicas; a notice for anything else has nothing to change.
  if (isMultiRegionPrimary(key)) await reconcilePeerRegions(accountId, keyId, deps);
  return {};
};

/** TrentDescribeReplica: whether this region holds the key (NotFoundException otherwise), and which region it names as primary. */
export const describeReplica: Handler = async (input, ctx, deps) => {
  if (!deps.replication) throw err.unsupported('This deployment does not accept multi-Region replicas from peers.');
  const keyId = input.KeyId;
  if (typeof keyId !== 'string' || !isMultiRegionKeyId(keyId)) throw err.validation('Invalid replica query: KeyId must be a multi-Region key id');
  const accountId = ctx.caller.accountId;
  await authorizeAccountAction(deps, ctx, 'CreateKey', '*', { multiRegion: true });
  const arn = keyArn(ctx.region, accountId, keyId);
  const key = await deps.store.getKey(accountId, ctx.region, keyId);
  if (!key) throw err.notFound(`Key '${arn}' does not exist`);
  return { KeyId: arn, PrimaryRegion: key.primaryRegion ?? key.region, KeyState: key.state };
};
