/**
 * Key rotation (step 3): `keys.rotation_due` mirrors the record's
 * rotation.nextRotationDate while automatic rotation is enabled, indexed for
 * Enabled keys so the scheduler finds due keys without a scan;
 * `key_materials.rotation_type` says which rotation made a version;
 * `scheduler_leases` lets one node at a time run each scheduled job.
 */
const ROTATION_STEP = `
  ALTER TABLE keys ADD COLUMN rotation_due INTEGER;
  CREATE INDEX keys_due_for_rotation ON keys(rotation_due) WHERE state = 'Enabled' AND rotation_due IS NOT NULL;
  ALTER TABLE key_materials ADD COLUMN rotation_type TEXT;
  CREATE TABLE scheduler_leases (
    name TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `;

/** Schema of keys, key material and aliases (component 'keys'). Append only. */
export const KEY_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE keys (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    key_id TEXT NOT NULL,
    state TEXT NOT NULL,
    deletion_date INTEGER,
    revision INTEGER NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (account_id, region, key_id)
  ) WITHOUT ROWID;
  CREATE INDEX keys_due_for_deletion ON keys(deletion_date) WHERE state = 'PendingDeletion';
  CREATE TABLE key_materials (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    key_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    material_id TEXT NOT NULL,
    wrapped BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, key_id, version)
  ) WITHOUT ROWID;
  CREATE TABLE aliases (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    alias_name TEXT NOT NULL,
    target_key_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, region, alias_name)
  ) WITHOUT ROWID;
  CREATE INDEX aliases_by_key ON aliases(account_id, region, target_key_id);
  `,
  `
  CREATE TABLE grants (
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    key_id TEXT NOT NULL,
    grant_id TEXT NOT NULL,
    name TEXT,
    retiring_principal TEXT,
    token_hash TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (account_id, region, key_id, grant_id)
  ) WITHOUT ROWID;
  CREATE INDEX grants_by_id ON grants(grant_id);
  CREATE INDEX grants_by_retiring_principal ON grants(account_id, region, retiring_principal);
  `,
  ROTATION_STEP,
  // Imported key material: the expiry of a key's material, for the expiry sweep.
  `
  ALTER TABLE keys ADD COLUMN valid_to INTEGER;
  CREATE INDEX keys_material_expiry ON keys(valid_to) WHERE valid_to IS NOT NULL;
  `,
  // multi-Region keys: the regions of a key found by (account, key id).
  `
  CREATE INDEX keys_by_account_key ON keys(account_id, key_id, region);
  `,
  // multi-Region keys: material versions still to be pushed to peer deployments.
  `
  CREATE TABLE peer_pushes (
    account_id TEXT NOT NULL,
    key_id TEXT NOT NULL,
    peer_region TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (account_id, key_id, peer_region)
  ) WITHOUT ROWID;
  `,
];
