/**
 * UpdatePrimaryRegion: the replica in PrimaryRegion becomes the primary and
 * the current primary a replica. Every region's record names the primary, so
 * all of them change together in one compare-and-set batch. AWS shows the two
 * keys as Updating for a few seconds; Trent's change is complete when the
 * call returns, so the transient state is never observable. A replica in a
 * peer deployment takes the role through that peer (remote-primary.ts).
 */
import { err } from '../../domain/errors.js';
import { keyArn } from '../../domain/key-ids.js';
import type { KeyRecord } from '../../domain/key-model.js';
import { isMultiRegionPrimary } from '../../domain/multi-region.js';
import { authorizeKeyAction } from '../authorization/authorize.js';
import { noteKey, type Deps, type Handler } from '../context.js';
import { resolveKey } from '../key-resolver.js';
import { assertReplicable as assertUpdatable, notPrimary } from './replicate-key.js';
import { moveToPeer } from './remote-primary.js';

const MAX_ATTEMPTS = 8;

export const updatePrimaryRegion: Handler = async (input, ctx, deps) => {
  const newPrimaryRegion: string = input.PrimaryRegion;
  const { key: primary, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  const facts = { primaryRegion: newPrimaryRegion };
  await authorizeKeyAction(deps, ctx, { action: 'UpdatePrimaryRegion', key: primary, arn, facts });
  if (!isMultiRegionPrimary(primary)) throw notPrimary(arn);
  if (newPrimaryRegion === primary.region) {
    throw err.validation(`${arn} is already the primary key in ${newPrimaryRegion}.`);
  }
  const replicaArn = keyArn(newPrimaryRegion, primary.accountId, primary.keyId);
  const replica = await deps.store.getKey(primary.accountId, newPrimaryRegion, primary.keyId);
  // A replica in a peer deployment: the peer authorizes and takes the primary role first (remote-primary.ts).
  const peer = deps.replication?.peers.get(newPrimaryRegion);
  if (!replica && peer && (primary.peerRegions ?? []).includes(newPrimaryRegion)) {
    noteKey(ctx, replicaArn);
    assertUpdatable(primary, arn);
    await moveToPeer(primary, peer, deps);
    return {};
  }
  if (!replica) throw err.notFound(`Key '${replicaArn}' does not exist`);
  noteKey(ctx, replicaArn);
  // kms:UpdatePrimaryRegion is also required on the replica, under its own key policy, in its region.
  await authorizeKeyAction(deps, { ...ctx, region: newPrimaryRegion }, { action: 'UpdatePrimaryRegion', key: replica, arn: replicaArn, facts });
  assertUpdatable(primary, arn);
  assertUpdatable(replica, replicaArn);
  await swapPrimary(deps, primary.accountId, primary.keyId, primary.region, newPrimaryRegion);
  return {};
};

/** Names `to` as the primary in every region's record, if `from` is still the primary. */
async function swapPrimary(deps: Deps, accountId: string, keyId: string, from: string, to: string): Promise<void> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const regions = await deps.store.multiRegionKeys(accountId, keyId);
    const current = regions.find((k) => k.region === from);
    if (!current || !isMultiRegionPrimary(current)) throw notPrimary(keyArn(from, accountId, keyId));
    if (!regions.some((k) => k.region === to)) throw err.notFound(`Key '${keyArn(to, accountId, keyId)}' does not exist`);
    // Rotation settings belong to the primary role: the new primary takes them (and the schedule) over.
    const settings = current.rotation;
    const next = regions.map((k) => {
      const moved: KeyRecord = { ...k, primaryRegion: to, revision: k.revision + 1 };
      if (k.region === to) {
        if (settings) moved.rotation = settings;
        else delete moved.rotation;
      }
      return moved;
    });
    if (await deps.store.updateKeys(next)) return;
  }
  throw err.internal();
}
