/**
 * MultiRegionConfiguration of DescribeKey, CreateKey and ReplicateKey,
 * computed from the key's records in every region (one store query), so
 * every region of a multi-Region key reports the same primary and replicas.
 */
import { keyArn } from '../../domain/key-ids.js';
import type { KeyRecord, Tag } from '../../domain/key-model.js';
import { multiRegionKeyType } from '../../domain/multi-region.js';
import type { Deps } from '../context.js';
import { keyMetadata } from '../key-metadata.js';

export interface RegionalKey {
  Arn: string;
  Region: string;
}

export interface MultiRegionConfiguration {
  MultiRegionKeyType: 'PRIMARY' | 'REPLICA';
  PrimaryKey: RegionalKey;
  ReplicaKeys: RegionalKey[];
}

/** The configuration as `key`'s region sees it, given the key's records in every region. */
export function configurationOf(key: KeyRecord, regions: KeyRecord[]): MultiRegionConfiguration {
  const primaryRegion = key.primaryRegion ?? key.region;
  const regional = (region: string): RegionalKey => ({ Arn: keyArn(region, key.accountId, key.keyId), Region: region });
  const replicaRegions = new Set(regions.map((r) => r.region));
  replicaRegions.add(key.region);
  for (const r of [key, ...regions]) for (const peer of r.peerRegions ?? []) replicaRegions.add(peer);
  replicaRegions.delete(primaryRegion);
  return {
    MultiRegionKeyType: multiRegionKeyType(key) ?? 'PRIMARY',
    PrimaryKey: regional(primaryRegion),
    ReplicaKeys: [...replicaRegions].sort().map(regional),
  };
}

/** KeyMetadata with MultiRegionConfiguration for a multi-Region key. */
export async function describedMetadata(key: KeyRecord, deps: Deps): Promise<Record<string, unknown>> {
  const metadata = keyMetadata(key);
  if (key.multiRegion) {
    metadata.MultiRegionConfiguration = configurationOf(key, await deps.store.multiRegionKeys(key.accountId, key.keyId));
  }
  return metadata;
}

/**
 * ReplicateKey's answer for a replica just created (here or in a peer
 * deployment): its metadata as AWS reports it at that moment (Creating, not
 * yet enabled, no current material id), its policy, and its tags if any.
 */
export async function replicaCreatedResponse(replica: KeyRecord, tags: Tag[], deps: Deps): Promise<Record<string, unknown>> {
  const metadata = await describedMetadata(replica, deps);
  metadata.KeyState = 'Creating';
  metadata.Enabled = false;
  delete metadata.CurrentKeyMaterialId;
  const out: Record<string, unknown> = { ReplicaKeyMetadata: metadata, ReplicaPolicy: replica.policy };
  if (tags.length > 0) out.ReplicaTags = tags;
  return out;
}
