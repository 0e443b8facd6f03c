/** The stored shape of a KMS key and its material versions. Pure data. */

export type KeyState =
  | 'Creating'
  | 'Enabled'
  | 'Disabled'
  | 'PendingDeletion'
  | 'PendingImport'
  | 'PendingReplicaDeletion'
  | 'Unavailable'
  | 'Updating';

export interface Tag {
  TagKey: string;
  TagValue: string;
}

export interface KeyRecord {
  accountId: string;
  region: string;
  keyId: string;
  /** Epoch milliseconds. */
  createdAt: number;
  description: string;
  keySpec: string;
  keyUsage: string;
  origin: string;
  state: KeyState;
  /** Epoch milliseconds; set while PendingDeletion. */
  deletionDate?: number;
  pendingWindowDays?: number;
  multiRegion: boolean;
  policy: string;
  tags: Tag[];
  /** Version of the key material that new ciphertext uses. */
  currentMaterialVersion: number;
  /** Material id of that version, as DescribeKey reports it. */
  currentMaterialId: string;
  /**
   * Asymmetric keys: the public key, SubjectPublicKeyInfo DER in base64, so
   * GetPublicKey and Verify need not unwrap the private key. Absent for
   * symmetric and HMAC keys (and for records written before it existed).
   */
  publicKey?: string;
  /** Automatic and on-demand rotation; absent until the key first uses either. */
  rotation?: RotationState;
  /** Incremented by every update; stores reject a write whose expected revision is stale. */
  revision: number;
}

/** Which kind of rotation created a key-material version (absent for a key's first material). */
export type RotationType = 'AUTOMATIC' | 'ON_DEMAND';

export interface RotationState {
  /** Whether automatic rotation is enabled (EnableKeyRotation / DisableKeyRotation). */
  automatic: boolean;
  /** Days between automatic rotations (90-2560); kept when automatic rotation is disabled. */
  periodDays: number;
  /**
   * Epoch ms the next automatic rotation is due, while automatic rotation is
   * enabled: the anchor plus the period. Stores index it (rotation_due) for
   * the scheduler.
   */
  nextRotationDate?: number;
  /** Epoch ms the period counts from: when automatic rotation was enabled, or the last automatic rotation. */
  anchor?: number;
  /** On-demand rotations performed (AWS allows a fixed number per key). */
  onDemandCount: number;
}

export interface KeyMaterialRecord {
  accountId: string;
  region: string;
  keyId: string;
  version: number;
  /** 64 hex digits, as AWS reports key material ids. */
  materialId: string;
  /** The material wrapped under the root key; never the plaintext. */
  wrapped: Buffer;
  createdAt: number;
  /** How this version came to be, when a rotation made it; absent for the key's first material. */
  rotationType?: RotationType;
}

export interface AliasRecord {
  accountId: string;
  region: string;
  aliasName: string;
  targetKeyId: string;
  createdAt: number;
  updatedAt: number;
}
