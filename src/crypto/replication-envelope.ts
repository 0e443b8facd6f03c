/**
 * Key material in transit between two Trent deployments: sealed to the
 * receiving deployment's X25519 replication public key (ephemeral-static
 * ECDH, HKDF-SHA256, AES-256-GCM). The AAD names the account, key id,
 * material version and destination region, so a sealed version cannot be
 * replayed as another key's, another version's or into another region.
 *
 *   envelope = base64( ephemeral public key SPKI DER (44) | IV (12) | ciphertext | tag (16) )
 */
import { createCipheriv, createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';

const SPKI_LENGTH = 44;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const INFO = Buffer.from('trent:multi-region-replication:v1', 'utf8');

export function envelopeAad(accountId: string, keyId: string, version: number, region: string): Buffer {
  return Buffer.from(`trent:replica-material:v1:${accountId}:${keyId}:${version}:${region}`, 'utf8');
}

function wrappingKey(shared: Buffer, ephemeralDer: Buffer, recipientDer: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', shared, Buffer.concat([ephemeralDer, recipientDer]), INFO, 32));
}

/** Seals `plaintext` to the recipient's X25519 public key (SPKI DER). */
export function sealToPeer(recipientDer: Buffer, plaintext: Buffer, aad: Buffer): string {
  const recipient = createPublicKey({ key: recipientDer, format: 'der', type: 'spki' });
  if (recipient.asymmetricKeyType !== 'x25519') throw new Error('the replication public key is not an X25519 key');
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralDer = ephemeral.publicKey.export({ format: 'der', type: 'spki' });
  const key = wrappingKey(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: recipient }), ephemeralDer, recipientDer);
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  key.fill(0);
  return Buffer.concat([ephemeralDer, iv, body, cipher.getAuthTag()]).toString('base64');
}

/** Opens an envelope sealed to this deployment; throws when it was altered or sealed for other AAD. */
export function openFromPeer(privateKey: KeyObject, publicKeyDer: Buffer, envelope: string, aad: Buffer): Buffer {
  const raw = Buffer.from(envelope, 'base64');
  if (raw.length < SPKI_LENGTH + IV_LENGTH + TAG_LENGTH) throw new Error('replication envelope too short');
  const ephemeralDer = raw.subarray(0, SPKI_LENGTH);
  const iv = raw.subarray(SPKI_LENGTH, SPKI_LENGTH + IV_LENGTH);
  const body = raw.subarray(SPKI_LENGTH + IV_LENGTH, raw.length - TAG_LENGTH);
  const tag = raw.subarray(raw.length - TAG_LENGTH);
  const ephemeral = createPublicKey({ key: ephemeralDer, format: 'der', type: 'spki' });
  const key = wrappingKey(diffieHellman({ privateKey, publicKey: ephemeral }), ephemeralDer, publicKeyDer);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } finally {
    key.fill(0);
  }
}
