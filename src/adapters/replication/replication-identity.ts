/**
 * This deployment's replication key pair (X25519): peers seal multi-Region
 * key material to its public half. Generated at the first start of a store and
 * kept in the store's settings with the private half wrapped under the root
 * key (never in plaintext at rest), so every node and worker of a deployment
 * shares it. Operators of primary deployments pin the public key.
 */
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { RootKeyProvider } from '../../ports/root-key.js';
import type { SettingsStore } from '../../ports/stores.js';

/** Name of the setting that holds the key pair (JSON: KeyFile). */
export const REPLICATION_KEY_SETTING = 'replication-key';
const AAD = Buffer.from('trent:replication-key:v1', 'utf8');

export interface ReplicationIdentity {
  /** SubjectPublicKeyInfo DER of the X25519 public key. */
  publicKeyDer: Buffer;
  privateKey: KeyObject;
  /** Hex SHA-256 of publicKeyDer. */
  fingerprint: string;
}

interface KeyFile {
  format: 'trent-replication-key/1';
  publicKey: string;
  wrappedPrivateKey: string;
}

export async function loadReplicationIdentity(settings: SettingsStore, rootKey: RootKeyProvider): Promise<ReplicationIdentity> {
  let stored = await settings.get(REPLICATION_KEY_SETTING);
  if (stored === undefined) {
    const pair = generateKeyPairSync('x25519');
    const fresh: KeyFile = {
      format: 'trent-replication-key/1',
      publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      wrappedPrivateKey: (await rootKey.wrap(pair.privateKey.export({ format: 'der', type: 'pkcs8' }), AAD)).toString('base64'),
    };
    // Nodes starting together: the first writer's pair wins and every node uses it.
    stored = await settings.putIfAbsent(REPLICATION_KEY_SETTING, Buffer.from(JSON.stringify(fresh), 'utf8'));
  }
  const file = JSON.parse(stored.toString('utf8')) as KeyFile;
  if (file.format !== 'trent-replication-key/1') throw new Error(`store setting ${REPLICATION_KEY_SETTING}: not a Trent replication key`);
  const der = await rootKey.unwrap(Buffer.from(file.wrappedPrivateKey, 'base64'), AAD);
  const publicKeyDer = Buffer.from(file.publicKey, 'base64');
  return {
    publicKeyDer,
    privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
    fingerprint: createHash('sha256').update(publicKeyDer).digest('hex'),
  };
}
