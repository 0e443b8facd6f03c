/**
 * Verification of a trail directory: the trail of a data directory, or a copy
 * kept elsewhere (given the public key). Walks the digest chain and the log
 * files and reports every discrepancy it finds, each with the file it
 * concerns:
 *
 *   log-modified        a log file's bytes differ from what its digest sealed
 *   log-missing         a log file named in a digest (or HEAD's file being written) is gone
 *   log-moved           a sealed log file's content is found under another name (swapped or renamed)
 *   log-unlisted        a log file no digest names (inserted), other than the one being written
 *   log-listed-twice    two digests claim the same log file
 *   digest-unreadable   a digest is not a complete digest (truncated or edited)
 *   digest-signature-missing / digest-signature-invalid   unsigned, forged or edited digest
 *   digest-unknown-key  signed by a key the verifier was not given
 *   digest-misplaced    a digest is not at the path it was signed for (renamed, swapped)
 *   digest-missing      a digest that a later digest (or HEAD) names is gone
 *   chain-broken        a digest's link (hash, signature) does not match its predecessor
 *   chain-gap           a digest does not start where its predecessor ended
 *   chain-fork          two digests claim the same predecessor
 *   chain-restart       a second digest claims to begin the chain
 *   head-missing / head-invalid   HEAD.json absent, unreadable or with a bad signature
 *   unexpected-file     a file that has no place in a trail
 *   no-public-key       nothing to check signatures with
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type { RootKeyProvider } from '../../ports/root-key.js';
import { digestSigningString, headSigningString, parseDigest, serializeHead, sha256Hex, type Digest, type DigestLogFile, type Head } from './digest.js';
import { listFiles, parseSignedHead } from './trail-files.js';
import { DIGESTS_DIR, HEAD_FILE, LOGS_DIR, SIG_SUFFIX, digestSeqOf, logSeqOf, resolveIn } from './layout.js';
import { authenticatedTrailKey, trailPublicKey, type VerificationKey } from './signing-key.js';

export type FindingKind =
  | 'log-modified'
  | 'log-missing'
  | 'log-moved'
  | 'log-unlisted'
  | 'log-listed-twice'
  | 'digest-unreadable'
  | 'digest-signature-missing'
  | 'digest-signature-invalid'
  | 'digest-unknown-key'
  | 'digest-misplaced'
  | 'digest-missing'
  | 'chain-broken'
  | 'chain-gap'
  | 'chain-fork'
  | 'chain-restart'
  | 'head-missing'
  | 'head-invalid'
  | 'unexpected-file'
  | 'no-public-key';

export interface Finding {
  kind: FindingKind;
  /** Trail-relative path of the file concerned. */
  file: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface VerifyOptions {
  trailDir: string;
  /** Keys to check signatures with; by default the trail's own (see notes in the report). */
  publicKeys?: readonly VerificationKey[];
  /** With the root key, the trail's own signing key is first proven genuine. */
  rootKey?: RootKeyProvider;
}

export interface VerifyReport {
  ok: boolean;
  findings: Finding[];
  /** Things worth knowing that are not findings. */
  notes: string[];
  digests: number;
  logFiles: number;
  events: number;
  firstDigest?: { file: string; startTime: string };
  lastDigest?: { file: string; endTime: string };
  /** The log file being written (sealed by no digest yet), per HEAD. */
  openLog?: string;
  keyFingerprints: string[];
  /** Repairs recorded in digests (unclean shutdowns, rebuilt HEAD). */
  recoveries: { digest: string; reason: string; file?: string; truncatedBytes?: number }[];
}

interface DigestInfo {
  file: string;
  seq: number;
  bytes?: Buffer;
  hash?: string;
  digest?: Digest;
  signature?: string;
  /** Its own damage, which explains problems in links to it. */
  damaged: boolean;
}

async function hashFile(path: string): Promise<{ hash: string; size: number; lines: number }> {
  const h = createHash('sha256');
  let size = 0;
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    h.update(chunk);
    size += chunk.length;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
  }
  return { hash: h.digest('hex'), size, lines };
}

async function hashPrefix(path: string, length: number): Promise<string> {
  const h = createHash('sha256');
  if (length > 0) for await (const chunk of createReadStream(path, { start: 0, end: length - 1 }) as AsyncIterable<Buffer>) h.update(chunk);
  return h.digest('hex');
}

async function strayFiles(trailDir: string, sub: string, ok: (name: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(resolveIn(trailDir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) await walk(child);
      else if (!ok(child)) out.push(child);
    }
  };
  await walk(sub);
  return out;
}

