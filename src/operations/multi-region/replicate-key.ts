/**
 * ReplicateKey: a replica of a multi-Region primary key in another region of
 * the same account and partition. The replica shares the key id, key spec,
 * usage, origin and every key material version (the wrapped material rows
 * are copied: their root-key binding names the account, key id and version,
 * not the region); it has its own policy, description, tags, aliases, grants
 * and state.
 *
 * A primary with imported key material (origin EXTERNAL) is replicated
 * without material: the replica is PendingImport until the same material is
 * imported into it, as AWS never copies imported material between regions.
 *
 * AWS reports the new replica as Creating for a few seconds; Trent's replica
 * is complete when the call returns, so only the response shows Creating and
 * DescribeKey already shows Enabled.
 */
import { allMaterials } from '../all-materials.js';
import { importedMaterialsOf, isPermanentlyAssociated } from '../../domain/imported-materials.js';
import { err } from '../../domain/errors.js';
import { keyArn } from '../../domain/key-ids.js';
import type { KeyMaterialRecord, KeyRecord, Tag } from '../../domain/key-model.js';
import { defaultKeyPolicy } from '../../domain/key-policy.js';
import { isMultiRegionPrimary, partitionOfRegion } from '../../domain/multi-region.js';
import { checkRequestTags } from '../../domain/tags.js';
import { authorizeAccountAction, authorizeKeyAction } from '../authorization/authorize.js';
import { acceptKeyPolicy } from '../authorization/key-policy-document.js';
import { noteKey, type Handler } from '../context.js';
import { resolveKey } from '../key-resolver.js';
import { replicaCreatedResponse } from './configuration.js';
import { replicateToPeer } from './remote-replica.js';

/**
 * The state rules for replicating `key` (already known to be a primary), and
 * for both keys of UpdatePrimaryRegion: usable for management, not disabled,
 * not on their way out.
 */
export function assertReplicable(key: KeyRecord, arn: string): void {
  switch (key.state) {
    case 'Enabled':
    case 'PendingImport':
      return;
    case 'Disabled':
      throw err.disabled(arn);
    case 'PendingDeletion':
      throw err.invalidState(`${arn} is pending deletion.`);
    case 'PendingReplicaDeletion':
      throw err.invalidState(`${arn} is pending replica deletion.`);
    default:
      throw err.invalidState(`${arn} is ${key.state}.`);
  }
}

export function notPrimary(arn: string) {
  return err.unsupported(`${arn} is not a multi-region primary key.`);
}

export const replicateKey: Handler = async (input, ctx, deps) => {
  const replicaRegion: string = input.ReplicaRegion;
  const { key: primary, arn } = await resolveKey(input.KeyId, ctx, deps, { allowAlias: false });
  await authorizeKeyAction(deps, ctx, { action: 'ReplicateKey', key: primary, arn, facts: { replicaRegion } });
  if (!isMultiRegionPrimary(primary)) throw notPrimary(arn);
  if (partitionOfRegion(replicaRegion) !== partitionOfRegion(primary.region)) {
    throw err.validation(`${replicaRegion} is not a valid replica region for ${arn}: it is in another partition.`);
  }
  if (replicaRegion === primary.region) {
    throw err.validation(`The replica region ${replicaRegion} must differ from the primary key's region.`);
  }
  assertReplicable(primary, arn);

  const tags: Tag[] = input.Tags ?? [];
  const bypass = input.BypassPolicyLockoutSafetyCheck === true;
  // kms:CreateKey (and kms:TagResource for tags) are IAM permissions in the replica region.
  const replicaCtx = { ...ctx, region: replicaRegion };
  const createFacts = {
    keySpec: primary.keySpec,
    keyUsage: primary.keyUsage,
    keyOrigin: primary.origin,
    multiRegion: true,
    requestTags: input.Tags,
    bypassPolicyLockoutSafetyCheck: bypass,
  };
  await authorizeAccountAction(deps, replicaCtx, 'CreateKey', '*', createFacts);
  if (input.Tags !== undefined) await authorizeAccountAction(deps, replicaCtx, 'TagResource', '*', createFacts);
  checkRequestTags(tags);
  const replicaArn = keyArn(replicaRegion, primary.accountId, primary.keyId);
  if (input.Policy !== undefined) await acceptKeyPolicy(input.Policy, primary.accountId, replicaArn, bypass, replicaCtx, deps);

  const peer = deps.replication?.peers.get(replicaRegion);
  if (peer) return replicateToPeer(primary, peer, input, deps);
  const existing = await deps.store.getKey(primary.accountId, replicaRegion, primary.keyId);
  if (existing) throw alreadyReplicated(replicaArn);
  const now = deps.clock.now();
  // Imported material is never copied: the replica waits in PendingImport for the same material (import-rules.ts).
  const external = primary.origin === 'EXTERNAL';
  const materials: KeyMaterialRecord[] = external
    ? []
    : (await allMaterials(deps.store, primary.accountId, primary.region, primary.keyId)).map((m) => ({ ...m, region: replicaRegion }));
  const replica: KeyRecord = {
    ...sharedProperties(primary),
    region: replicaRegion,
    createdAt: now,
    description: input.Description ?? '',
    state: external ? 'PendingImport' : 'Enabled',
    policy: input.Policy ?? defaultKeyPolicy(primary.accountId),
    tags,
    revision: 1,
  };
  if (!(await deps.store.createReplicaKey(replica, materials))) throw alreadyReplicated(replicaArn);
  noteKey(ctx, replicaArn);

  return replicaCreatedResponse(replica, tags, deps);
};

function alreadyReplicated(replicaArn: string) {
  return err.alreadyExists(`Replica key ${replicaArn} already exists.`);
}

/** The properties a primary shares with (and synchronises to) its replicas. */
export function sharedProperties(primary: KeyRecord): Omit<KeyRecord, 'region' | 'createdAt' | 'description' | 'state' | 'policy' | 'tags' | 'revision'> {
  const {
    region: _r, createdAt: _c, description: _d, state: _s, policy: _p, tags: _t, revision: _v, deletionDate: _dd, pendingWindowDays: _w, peerRegions: _pr,
    ...shared
  } = primary;
  if (primary.origin === 'EXTERNAL') {
    // Imported material and its expiry are per region; the replica keeps only the id the same material must have.
    delete shared.expirationModel;
    delete shared.validTo;
    delete shared.publicKey;
    // The replica knows which materials belong to the key, none of them imported there yet.
    const associated = importedMaterialsOf(primary).filter((m) => isPermanentlyAssociated(primary, m));
    if (associated.length > 0) shared.importedMaterials = associated.map((m) => ({ version: m.version, materialId: m.materialId, imported: false }));
    else delete shared.importedMaterials;
  }
  return { ...shared, multiRegion: true, primaryRegion: primary.region };
}
