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
  /**
   * Multi-Region keys: the region of the primary key. Every region's record
   * of the key carries it; the key in that region is the PRIMARY, the others
   * REPLICA keys. Absent for single-Region keys.
   */
  primaryRegion?: string;
  /**
   * Multi-Region keys: regions of this key served by other Trent deployments
   * (replicas made through a replication peer, or the primary's region as a
   * replica there learned it), as this region last learned them.
   */
  peerRegions?: string[];
  policy: string;
  tags: Tag[];
  /**
   * Version of the key material that new ciphertext uses. Keys of origin
   * EXTERNAL hold no material until it is imported (state PendingImport).
   */
  currentMaterialVersion: number;
  /**
   * Material id of that version, as DescribeKey reports it. Empty for an
   * EXTERNAL key before its first import; kept after the imported material
   * is deleted or expires, so only the same material can be reimported.
   */
  currentMaterialId: string;
  /** EXTERNAL keys while their material is present: whether it expires. */
  expirationModel?: 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE';
  /** Epoch milliseconds at which imported material expires (KEY_MATERIAL_EXPIRES); stores index it. */
  validTo?: number;
  /**
   * Asymmetric keys: the public key, SubjectPublicKeyInfo DER in base64, so
   * GetPublicKey and Verify need not unwrap the private key. Absent for
   * symmetric and HMAC keys (and for records written before it existed).
   */
  publicKey?: string;
  /** Incremented by every update; stores reject a write whose expected revision is stale. */
  revision: number;
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
}

export interface AliasRecord {
  accountId: string;
  region: string;
  aliasName: string;
  targetKeyId: string;
  createdAt: number;
  updatedAt: number;
}
