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
 *
 * Each process that serves requests writes a trail of its own, so no event
 * crosses a process boundary before it is durable: DATA_DIR/audit for a
 * single process and for worker 1, DATA_DIR/audit-N for worker N. The
 * trails of one data directory share one signing key; readers merge them.
 */
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

export const AUDIT_DIR = 'audit';
export const SIGNING_KEY_FILE = 'signing-key.json';
export const PUBLIC_KEY_FILE = 'public-key.pem';
export const HEAD_FILE = 'HEAD.json';
export const LOGS_DIR = 'logs';
export const DIGESTS_DIR = 'digests';
export const SIG_SUFFIX = '.sig';

const LOG_NAME = /^trent_audit_(\d{8}T\d{6}Z)_(\d{8,})\.jsonl$/;
const DIGEST_NAME = /^trent_digest_(\d{8}T\d{6}Z)_(\d{8,})\.json$/;

const TRAIL_DIR_NAME = /^audit(?:-([1-9]\d{0,2}))?$/;

/** The trail directory that `writer` (worker number; 1 for a single process) of a data directory writes. */
export function trailDirOf(dataDir: string, writer = 1): string {
  return join(dataDir, writer === 1 ? AUDIT_DIR : `${AUDIT_DIR}-${writer}`);
}

/** Whether a directory name is that of a trail in a data directory (audit, audit-2, ...). */
export function isTrailDirName(name: string): boolean {
  return TRAIL_DIR_NAME.test(name);
}

/** The writer number of a trail directory (its last path component: audit is 1, audit-N is N). */
export function writerOfTrailDir(trailDir: string): number {
  return Number(TRAIL_DIR_NAME.exec(basename(trailDir))?.[1] ?? 1);
}

/** Every trail directory of a data directory, writer 1 first; none if the data directory does not exist. */
export async function trailDirsIn(dataDir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dataDir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .filter((e) => e.isDirectory() && isTrailDirName(e.name))
    .map((e) => join(dataDir, e.name))
    .sort((a, b) => writerOfTrailDir(a) - writerOfTrailDir(b));
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
