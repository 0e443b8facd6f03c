/**
 * Multi-Region keys: roles and the regions a replica may go to. Pure.
 * A multi-Region key is one record per region sharing a key id; every record
 * names the primary's region (KeyRecord.primaryRegion).
 */
import type { KeyRecord } from './key-model.js';

export type MultiRegionKeyType = 'PRIMARY' | 'REPLICA';

export function multiRegionKeyType(key: KeyRecord): MultiRegionKeyType | undefined {
  if (!key.multiRegion) return undefined;
  return key.primaryRegion === undefined || key.primaryRegion === key.region ? 'PRIMARY' : 'REPLICA';
}

export function isMultiRegionPrimary(key: KeyRecord): boolean {
  return multiRegionKeyType(key) === 'PRIMARY';
}

/** The AWS partition a region belongs to (China and GovCloud are their own). */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  return 'aws';
}
