/**
 * Start-up repairs of a trail: what a crash, or a missing or forged
 * HEAD.json, left behind. Each function reads the trail's files and returns
 * the HEAD that follows from them and the log files it sealed; the sink
 * records the repairs and writes the digests that seal them.
 */
import { readFile, stat } from 'node:fs/promises';
import {
  HEAD_FORMAT,
  digestSigningString,
  headSigningString,
  isoTime,
  parseDigest,
  serializeHead,
  sha256Hex,
  type DigestLogFile,
  type Head,
} from './digest.js';
import type { FileOps } from './file-ops.js';
import { DIGESTS_DIR, HEAD_FILE, SIG_SUFFIX, digestSeqOf, logSeqOf, resolveIn } from './layout.js';
import type { SigningKey } from './signing-key.js';
import { listFiles, parseSignedHead, sealLogFile } from './trail-files.js';

/** The trail being opened and the key that signs it. */
export interface TrailAccess {
  trailDir: string;
  ops: FileOps;
  key: SigningKey;
}

/** A log file sealed during recovery: its digest entry and the torn bytes cut off its end. */
export interface SealedLog {
  file: string;
  entry: DigestLogFile;
  truncatedBytes: number;
}

/** A new trail's HEAD. */
export function initialHead(now: number, key: SigningKey): Head {
  return {
    format: HEAD_FORMAT,
    createdAt: isoTime(now),
    updatedAt: isoTime(now),
    logSeq: 0,
    digestSeq: 0,
    lastDigest: null,
    openLog: null,
    fingerprint: key.fingerprint,
  };
}

/** HEAD.json if present, readable and signed by the trail's key; otherwise why not (absent: neither). */
export async function readHead(t: TrailAccess): Promise<{ head?: Head; problem?: string }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolveIn(t.trailDir, HEAD_FILE));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  const parsed = parseSignedHead(bytes);
  if (!parsed) return { problem: 'HEAD.json is unreadable' };
  if (!t.key.verification.verify(headSigningString(serializeHead(parsed.head)), parsed.signature)) {
    return { problem: 'HEAD.json has an invalid signature' };
  }
  return { head: parsed.head };
}

/**
 * HEAD rebuilt from the newest digest whose signature holds, with the log
 * files written after that digest sealed (they were open when HEAD went
 * missing): the caller writes a digest of `sealed`.
 */
export async function rebuildHead(
  t: TrailAccess,
  digests: { file: string; seq: number }[],
  logs: { file: string; seq: number }[],
  now: number,
): Promise<{ head: Head; sealed: SealedLog[] }> {
  let lastDigest: Head['lastDigest'] = null;
  let sealedLogSeq = 0;
  for (const d of [...digests].sort((a, b) => b.seq - a.seq)) {
    const bytes = await readFile(resolveIn(t.trailDir, d.file)).catch(() => undefined);
    const digest = bytes && parseDigest(bytes);
    const sig = await readFile(resolveIn(t.trailDir, d.file + SIG_SUFFIX), 'utf8').catch(() => undefined);
    if (!bytes || !digest || !sig || !t.key.verification.verify(digestSigningString(digest, bytes), sig.trim())) continue;
    lastDigest = { file: d.file, hashValue: sha256Hex(bytes), signature: sig.trim(), endTime: digest.digestEndTime };
    sealedLogSeq = Math.max(0, ...digest.logFiles.map((f) => logSeqOf(f.file) ?? 0));
    break;
  }
  const head: Head = {
    ...initialHead(now, t.key),
    logSeq: Math.max(0, ...logs.map((l) => l.seq)),
    digestSeq: Math.max(0, ...digests.map((d) => d.seq)),
    lastDigest,
  };
  const sealed: SealedLog[] = [];
  for (const l of logs.filter((l) => l.seq > sealedLogSeq).sort((a, b) => a.seq - b.seq)) {
    const { entry, truncated } = await sealLogFile(t.trailDir, t.ops, l.file);
    sealed.push({ file: l.file, entry, truncatedBytes: truncated });
  }
  return { head, sealed };
}

/**
 * HEAD moved past the digests written by a process that crashed before
 * recording them in HEAD (`head` itself when there are none). A digest whose
 * signature holds is adopted if it links to HEAD's newest digest. One
 * without a (valid) signature is signed here only if it is exactly what the
 * crashed process was writing: the next digest, sealing HEAD's open log file
 * as it is on disk; anything else is left for `verify` to report.
 */
export async function adoptNewerDigests(t: TrailAccess, head: Head): Promise<Head> {
  const digests = (await listFiles(t.trailDir, DIGESTS_DIR, digestSeqOf)).filter((d) => d.seq > head.digestSeq).sort((a, b) => a.seq - b.seq);
  for (const d of digests) {
    const bytes = await readFile(resolveIn(t.trailDir, d.file)).catch(() => undefined);
    const digest = bytes && parseDigest(bytes);
    const prev = head.lastDigest;
    if (!bytes || !digest || digest.digestFile !== d.file || digest.digestPublicKeyFingerprint !== t.key.fingerprint) break;
    const linked =
      digest.previousDigestFile === (prev ? prev.file : null) &&
      digest.previousDigestHashValue === (prev ? prev.hashValue : null) &&
      digest.previousDigestSignature === (prev ? prev.signature : null) &&
      digest.digestStartTime === (prev ? prev.endTime : head.createdAt);
    if (!linked) break;
    const signingString = digestSigningString(digest, bytes);
    const sigPath = resolveIn(t.trailDir, d.file + SIG_SUFFIX);
    let signature = (await readFile(sigPath, 'utf8').catch(() => '')).trim();
    if (!t.key.verification.verify(signingString, signature)) {
      const open = head.openLog?.file;
      if (d.seq !== head.digestSeq + 1 || !digest.logFiles.every((f) => f.file === open)) break;
      if (!(await logFilesMatch(t, digest.logFiles))) break;
      signature = t.key.sign(signingString);
      await t.ops.writeFileAtomic(sigPath, signature + '\n');
    }
    const openLog = head.openLog;
    head = {
      ...head,
      digestSeq: d.seq,
      lastDigest: { file: d.file, hashValue: sha256Hex(bytes), signature, endTime: digest.digestEndTime },
      openLog: openLog && digest.logFiles.some((f) => f.file === openLog.file) ? null : openLog,
    };
  }
  return head;
}

/** Whether each log file a digest names is on disk with the size and hash the digest gives. */
async function logFilesMatch(t: TrailAccess, entries: DigestLogFile[]): Promise<boolean> {
  for (const f of entries) {
    const data = await readFile(resolveIn(t.trailDir, f.file)).catch(() => undefined);
    if (!data || data.length !== f.byteCount || sha256Hex(data) !== f.hashValue) return false;
  }
  return true;
}

/**
 * The log file HEAD says was open when the previous process stopped: sealed
 * (the caller writes a digest of it), or found never to have been created.
 * Undefined when HEAD names no open log file.
 */
export async function recoverOpenLog(t: TrailAccess, head: Head): Promise<{ head: Head; sealed?: SealedLog; missing?: string } | undefined> {
  const open = head.openLog;
  if (!open) return undefined;
  const exists = await stat(resolveIn(t.trailDir, open.file)).then(
    () => true,
    () => false,
  );
  const closed = { ...head, openLog: null };
  if (!exists) return { head: closed, missing: open.file };
  const { entry, truncated } = await sealLogFile(t.trailDir, t.ops, open.file);
  return { head: closed, sealed: { file: open.file, entry, truncatedBytes: truncated } };
}