export async function verifyTrail(options: VerifyOptions): Promise<VerifyReport> {
  const { trailDir } = options;
  const findings: Finding[] = [];
  const notes: string[] = [];
  const add = (kind: FindingKind, file: string, message: string, details?: Record<string, unknown>) =>
    findings.push({ kind, file, message, ...(details ? { details } : {}) });

  // Keys.
  let keys: VerificationKey[] = [...(options.publicKeys ?? [])];
  if (keys.length === 0 && options.rootKey) {
    try {
      keys = [await authenticatedTrailKey(trailDir, options.rootKey)];
      notes.push('signing key read from the trail and proven genuine with the root key');
    } catch (e) {
      add('no-public-key', 'signing-key.json', `the trail's signing key could not be authenticated with the root key: ${(e as Error).message}`);
    }
  } else if (keys.length === 0) {
    const own = await trailPublicKey(trailDir);
    if (own) {
      keys = [own];
      notes.push('public key read from the trail itself: give the exported public key to verify a copy independently');
    } else {
      add('no-public-key', 'signing-key.json', 'no public key was given and the trail holds none');
    }
  }
  const byFingerprint = new Map(keys.map((k) => [k.fingerprint, k]));

  // Digests.
  const digestFiles = (await listFiles(trailDir, DIGESTS_DIR, digestSeqOf)).sort((a, b) => a.seq - b.seq || (a.file < b.file ? -1 : 1));
  const digests: DigestInfo[] = [];
  const byName = new Map<string, DigestInfo>();
  for (const { file, seq } of digestFiles) {
    const info: DigestInfo = { file, seq, damaged: false };
    digests.push(info);
    byName.set(file, info);
    info.bytes = await readFile(resolveIn(trailDir, file));
    info.hash = sha256Hex(info.bytes);
    const sigText = await readFile(resolveIn(trailDir, file + SIG_SUFFIX), 'utf8').catch(() => undefined);
    info.signature = sigText?.trim();
    info.digest = parseDigest(info.bytes);
    if (!info.digest) {
      info.damaged = true;
      add('digest-unreadable', file, 'the digest is not a complete, well-formed digest (truncated or edited)', { bytes: info.bytes.length });
      continue;
    }
    if (info.digest.digestFile !== file) {
      info.damaged = true;
      add('digest-misplaced', file, `the digest was signed as ${info.digest.digestFile} (renamed, moved or swapped)`, {
        signedAs: info.digest.digestFile,
      });
    }
    if (info.signature === undefined) {
      info.damaged = true;
      add('digest-signature-missing', file, `the digest's signature file ${file}${SIG_SUFFIX} is missing`);
      continue;
    }
    const key = byFingerprint.get(info.digest.digestPublicKeyFingerprint);
    if (!key) {
      if (keys.length > 0) {
        info.damaged = true;
        add('digest-unknown-key', file, `signed by key ${info.digest.digestPublicKeyFingerprint}, which was not given`);
      }
      continue;
    }
    if (!key.verify(digestSigningString(info.digest, info.bytes), info.signature)) {
      info.damaged = true;
      add('digest-signature-invalid', file, 'the digest signature does not verify: the digest or its signature was forged or edited');
    }
  }
  for (const stray of await strayFiles(trailDir, DIGESTS_DIR, (p) => digestSeqOf(p) !== undefined || (p.endsWith(SIG_SUFFIX) && digestSeqOf(p.slice(0, -SIG_SUFFIX.length)) !== undefined))) {
    if (/\.tmp-\d+$/.test(stray)) notes.push(`${stray}: leftover of an interrupted write`);
    else add('unexpected-file', stray, 'a file that is not a digest or a digest signature');
  }
  // Signature files whose digest is gone.
  const reportedMissing = new Set<string>();
  const signatureFiles = await strayFiles(trailDir, DIGESTS_DIR, (p) => !p.endsWith(SIG_SUFFIX));
  for (const sig of signatureFiles) {
    const name = sig.slice(0, -SIG_SUFFIX.length);
    if (!byName.has(name) && digestSeqOf(name) !== undefined) {
      reportedMissing.add(name);
      add('digest-missing', name, 'the digest is gone; only its signature file remains');
    }
  }

  // HEAD.
  let head: Head | undefined;
  const headBytes = await readFile(resolveIn(trailDir, HEAD_FILE)).catch(() => undefined);
  if (!headBytes) {
    add('head-missing', HEAD_FILE, 'HEAD.json is missing: the newest digests may have been removed');
  } else {
    const parsed = parseSignedHead(headBytes);
    const key = parsed && byFingerprint.get(parsed.head.fingerprint);
    if (!parsed) add('head-invalid', HEAD_FILE, 'HEAD.json is unreadable');
    else if (!key) {
      if (keys.length > 0) add('head-invalid', HEAD_FILE, `HEAD.json is signed by key ${parsed.head.fingerprint}, which was not given`);
    } else if (!key.verify(headSigningString(serializeHead(parsed.head)), parsed.signature)) {
      add('head-invalid', HEAD_FILE, 'HEAD.json has an invalid signature (forged or edited)');
    } else head = parsed.head;
  }

  // The chain.
  const successor = new Map<string, string>();
  const missing = (name: string, referencedBy: string) => {
    if (reportedMissing.has(name)) return;
    reportedMissing.add(name);
    add('digest-missing', name, `the digest named by ${referencedBy} is gone`, { referencedBy });
  };
  const checkLink = (
    from: string,
    prevName: string,
    link: { hash: string | null; signature: string | null; start?: string },
  ) => {
    const prev = byName.get(prevName);
    if (!prev) return missing(prevName, from);
    if (prev.damaged) return; // its own finding explains a broken link
    if (link.hash !== prev.hash || link.signature !== prev.signature) {
      add('chain-broken', from, `the link to ${prevName} does not match it: ${prevName} changed after ${from} was written`, {
        previous: prevName,
      });
    } else if (link.start !== undefined && prev.digest && link.start !== prev.digest.digestEndTime) {
      add('chain-gap', from, `starts at ${link.start} but ${prevName} ended at ${prev.digest.digestEndTime}`, {
        previous: prevName,
      });
    }
  };
  let starts = 0;
  for (const info of digests) {
    const d = info.digest;
    if (!d) continue;
    if (d.previousDigestFile === null) {
      if (starts++ > 0) add('chain-restart', info.file, 'a second digest claims to begin the chain (digests before it were cut off)');
      continue;
    }
    const prior = successor.get(d.previousDigestFile);
    if (prior !== undefined) add('chain-fork', info.file, `${prior} and ${info.file} both follow ${d.previousDigestFile}`, { previous: d.previousDigestFile });
    else successor.set(d.previousDigestFile, info.file);
    checkLink(info.file, d.previousDigestFile, { hash: d.previousDigestHashValue, signature: d.previousDigestSignature, start: d.digestStartTime });
  }
  if (head?.lastDigest) {
    checkLink(HEAD_FILE, head.lastDigest.file, { hash: head.lastDigest.hashValue, signature: head.lastDigest.signature });
    const newer = digests.filter((x) => x.seq > head!.digestSeq);
    if (newer.length > 0) notes.push(`${newer.length} digest(s) newer than HEAD (written just before an unclean stop; adopted at the next start)`);
  } else if (head && !head.lastDigest && digests.length > 0 && digests.some((x) => x.seq <= head!.digestSeq)) {
    add('head-invalid', HEAD_FILE, 'HEAD.json names no digest although the trail has digests');
  }

  // Log files.
  const listed = new Map<string, { entry: DigestLogFile; digest: string }>();
  for (const info of digests) {
    if (!info.digest) continue;
    for (const entry of info.digest.logFiles) {
      const prior = listed.get(entry.file);
      if (prior) add('log-listed-twice', entry.file, `named by both ${prior.digest} and ${info.file}`, { digests: [prior.digest, info.file] });
      else listed.set(entry.file, { entry, digest: info.file });
    }
  }
  const actual = new Map<string, { hash: string; size: number; lines: number }>();
  for (const { file } of await listFiles(trailDir, LOGS_DIR, logSeqOf)) actual.set(file, await hashFile(resolveIn(trailDir, file)));
  for (const stray of await strayFiles(trailDir, LOGS_DIR, (p) => logSeqOf(p) !== undefined)) {
    if (/\.tmp-\d+$/.test(stray)) notes.push(`${stray}: leftover of an interrupted write`);
    else add('unexpected-file', stray, 'a file that is not a log file');
  }
  const byHash = new Map<string, string[]>();
  for (const [file, a] of actual) byHash.set(a.hash, [...(byHash.get(a.hash) ?? []), file]);

  const explained = new Set<string>(); // actual files whose state a log-moved finding explains
  let events = 0;
  for (const [file, { entry, digest }] of listed) {
    events += entry.eventCount;
    const a = actual.get(file);
    if (a && a.hash === entry.hashValue && a.size === entry.byteCount) continue;
    const elsewhere = (byHash.get(entry.hashValue) ?? []).filter((f) => f !== file);
    if (elsewhere.length > 0) {
      add('log-moved', file, `the content sealed as ${file} by ${digest} is now in ${elsewhere.join(', ')}`, { digest, foundIn: elsewhere });
      for (const f of elsewhere) explained.add(f);
      explained.add(file);
      continue;
    }
    if (!a) {
      add('log-missing', file, `sealed by ${digest} but gone`, { digest });
      continue;
    }
    let change = 'edited';
    if (a.size > entry.byteCount && (await hashPrefix(resolveIn(trailDir, file), entry.byteCount)) === entry.hashValue) change = 'appended to';
    else if (a.size > entry.byteCount && a.lines > entry.eventCount) change = `${a.lines - entry.eventCount} line(s) inserted`;
    else if (a.size < entry.byteCount) change = 'truncated or lines removed';
    else if (a.size === entry.byteCount) change = a.lines === entry.eventCount ? 'edited in place or lines reordered' : 'edited in place';
    add('log-modified', file, `differs from what ${digest} sealed: ${change}`, {
      digest,
      change,
      sealedBytes: entry.byteCount,
      actualBytes: a.size,
      sealedEvents: entry.eventCount,
      actualLines: a.lines,
    });
  }
  const openLog = head?.openLog?.file;
  if (openLog !== undefined && !actual.has(openLog) && !listed.has(openLog)) {
    add('log-missing', openLog, 'the log file being written (named by HEAD) is gone', { namedBy: HEAD_FILE });
  }
  // Without a trustworthy HEAD, the newest unsealed file is taken to be the one being written (a note, not a finding).
  const maxListed = Math.max(0, ...[...listed.keys()].map((f) => logSeqOf(f) ?? 0));
  const newestUnsealed = [...actual.keys()]
    .filter((f) => !listed.has(f) && !explained.has(f) && (logSeqOf(f) ?? 0) > maxListed)
    .sort((x, y) => (logSeqOf(y) ?? 0) - (logSeqOf(x) ?? 0))[0];
  const damaged = digests.filter((x) => x.damaged).map((x) => x.file).concat([...reportedMissing]);
  for (const [file, a] of actual) {
    if (listed.has(file) || explained.has(file)) continue;
    if (file === openLog || (!head && file === newestUnsealed)) {
      if (file !== openLog) notes.push(`${file}: sealed by no digest; taken to be the file being written (HEAD cannot confirm it)`);
      events += a.lines;
      continue;
    }
    add(
      'log-unlisted',
      file,
      damaged.length > 0
        ? `no intact digest names this log file (inserted, or sealed by a damaged or missing digest: ${damaged.join(', ')})`
        : 'no digest names this log file (inserted)',
      { bytes: a.size, lines: a.lines },
    );
  }

  const valid = digests.filter((x) => x.digest);
  const first = valid[0]?.digest;
  const last = valid[valid.length - 1]?.digest;
  const recoveries = valid.flatMap((x) => (x.digest!.recovery ?? []).map((r) => ({ digest: x.file, ...r })));
  return {
    ok: findings.length === 0,
    findings,
    notes,
    digests: digests.length,
    logFiles: actual.size,
    events,
    ...(first ? { firstDigest: { file: first.digestFile, startTime: first.digestStartTime } } : {}),
    ...(last ? { lastDigest: { file: last.digestFile, endTime: last.digestEndTime } } : {}),
    ...(openLog ? { openLog } : {}),
    keyFingerprints: keys.map((k) => k.fingerprint),
    recoveries,
  };
}

/** A report as lines of text, for the CLI. */
export function formatReport(report: VerifyReport): string {
  const lines: string[] = [];
  lines.push(
    `${report.digests} digest(s), ${report.logFiles} log file(s), ${report.events} event(s)` +
      (report.firstDigest && report.lastDigest ? ` from ${report.firstDigest.startTime} to ${report.lastDigest.endTime}` : ''),
  );
  if (report.openLog) lines.push(`being written (not yet sealed): ${report.openLog}`);
  for (const r of report.recoveries) {
    lines.push(`recorded repair in ${r.digest}: ${r.reason}${r.file ? ` (${r.file}${r.truncatedBytes ? `, ${r.truncatedBytes} torn byte(s) cut` : ''})` : ''}`);
  }
  for (const n of report.notes) lines.push(`note: ${n}`);
  for (const f of report.findings) lines.push(`FAIL ${f.kind}: ${f.file}: ${f.message}`);
  lines.push(report.ok ? 'OK: the trail is intact' : `${report.findings.length} problem(s) found`);
  return lines.join('\n') + '\n';
}
