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
  /** EXTERNAL keys while any of their material is present: whether some of it expires. */
  expirationModel?: ExpirationModel;
  /**
   * Epoch milliseconds at which the first imported material version expires
   * (any version, pending rotation included); stores index it for the expiry
   * sweep. See imported-materials.ts.
   */
  validTo?: number;
  /**
   * EXTERNAL keys: every key material version imported, with its import
   * state and expiry (imported-materials.ts). Absent on records written
   * before per-version tracking, which hold one version in the fields above.
   */
  importedMaterials?: ImportedMaterial[];
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

export type ExpirationModel = 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE';

/** One imported key material version of a key of origin EXTERNAL. */
export interface ImportedMaterial {
  version: number;
  /** Derived from the key id and the material (import-rules.ts). */
  materialId: string;
  /** Whether the material is stored now (IMPORTED) or was deleted or expired (PENDING_IMPORT). */
  imported: boolean;
  /** The last import's expiry; absent while not imported. */
  expirationModel?: ExpirationModel;
  /** Epoch ms; with KEY_MATERIAL_EXPIRES. */
  validTo?: number;
  /** KeyMaterialDescription of the last import that gave one. */
  description?: string;
  /** Epoch ms at which RotateKeyOnDemand made this version current; absent for the first version and a pending one. */
  rotatedAt?: number;
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
