/**
 * PostgreSQL schema of keys, key material, aliases and grants (component
 * 'keys'). Append only: never edit a released step; add a new one.
 *
 * Identifier columns are COLLATE "C" so listings and their cursors sort by
 * bytes, as SQLite does, whatever the database's default collation. Records
 * are JSON in TEXT (exact round trip; JSONB would refuse the \u0000 escape a
 * description may contain). Wrapped material is BYTEA. Times are epoch ms.
 */
/**
 * Key rotation (step 2): `keys.rotation_due` mirrors the record's
 * rotation.nextRotationDate while automatic rotation is enabled, indexed for
 * Enabled keys so the scheduler finds due keys without a scan;
 * `key_materials.rotation_type` says which rotation made a version;
 * `scheduler_leases` lets one node at a time run each scheduled job.
 */
const ROTATION_STEP = `
  ALTER TABLE keys ADD COLUMN rotation_due BIGINT;
  CREATE INDEX keys_due_for_rotation ON keys (rotation_due) WHERE state = 'Enabled' AND rotation_due IS NOT NULL;
  ALTER TABLE key_materials ADD COLUMN rotation_type TEXT COLLATE "C";
  CREATE TABLE scheduler_leases (
    name TEXT COLLATE "C" PRIMARY KEY,
    owner TEXT COLLATE "C" NOT NULL,
    expires_at BIGINT NOT NULL
  );
  `;

export const PG_KEY_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE keys (
    account_id TEXT COLLATE "C" NOT NULL,
    region TEXT COLLATE "C" NOT NULL,
    key_id TEXT COLLATE "C" NOT NULL,
    state TEXT COLLATE "C" NOT NULL,
    deletion_date BIGINT,
    revision BIGINT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (account_id, region, key_id)
  );
  CREATE INDEX keys_due_for_deletion ON keys (deletion_date) WHERE state = 'PendingDeletion';
  CREATE TABLE key_materials (
    account_id TEXT COLLATE "C" NOT NULL,
    region TEXT COLLATE "C" NOT NULL,
    key_id TEXT COLLATE "C" NOT NULL,
    version INTEGER NOT NULL,
    material_id TEXT COLLATE "C" NOT NULL,
    wrapped BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, region, key_id, version)
  );
  CREATE TABLE aliases (
    account_id TEXT COLLATE "C" NOT NULL,
    region TEXT COLLATE "C" NOT NULL,
    alias_name TEXT COLLATE "C" NOT NULL,
    target_key_id TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, region, alias_name)
  );
  CREATE INDEX aliases_by_key ON aliases (account_id, region, target_key_id, alias_name);
  CREATE TABLE grants (
    account_id TEXT COLLATE "C" NOT NULL,
    region TEXT COLLATE "C" NOT NULL,
    key_id TEXT COLLATE "C" NOT NULL,
    grant_id TEXT COLLATE "C" NOT NULL,
    name TEXT,
    retiring_principal TEXT COLLATE "C",
    token_hash TEXT COLLATE "C" NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY (account_id, region, key_id, grant_id)
  );
  CREATE INDEX grants_by_id ON grants (grant_id);
  CREATE INDEX grants_by_retiring_principal ON grants (account_id, region, retiring_principal, grant_id);
  `,
  ROTATION_STEP,
  // Imported key material: the expiry of a key's material, for the expiry sweep.
  `
  ALTER TABLE keys ADD COLUMN valid_to BIGINT;
  CREATE INDEX keys_material_expiry ON keys (valid_to) WHERE valid_to IS NOT NULL;
  `,
  // multi-Region keys: the regions of a key found by (account, key id).
  `
  CREATE INDEX keys_by_account_key ON keys (account_id, key_id, region);
  `,
  // multi-Region keys: material versions still to be pushed to peer deployments.
  `
  CREATE TABLE peer_pushes (
    account_id TEXT COLLATE "C" NOT NULL,
    key_id TEXT COLLATE "C" NOT NULL,
    peer_region TEXT COLLATE "C" NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (account_id, key_id, peer_region)
  );
  `,
];
