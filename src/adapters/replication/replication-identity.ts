/**
 * This deployment's replication key pair (X25519): peers seal multi-Region
 * key material to its public half. Generated at first use and kept in the
 * data directory with the private half wrapped under the root key (never in
 * plaintext on disk). Operators of primary deployments pin the public key.
 */
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RootKeyProvider } from '../../ports/root-key.js';

export const REPLICATION_KEY_FILE = 'replication-key.json';
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

export async function loadReplicationIdentity(dataDir: string, rootKey: RootKeyProvider): Promise<ReplicationIdentity> {
  const path = join(dataDir, REPLICATION_KEY_FILE);
  if (!existsSync(path)) {
    const pair = generateKeyPairSync('x25519');
    const file: KeyFile = {
      format: 'trent-replication-key/1',
      publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      wrappedPrivateKey: (await rootKey.wrap(pair.privateKey.export({ format: 'der', type: 'pkcs8' }), AAD)).toString('base64'),
    };
    try {
      writeFileSync(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
  if (file.format !== 'trent-replication-key/1') throw new Error(`${path}: not a Trent replication key file`);
  const der = await rootKey.unwrap(Buffer.from(file.wrappedPrivateKey, 'base64'), AAD);
  const publicKeyDer = Buffer.from(file.publicKey, 'base64');
  return {
    publicKeyDer,
    privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }),
    fingerprint: createHash('sha256').update(publicKeyDer).digest('hex'),
  };
}
