/** Renders a stored key as the KeyMetadata structure of DescribeKey and CreateKey. */
import type { KeyRecord } from '../domain/key-model.js';
import { arnOf } from './key-resolver.js';

export function toEpochSeconds(ms: number): number {
  return ms / 1000;
}

export function keyMetadata(key: KeyRecord): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    AWSAccountId: key.accountId,
    KeyId: key.keyId,
    Arn: arnOf(key),
    CreationDate: toEpochSeconds(key.createdAt),
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.state,
    Origin: key.origin,
    KeyManager: 'CUSTOMER',
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: key.multiRegion,
  };
  if (key.state === 'PendingDeletion' && key.deletionDate !== undefined) {
    metadata.DeletionDate = toEpochSeconds(key.deletionDate);
    metadata.PendingDeletionWindowInDays = key.pendingWindowDays;
  }
  metadata.CurrentKeyMaterialId = key.currentMaterialId;
  return metadata;
}
