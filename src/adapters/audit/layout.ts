/**
 * Layout of a trail directory (DATA_DIR/audit by default):
 *
 *   signing-key.json        digest signing key: public key (PEM), fingerprint,
 *                           private key wrapped under the root key
 *   public-key.pem          the public key, for verifying a copied trail
 *   HEAD.json (+ .sig)      newest digest, open log file, sequence numbers (signed)
 *   logs/YYYY/MM/DD/trent_audit_<opened>_<seq>.jsonl      one CloudTrail record a line
 *   digests/YYYY/MM/DD/trent_digest_<end>_<seq>.json      digest of the files closed then
 *   digests/YYYY/MM/DD/trent_digest_<end>_<seq>.json.sig  its signature (hex)
 *
 * Paths inside a trail are written with "/" and relative to its root.
 * Sequence numbers order files; the UTC times in names are for people.
 */
import { join } from 'node:path';

export const AUDIT_DIR = 'audit';
export const SIGNING_KEY_FILE = 'signing-key.json';
export const PUBLIC_KEY_FILE = 'public-key.pem';
export const HEAD_FILE = 'HEAD.json';
export const LOGS_DIR = 'logs';
export const DIGESTS_DIR = 'digests';
export const SIG_SUFFIX = '.sig';

const LOG_NAME = /^trent_audit_(\d{8}T\d{6}Z)_(\d{8,})\.jsonl$/;
const DIGEST_NAME = /^trent_digest_(\d{8}T\d{6}Z)_(\d{8,})\.json$/;

/** The trail directory of a data directory. */
export function trailDirOf(dataDir: string): string {
  return join(dataDir, AUDIT_DIR);
}

/** 20261123T140000Z */
export function compactTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

function datePath(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}`;
}

const seqText = (seq: number) => String(seq).padStart(8, '0');

export function logFileName(openedAt: number, seq: number): string {
  return `${LOGS_DIR}/${datePath(openedAt)}/trent_audit_${compactTime(openedAt)}_${seqText(seq)}.jsonl`;
}

export function digestFileName(endTime: number, seq: number): string {
  return `${DIGESTS_DIR}/${datePath(endTime)}/trent_digest_${compactTime(endTime)}_${seqText(seq)}.json`;
}

/** The sequence number of a log file path, or undefined if it is not named as one. */
export function logSeqOf(path: string): number | undefined {
  const m = LOG_NAME.exec(path.slice(path.lastIndexOf('/') + 1));
  return m ? Number(m[2]) : undefined;
}

export function digestSeqOf(path: string): number | undefined {
  const m = DIGEST_NAME.exec(path.slice(path.lastIndexOf('/') + 1));
  return m ? Number(m[2]) : undefined;
}

/** Whether a trail-relative path has the shape of a log file path (no "..", under logs/). */
export function isLogPath(path: string): boolean {
  return /^logs\/\d{4}\/\d{2}\/\d{2}\/[^/]+$/.test(path) && logSeqOf(path) !== undefined;
}

/** An absolute path for a trail-relative one. */
export function resolveIn(trailDir: string, relative: string): string {
  return join(trailDir, ...relative.split('/'));
}
