/**
 * The import token of GetParametersForImport: self-contained and
 * authenticated, so nothing is stored and any node sharing the root key
 * accepts it. It is the wrapping private key, the wrapping algorithm and key
 * spec, and the expiry, sealed under the root key (AES-256-GCM) with the
 * account, region and key id as associated data: a token altered, or
 * presented for another key, does not open.
 *
 * Plaintext layout: version (1 byte), algorithm index (1), key spec index (1),
 * expiry in epoch ms (8, big-endian), PKCS#8 DER of the private key.
 */
import type { RootKeyProvider } from '../../ports/root-key.js';
import { WRAPPING_ALGORITHMS, WRAPPING_KEY_SPECS, type WrappingAlgorithm, type WrappingKeySpec } from '../../crypto/import-wrapping.js';

const VERSION = 1;
const HEADER = 11;

export interface ImportParameters {
  algorithm: WrappingAlgorithm;
  spec: WrappingKeySpec;
  /** Epoch ms after which the token is refused (ParametersValidTo). */
  validTo: number;
  privateKeyDer: Buffer;
}

export interface TokenScope {
  accountId: string;
  region: string;
  keyId: string;
}

function tokenAad(scope: TokenScope): Buffer {
  return Buffer.from(`trent:import-token:v1:${scope.accountId}:${scope.region}:${scope.keyId}`, 'utf8');
}

export async function sealImportToken(rootKey: RootKeyProvider, scope: TokenScope, p: ImportParameters): Promise<Buffer> {
  const header = Buffer.alloc(HEADER);
  header[0] = VERSION;
  header[1] = WRAPPING_ALGORITHMS.indexOf(p.algorithm);
  header[2] = WRAPPING_KEY_SPECS.indexOf(p.spec);
  header.writeBigUInt64BE(BigInt(p.validTo), 3);
  const plaintext = Buffer.concat([header, p.privateKeyDer]);
  try {
    return await rootKey.wrap(plaintext, tokenAad(scope));
  } finally {
    plaintext.fill(0);
  }
}

/** The parameters a token carries, or undefined when it is not a token Trent issued for this key. */
export async function openImportToken(rootKey: RootKeyProvider, scope: TokenScope, token: Buffer): Promise<ImportParameters | undefined> {
  let plaintext: Buffer;
  try {
    plaintext = await rootKey.unwrap(token, tokenAad(scope));
  } catch {
    return undefined;
  }
  const algorithm = WRAPPING_ALGORITHMS[plaintext[1]];
  const spec = WRAPPING_KEY_SPECS[plaintext[2]];
  if (plaintext.length <= HEADER || plaintext[0] !== VERSION || algorithm === undefined || spec === undefined) return undefined;
  return { algorithm, spec, validTo: Number(plaintext.readBigUInt64BE(3)), privateKeyDer: plaintext.subarray(HEADER) };
}
