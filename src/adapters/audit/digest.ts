/**
 * Digest files and the trail's HEAD.
 *
 * A digest names the log files closed since the previous digest, with their
 * SHA-256 hashes and sizes, and links to the previous digest by file name,
 * SHA-256 and signature, so the digests form a chain. As in CloudTrail, the
 * signature is kept beside the digest (`<digest>.sig`, hex) and signs the
 * string
 *
 *   digestEndTime + "\n" + digestFile + "\n" + hex(SHA-256(digest file bytes)) + "\n" + previousDigestSignature
 *
 * where previousDigestSignature is "null" for the first digest of a chain.
 *
 * HEAD.json records the newest digest and the log file being written, with
 * its own signature in HEAD.json.sig over hex(SHA-256(HEAD.json bytes)).
 */
import { createHash } from 'node:crypto';
import type { SignatureAlgorithm } from './signing-key.js';

export const DIGEST_FORMAT = 'trent-audit-digest/1';
export const HEAD_FORMAT = 'trent-audit-head/1';
export const HASH_ALGORITHM = 'SHA-256';

export interface DigestLogFile {
  file: string;
  hashValue: string;
  hashAlgorithm: typeof HASH_ALGORITHM;
  byteCount: number;
  eventCount: number;
  oldestEventTime: string | null;
  newestEventTime: string | null;
}

export interface DigestRecovery {
  reason: string;
  file?: string;
  truncatedBytes?: number;
}

export interface Digest {
  format: typeof DIGEST_FORMAT;
  digestStartTime: string;
  digestEndTime: string;
  digestFile: string;
  digestPublicKeyFingerprint: string;
  digestSignatureAlgorithm: SignatureAlgorithm;
  newestEventTime: string | null;
  oldestEventTime: string | null;
  previousDigestFile: string | null;
  previousDigestHashValue: string | null;
  previousDigestHashAlgorithm: typeof HASH_ALGORITHM | null;
  previousDigestSignature: string | null;
  logFiles: DigestLogFile[];
  recovery?: DigestRecovery[];
}

export interface HeadDigestRef {
  file: string;
  hashValue: string;
  signature: string;
  endTime: string;
}

export interface Head {
  format: typeof HEAD_FORMAT;
  createdAt: string;
  updatedAt: string;
  /** Last sequence numbers used. */
  logSeq: number;
  digestSeq: number;
  lastDigest: HeadDigestRef | null;
  /** The log file being written, not yet in any digest. */
  openLog: { file: string; openedAt: string } | null;
  /** Public key fingerprint of the signature. */
  fingerprint: string;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function serializeDigest(digest: Digest): Buffer {
  return Buffer.from(JSON.stringify(digest, null, 2) + '\n');
}

export function digestSigningString(digest: Pick<Digest, 'digestEndTime' | 'digestFile' | 'previousDigestSignature'>, bytes: Buffer): Buffer {
  return Buffer.from(`${digest.digestEndTime}\n${digest.digestFile}\n${sha256Hex(bytes)}\n${digest.previousDigestSignature ?? 'null'}`);
}

export function serializeHead(head: Head): Buffer {
  return Buffer.from(JSON.stringify(head, null, 2) + '\n');
}

export function headSigningString(bytes: Buffer): Buffer {
  return Buffer.from(`${HEAD_FORMAT}\n${sha256Hex(bytes)}`);
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isStrOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** Parses a digest file; undefined when it is not a complete, well-formed digest. */
export function parseDigest(bytes: Buffer): Digest | undefined {
  let d: Partial<Digest>;
  try {
    d = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (d === null || typeof d !== 'object' || d.format !== DIGEST_FORMAT) return undefined;
  if (!isStr(d.digestStartTime) || !isStr(d.digestEndTime) || !isStr(d.digestFile)) return undefined;
  if (!isStr(d.digestPublicKeyFingerprint) || !isStr(d.digestSignatureAlgorithm)) return undefined;
  if (!isStrOrNull(d.previousDigestFile) || !isStrOrNull(d.previousDigestHashValue) || !isStrOrNull(d.previousDigestSignature)) return undefined;
  if (!Array.isArray(d.logFiles)) return undefined;
  for (const f of d.logFiles) {
    if (!f || !isStr(f.file) || !isStr(f.hashValue) || typeof f.byteCount !== 'number' || typeof f.eventCount !== 'number') return undefined;
  }
  return d as Digest;
}

export function parseHead(bytes: Buffer): Head | undefined {
  let h: Partial<Head>;
  try {
    h = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (h === null || typeof h !== 'object' || h.format !== HEAD_FORMAT) return undefined;
  if (typeof h.logSeq !== 'number' || typeof h.digestSeq !== 'number' || !isStr(h.fingerprint)) return undefined;
  return h as Head;
}

/** Digest and event times: ISO 8601 with milliseconds for digests, event times as recorded. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
