/**
 * The symmetric ciphertext blob (format 1). See docs/ciphertext-format.md.
 *
 *   offset  size  field
 *   0       1     format version (0x01)
 *   1       1     flags (bit 0: multi-Region key id)
 *   2       12    owning account id, ASCII digits
 *   14      16    key id, raw bytes
 *   30      4     key-material version, unsigned big-endian
 *   34      12    AES-GCM IV (random)
 *   46      n     AES-256-GCM ciphertext
 *   46+n    16    AES-GCM tag
 *
 * The header (bytes 0-33) followed by the canonical encryption context is the
 * additional authenticated data, so every header byte is authenticated. Pure.
 */
import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';
import { encodeEncryptionContext, type EncryptionContext } from './encryption-context.js';
import { keyIdFromBytes, keyIdToBytes } from '../domain/key-ids.js';

export const FORMAT_VERSION = 1;
export const HEADER_LENGTH = 34;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
export const BLOB_OVERHEAD = HEADER_LENGTH + IV_LENGTH + TAG_LENGTH;

export interface BlobHeader {
  accountId: string;
  keyId: string;
  materialVersion: number;
}

export function encodeHeader(h: BlobHeader): Buffer {
  const header = Buffer.alloc(HEADER_LENGTH);
  writeHeader(h, header);
  return header;
}

/** Writes the header over the first HEADER_LENGTH bytes of `out`. */
function writeHeader(h: BlobHeader, out: Buffer): void {
  const id = keyIdToBytes(h.keyId);
  out.fill(0, 0, HEADER_LENGTH);
  out[0] = FORMAT_VERSION;
  out[1] = id.multiRegion ? 1 : 0;
  out.write(h.accountId, 2, 12, 'ascii');
  id.bytes.copy(out, 14);
  out.writeUInt32BE(h.materialVersion, 30);
}

/** Reads the header of a blob, or returns undefined if it is not a format-1 blob. */
export function parseHeader(blob: Buffer): BlobHeader | undefined {
  if (blob.length < BLOB_OVERHEAD || blob[0] !== FORMAT_VERSION || (blob[1] & ~1) !== 0) return undefined;
  const accountId = blob.toString('ascii', 2, 14);
  if (!/^\d{12}$/.test(accountId)) return undefined;
  return {
    accountId,
    keyId: keyIdFromBytes(blob.subarray(14, 30), blob[1] === 1),
    materialVersion: blob.readUInt32BE(30),
  };
}

export function sealBlob(
  header: BlobHeader,
  /** The key material (32 bytes), preferably as a KeyObject: much cheaper per call on Node 24. */
  material: Buffer | KeyObject,
  iv: Buffer,
  plaintext: Buffer,
  context: EncryptionContext | undefined,
): Buffer {
  // The AAD is the header followed by the context, encoded into one buffer.
  const aad = encodeEncryptionContext(context, HEADER_LENGTH);
  writeHeader(header, aad);
  const cipher = createCipheriv('aes-256-gcm', material, iv);
  cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const final = cipher.final();
  const tag = cipher.getAuthTag();
  const blob = Buffer.allocUnsafe(HEADER_LENGTH + IV_LENGTH + body.length + final.length + tag.length);
  let at = aad.copy(blob, 0, 0, HEADER_LENGTH);
  at += iv.copy(blob, at);
  at += body.copy(blob, at);
  at += final.copy(blob, at);
  tag.copy(blob, at);
  return blob;
}

/** Decrypts a blob whose header was parsed; returns undefined when authentication fails. */
export function openBlob(blob: Buffer, material: Buffer | KeyObject, context: EncryptionContext | undefined): Buffer | undefined {
  const head = blob.subarray(0, HEADER_LENGTH);
  const iv = blob.subarray(HEADER_LENGTH, HEADER_LENGTH + IV_LENGTH);
  const body = blob.subarray(HEADER_LENGTH + IV_LENGTH, blob.length - TAG_LENGTH);
  const tag = blob.subarray(blob.length - TAG_LENGTH);
  try {
    const decipher = createDecipheriv('aes-256-gcm', material, iv);
    const aad = encodeEncryptionContext(context, HEADER_LENGTH);
    head.copy(aad, 0);
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return undefined;
  }
}
