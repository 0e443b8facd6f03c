/** Renders a stored key as the KeyMetadata structure of DescribeKey and CreateKey. */
import { describedExpiry } from '../domain/imported-materials.js';
import type { KeyRecord } from '../domain/key-model.js';
import { algorithmsFor, isKeySpec, isKeyUsage, type UsageAlgorithms } from '../domain/key-specs.js';
import { arnOf } from './key-resolver.js';
import { API_MODEL } from '../domain/validation/api-model.generated.js';

export function toEpochSeconds(ms: number): number {
  return ms / 1000;
}

/**
 * The deprecated CustomerMasterKeySpec enum (from the API model) predates
 * ML-DSA and Ed25519; AWS reports the member only for key specs it can name.
 */
const CUSTOMER_MASTER_KEY_SPECS: ReadonlySet<string> = new Set(API_MODEL.shapes.CustomerMasterKeySpec.enum ?? []);

export function customerMasterKeySpec(keySpec: string): string | undefined {
  return CUSTOMER_MASTER_KEY_SPECS.has(keySpec) ? keySpec : undefined;
}

/** EncryptionAlgorithms / SigningAlgorithms / MacAlgorithms / KeyAgreementAlgorithms for the key, as AWS lists them. */
export function keyAlgorithms(key: KeyRecord): UsageAlgorithms {
  if (!isKeySpec(key.keySpec) || !isKeyUsage(key.keyUsage)) return {};
  const lists = algorithmsFor(key.keySpec, key.keyUsage);
  const out: Record<string, unknown> = {};
  for (const [member, list] of Object.entries(lists)) if (list !== undefined) out[member] = [...list];
  return out as UsageAlgorithms;
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
  };
  const expiry = describedExpiry(key);
  if (expiry.validTo !== undefined) metadata.ValidTo = toEpochSeconds(expiry.validTo);
  if (expiry.expirationModel !== undefined) metadata.ExpirationModel = expiry.expirationModel;
  const cmkSpec = customerMasterKeySpec(key.keySpec);
  if (cmkSpec !== undefined) metadata.CustomerMasterKeySpec = cmkSpec;
  metadata.KeySpec = key.keySpec;
  Object.assign(metadata, keyAlgorithms(key));
  metadata.MultiRegion = key.multiRegion;
  if (key.state === 'PendingDeletion' && key.deletionDate !== undefined) {
    metadata.DeletionDate = toEpochSeconds(key.deletionDate);
    metadata.PendingDeletionWindowInDays = key.pendingWindowDays;
  }
  // A primary waiting for its replicas' deletion: its window starts when the last replica is gone.
  if (key.state === 'PendingReplicaDeletion') metadata.PendingDeletionWindowInDays = key.pendingWindowDays;
  // AWS reports CurrentKeyMaterialId only for symmetric encryption keys (the
  // keys that rotate); HMAC and asymmetric keys omit it (recorded responses).
  // EXTERNAL keys have none before their first import.
  if (key.keySpec === 'SYMMETRIC_DEFAULT' && key.currentMaterialId !== '') metadata.CurrentKeyMaterialId = key.currentMaterialId;
  return metadata;
}
