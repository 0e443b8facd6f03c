/**
 * The key that signs digest files: generated at first use, kept in the trail
 * directory with its private half wrapped under the root key (never in
 * plaintext on disk), its public half exportable as PEM. Algorithms:
 * "SHA256withRSA" (RSA 2048, PKCS#1 v1.5, SHA-256, as CloudTrail signs its
 * digests) and "Ed25519". The fingerprint is the hex SHA-256 of the public
 * key's DER SubjectPublicKeyInfo.
 */
import {
  constants,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { RootKeyProvider } from '../../ports/root-key.js';
import type { FileOps } from './file-ops.js';
import { PUBLIC_KEY_FILE, SIGNING_KEY_FILE, resolveIn } from './layout.js';

export type SignatureAlgorithm = 'SHA256withRSA' | 'Ed25519';

interface SigningKeyFile {
  format: 'trent-audit-signing-key/1';
  algorithm: SignatureAlgorithm;
  fingerprint: string;
  publicKey: string;
  /** PKCS#8 DER of the private key, wrapped by the root key provider, base64. */
  wrappedPrivateKey: string;
  createdAt: string;
}

export function fingerprintOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function algorithmOf(publicKey: KeyObject): SignatureAlgorithm {
  if (publicKey.asymmetricKeyType === 'rsa') return 'SHA256withRSA';
  if (publicKey.asymmetricKeyType === 'ed25519') return 'Ed25519';
  throw new Error(`unsupported audit signing key type ${publicKey.asymmetricKeyType}`);
}

function wrapAad(fingerprint: string): Buffer {
  return Buffer.from(`trent/audit-signing-key/${fingerprint}`);
}

export function signWith(algorithm: SignatureAlgorithm, key: KeyObject, data: Buffer): string {
  const sig =
    algorithm === 'Ed25519' ? cryptoSign(null, data, key) : cryptoSign('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING });
  return sig.toString('hex');
}

/** A public key that digests can be checked against. */
export class VerificationKey {
  readonly fingerprint: string;
  readonly algorithm: SignatureAlgorithm;

  constructor(readonly key: KeyObject) {
    this.fingerprint = fingerprintOf(key);
    this.algorithm = algorithmOf(key);
  }

  static fromPem(pem: string | Buffer): VerificationKey {
    return new VerificationKey(createPublicKey(pem));
  }

  verify(data: Buffer, signatureHex: string): boolean {
    if (!/^([0-9a-f]{2})+$/.test(signatureHex)) return false;
    const sig = Buffer.from(signatureHex, 'hex');
    try {
      return this.algorithm === 'Ed25519'
        ? cryptoVerify(null, data, this.key, sig)
        : cryptoVerify('sha256', data, { key: this.key, padding: constants.RSA_PKCS1_PADDING }, sig);
    } catch {
      return false;
    }
  }

  pem(): string {
    return this.key.export({ type: 'spki', format: 'pem' }).toString();
  }
}

export class SigningKey {
  readonly verification: VerificationKey;

  private constructor(private readonly privateKey: KeyObject, publicKey: KeyObject) {
    this.verification = new VerificationKey(publicKey);
  }

  get fingerprint(): string {
    return this.verification.fingerprint;
  }

  get algorithm(): SignatureAlgorithm {
    return this.verification.algorithm;
  }

  /** Hex signature of `data`. */
  sign(data: Buffer): string {
    return signWith(this.algorithm, this.privateKey, data);
  }

  publicKeyPem(): string {
    return this.verification.pem();
  }

  /**
   * Loads the trail's signing key, creating it if the trail has none. A key
   * file whose wrapped private key does not unwrap under this root key, or
   * does not match its public key, is refused.
   */
  static async loadOrCreate(
    trailDir: string,
    rootKey: RootKeyProvider,
    ops: FileOps,
    algorithm: SignatureAlgorithm,
    now: number,
  ): Promise<SigningKey> {
    const path = resolveIn(trailDir, SIGNING_KEY_FILE);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (text !== undefined) return SigningKey.load(text, rootKey);

    const pair =
      algorithm === 'Ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('rsa', { modulusLength: 2048 });
    const fingerprint = fingerprintOf(pair.publicKey);
    const der = pair.privateKey.export({ type: 'pkcs8', format: 'der' });
    const wrapped = await rootKey.wrap(der, wrapAad(fingerprint));
    der.fill(0);
    const file: SigningKeyFile = {
      format: 'trent-audit-signing-key/1',
      algorithm,
      fingerprint,
      publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      wrappedPrivateKey: wrapped.toString('base64'),
      createdAt: new Date(now).toISOString(),
    };
    await ops.writeFileAtomic(path, JSON.stringify(file, null, 2) + '\n', 0o600);
    await ops.writeFileAtomic(resolveIn(trailDir, PUBLIC_KEY_FILE), file.publicKey, 0o644);
    return new SigningKey(pair.privateKey, pair.publicKey);
  }

  /**
   * Gives `trailDir` the signing key of `sourceTrailDir` unless it has one of
   * its own: the trails of one data directory share a key pair (the wrapped
   * private key is bound to its fingerprint, not to a directory), so one
   * public key verifies them all. The source must already have its key.
   */
  static async shareInto(trailDir: string, sourceTrailDir: string, ops: FileOps): Promise<void> {
    const path = resolveIn(trailDir, SIGNING_KEY_FILE);
    try {
      await readFile(path);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const text = await readFile(resolveIn(sourceTrailDir, SIGNING_KEY_FILE), 'utf8');
    const file = JSON.parse(text) as SigningKeyFile;
    await ops.writeFileAtomic(resolveIn(trailDir, PUBLIC_KEY_FILE), file.publicKey, 0o644);
    await ops.writeFileAtomic(path, text, 0o600);
  }

  private static async load(text: string, rootKey: RootKeyProvider): Promise<SigningKey> {
    const file = JSON.parse(text) as SigningKeyFile;
    if (file.format !== 'trent-audit-signing-key/1') throw new Error('audit signing key file: unknown format');
    const publicKey = createPublicKey(file.publicKey);
    if (fingerprintOf(publicKey) !== file.fingerprint) throw new Error('audit signing key file: fingerprint does not match its public key');
    const der = await rootKey.unwrap(Buffer.from(file.wrappedPrivateKey, 'base64'), wrapAad(file.fingerprint));
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    der.fill(0);
    if (fingerprintOf(createPublicKey(privateKey)) !== file.fingerprint) {
      throw new Error('audit signing key file: private key does not match its public key');
    }
    return new SigningKey(privateKey, publicKey);
  }
}

/** The public key recorded in a trail's signing-key.json (or public-key.pem), as a verification key. */
export async function trailPublicKey(trailDir: string): Promise<VerificationKey | undefined> {
  try {
    const file = JSON.parse(await readFile(resolveIn(trailDir, SIGNING_KEY_FILE), 'utf8')) as SigningKeyFile;
    return VerificationKey.fromPem(file.publicKey);
  } catch {
    try {
      return VerificationKey.fromPem(await readFile(resolveIn(trailDir, PUBLIC_KEY_FILE)));
    } catch {
      return undefined;
    }
  }
}

/**
 * Confirms with the root key that the trail's signing-key.json is genuine:
 * its wrapped private key unwraps and matches its public key. Returns the
 * authenticated public key.
 */
export async function authenticatedTrailKey(trailDir: string, rootKey: RootKeyProvider): Promise<VerificationKey> {
  const text = await readFile(resolveIn(trailDir, SIGNING_KEY_FILE), 'utf8');
  const file = JSON.parse(text) as SigningKeyFile;
  const publicKey = createPublicKey(file.publicKey);
  const der = await rootKey.unwrap(Buffer.from(file.wrappedPrivateKey, 'base64'), wrapAad(fingerprintOf(publicKey)));
  const derived = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }));
  der.fill(0);
  if (fingerprintOf(derived) !== fingerprintOf(publicKey)) throw new Error('the signing key file does not hold a matching key pair');
  return new VerificationKey(publicKey);
}
