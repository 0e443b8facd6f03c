/**
 * The audit trail on local disk: CloudTrail records as JSON Lines, one log
 * file per period (hourly by default), each period sealed by a signed digest
 * chained to the previous one (layout.ts, digest.ts).
 *
 * Durability and throughput: `record` resolves only after the line is on
 * stable storage (a write to a file opened with O_DSYNC, which is durable
 * when it returns; or a write and an fdatasync where the platform lacks
 * O_DSYNC). An O_DSYNC write runs on the event loop while the disk answers
 * within a few milliseconds, in the thread pool otherwise
 * (write-placement.ts). Records that arrive while a write is under way, or
 * within the same tick, are written together with one
 * durable write (group commit), so a thousand concurrent requests cost a
 * handful of syncs, not a thousand. A write that fails rejects every record
 * of its batch (the caller fails the request: fail closed); the file is cut
 * back to its last synced length, and if even that fails the sink refuses
 * all further records until restarted.
 *
 * Space written ahead: the file being written is extended with zeros a
 * stretch at a time (`preallocateBytes`, in the same durable write as the
 * events that need it), so most group commits overwrite blocks the file
 * already has. Such a write changes no file-system metadata, and on ext4 it
 * costs one flush instead of a journal commit and a flush: about half the
 * time and CPU of an append. Events never contain a zero byte (JSON escapes
 * it), so the events of an open file end at its first zero byte (readers:
 * log-lines.ts, trail-files.ts). Sealing cuts the zeros off before the
 * digest is written, so a sealed file is exactly its events.
 *
 * Crash safety: HEAD.json names the file being written. At start-up a file
 * left open by a crash is sealed with a digest (a torn, never-acknowledged
 * last line is cut off and the digest says so), digests written just before
 * a crash are adopted, and a missing or forged HEAD is rebuilt from the
 * newest digest, noted in the next digest. The zeros a crashed file was
 * extended with are cut off too (not reported as torn: no event was there).
 */
import { createHash, type Hash } from 'node:crypto';
import { dirname } from 'node:path';
import type { AuditEvent } from '../../audit/event.js';
import { systemClock, type Clock } from '../../ports/clock.js';
import { AuditUnavailableError, type AuditSink } from '../../ports/audit-sink.js';
import type { RootKeyProvider } from '../../ports/root-key.js';
import {
  DIGEST_FORMAT,
  HASH_ALGORITHM,
  digestSigningString,
  headSigningString,
  isoTime,
  serializeDigest,
  serializeHead,
  sha256Hex,
  type Digest,
  type DigestLogFile,
  type DigestRecovery,
  type Head,
} from './digest.js';
import { nodeFileOps, type FileOps } from './file-ops.js';
import {
  DIGESTS_DIR,
  HEAD_FILE,
  LOGS_DIR,
  SIG_SUFFIX,
  digestFileName,
  digestSeqOf,
  logFileName,
  logSeqOf,
  resolveIn,
} from './layout.js';
import { SinkCounters, errorText, type AuditSinkStats } from './sink-stats.js';
import { SigningKey, type SignatureAlgorithm } from './signing-key.js';
import { listFiles } from './trail-files.js';
import { DEFAULT_LOOP_WRITE_LIMIT_MS, WritePlacement } from './write-placement.js';
import { openCpuWaitClock, type CpuWaitClock } from './cpu-wait.js';
import { adoptNewerDigests, initialHead, readHead, rebuildHead, recoverOpenLog, type TrailAccess } from './trail-recovery.js';

export type { AuditSinkStats } from './sink-stats.js';

export const DEFAULT_ROTATION_MS = 60 * 60 * 1000;
export const DEFAULT_PREALLOCATE_BYTES = 1024 * 1024;

export interface FileAuditSinkOptions {
  /** The trail directory (DATA_DIR/audit, or DATA_DIR/audit-N for worker N: see trailDirOf). */
  trailDir: string;
  /** Wraps the digest signing key at rest. */
  rootKey: RootKeyProvider;
  clock?: Clock;
  /** Log files close at multiples of this interval (UTC), and on close(). Default one hour. */
  rotationIntervalMs?: number;
  /** Algorithm of a newly generated signing key. Default SHA256withRSA, as CloudTrail. */
  algorithm?: SignatureAlgorithm;
  /** A trail whose signing key this one adopts when it has none (another writer's trail of the same data directory). */
  shareSigningKeyOf?: string;
  fileOps?: FileOps;
  /** Largest number of events written with one write and sync. */
  maxBatchEvents?: number;
  /** Zeros written ahead of the events of the open file, a stretch at a time (see above). Default 1 MiB; 0 appends instead. */
  preallocateBytes?: number;
  /** Mean duration of durable writes on the event loop beyond which they go to the thread pool for a while (write-placement.ts); 0: always the pool. Default 4 ms. */
  loopWriteLimitMs?: number;
  /** The event loop thread's time spent waiting for a CPU, left out of a loop write's duration (default: cpu-wait.ts, where the kernel reports it); closed with the sink. */
  cpuWait?: CpuWaitClock;
  /** Records waiting beyond this many are refused at once (the disk cannot keep up). Default 100000. */
  maxBacklog?: number;
  /** Seal periods with setTimeout (default true); tests drive rotateIfDue() instead. */
  timers?: boolean;
  /** Write a digest for a period without events, as CloudTrail does (default true). */
  emptyDigests?: boolean;
  /** Told of rotation failures and recoveries; never given event contents. */
  onWarning?: (message: string, fields?: Record<string, unknown>) => void;
}


/** What start-up found and repaired. */
export interface OpenReport {
  createdTrail: boolean;
  recoveries: DigestRecovery[];
}

interface Pending {
  /** The event as one line of JSON, without its line break. */
  json: string;
  eventMs: number;
  eventTime: string;
  enqueuedAt: bigint;
  resolve: () => void;
  reject: (e: Error) => void;
}

interface OpenLog {
  file: string;
  fd: number;
  openedAt: number;
  /** Length of the events written (and synced). */
  bytes: number;
  /** Length of the file: the events, then zeros written ahead of them. */
  allocated: number;
  hash: Hash;
  events: number;
  oldest?: { ms: number; text: string };
  newest?: { ms: number; text: string };
}

export class FileAuditSink implements AuditSink {
  private readonly clock: Clock;
  private readonly ops: FileOps;
  private readonly interval: number;
  private readonly maxBatch: number;
  private readonly preallocate: number;
  private readonly maxBacklog: number;
  private readonly placement: WritePlacement;
  private readonly cpuWait: CpuWaitClock | undefined;
  private readonly emptyDigests: boolean;
  private readonly useTimers: boolean;
  private readonly warn: (message: string, fields?: Record<string, unknown>) => void;

  private head!: Head;
  private key!: SigningKey;
  private current: OpenLog | null = null;
  private periodEnd = 0;
  private notes: DigestRecovery[] = [];
  private unsignedDigest: { file: string; signature: string } | null = null;
  private headDirty = false;

  private pending: Pending[] = [];
  private inFlight = 0;
  private flushQueued = false;
  private lane: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closing = false;
  private closed = false;
  private broken: Error | undefined;

  private readonly counters = new SinkCounters();

  report: OpenReport = { createdTrail: false, recoveries: [] };

  private constructor(readonly trailDir: string, private readonly rootKey: RootKeyProvider, options: FileAuditSinkOptions) {
    this.clock = options.clock ?? systemClock;
    this.ops = options.fileOps ?? nodeFileOps;
    this.interval = options.rotationIntervalMs ?? DEFAULT_ROTATION_MS;
    if (!(this.interval >= 1000)) throw new Error('the audit rotation interval must be at least one second');
    this.maxBatch = options.maxBatchEvents ?? 4096;
    this.preallocate = options.preallocateBytes ?? DEFAULT_PREALLOCATE_BYTES;
    if (!(this.preallocate >= 0)) throw new Error('the audit preallocation must be zero or more bytes');
    this.maxBacklog = options.maxBacklog ?? 100_000;
    const loopLimit = options.loopWriteLimitMs ?? DEFAULT_LOOP_WRITE_LIMIT_MS;
    if (!(loopLimit >= 0)) throw new Error('the audit loop write limit must be zero or more milliseconds');
    this.placement = new WritePlacement(loopLimit);
    this.cpuWait = options.cpuWait ?? openCpuWaitClock();
    this.emptyDigests = options.emptyDigests ?? true;
    this.useTimers = options.timers ?? true;
    this.warn = options.onWarning ?? (() => {});
  }

  /** Opens (creating if need be) the trail, repairing what a crash left behind. */
  static async open(options: FileAuditSinkOptions): Promise<FileAuditSink> {
    const sink = new FileAuditSink(options.trailDir, options.rootKey, options);
    await sink.start(options.algorithm ?? 'SHA256withRSA', options.shareSigningKeyOf);
    return sink;
  }

  get fingerprint(): string {
    return this.key.fingerprint;
  }

  /** The digest signing key's public key (PEM), to verify copies of the trail with. */
  publicKeyPem(): string {
    return this.key.publicKeyPem();
  }

  record(event: AuditEvent): Promise<void> {
    let json: string;
    try {
      json = JSON.stringify(event);
    } catch (e) {
      return Promise.reject(new AuditUnavailableError('the audit event cannot be serialized', { cause: e }));
    }
    // JSON.stringify escapes every line break and zero byte, so the line needs no check.
    return this.enqueue(json, event.eventTime);
  }

  private enqueue(json: string, eventTime: string): Promise<void> {
    if (this.closing || this.closed) return Promise.reject(new AuditUnavailableError('the audit trail is closed'));
    if (this.broken) return Promise.reject(new AuditUnavailableError('the audit trail cannot be written', { cause: this.broken }));
    if (this.pending.length >= this.maxBacklog) return Promise.reject(new AuditUnavailableError('the audit trail is not keeping up (backlog full)'));
    const parsed = Date.parse(eventTime);
    const eventMs = Number.isFinite(parsed) ? parsed : this.clock.now();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ json, eventMs, eventTime, enqueuedAt: process.hrtime.bigint(), resolve, reject });
      this.kick();
    });
  }

  /** Seals the current period if its end has passed; returns whether it did. */
  rotateIfDue(): Promise<boolean> {
    return this.exclusive(() => this.rotateIfDueLocked());
  }

  /** Seals the current period now (a digest even without events). */
  rotate(): Promise<void> {
    return this.exclusive(async () => {
      if (this.closed) return;
      const now = this.clock.now();
      await this.sealPeriod(now, true);
      this.periodEnd = this.nextBoundary(now);
      this.schedule();
    });
  }

  async close(): Promise<void> {
    if (this.closed || this.closing) return this.exclusive(async () => {});
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    await this.exclusive(() => this.flushPending());
    await this.exclusive(async () => {
      try {
        if (!this.broken) await this.sealPeriod(this.clock.now(), true);
      } finally {
        this.closed = true;
        this.cpuWait?.close();
        if (this.current) {
          await this.ops.close(this.current.fd).catch(() => {});
          this.current = null;
        }
      }
    });
  }

  /** Whether records can be accepted: false once the sink has given up (a write it could not undo) or is closing. */
  writable(): boolean {
    return !this.broken && !this.closed && !this.closing;
  }

  stats(): AuditSinkStats {
    return this.counters.snapshot({
      backlog: this.pending.length + this.inFlight,
      healthy: !this.broken && !this.closed && !this.closing,
      ...(this.current ? { currentLogFile: this.current.file } : {}),
      ...(this.head?.lastDigest ? { lastDigestFile: this.head.lastDigest.file } : {}),
    });
  }


  // ---- group commit ------------------------------------------------------

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lane.then(fn, fn);
    this.lane = run.catch(() => {});
    return run;
  }

  private kick(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    // setImmediate lets every record() of this tick join the batch.
    setImmediate(() => {
      this.flushQueued = false;
      void this.exclusive(() => this.flushPending());
    });
  }

  private async flushPending(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight = batch.length;
      try {
        await this.writeBatch(batch);
      } finally {
        this.inFlight = 0;
      }
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    if (this.broken) {
      for (const p of batch) p.reject(new AuditUnavailableError('the audit trail cannot be written', { cause: this.broken }));
      return;
    }
    try {
      await this.rotateIfDueLocked();
    } catch {
      // Counted and reported by rotateIfDueLocked; the batch goes to the file still open.
    }
    // One string and one encoding for the whole batch.
    let text = '';
    for (const p of batch) text += p.json + '\n';
    const data = Buffer.from(text, 'utf8');
    let log: OpenLog | undefined;
    try {
      log = await this.ensureOpen();
      await this.writeEvents(log, data);
    } catch (e) {
      this.counters.failed('write', e);
      const err = new AuditUnavailableError('the audit event could not be written durably', { cause: e });
      for (const p of batch) p.reject(err);
      if (log) await this.cutBack(log);
      return;
    }
    log.hash.update(data);
    log.bytes += data.length;
    log.events += batch.length;
    for (const p of batch) {
      if (!log.oldest || p.eventMs < log.oldest.ms) log.oldest = { ms: p.eventMs, text: p.eventTime };
      if (!log.newest || p.eventMs >= log.newest.ms) log.newest = { ms: p.eventMs, text: p.eventTime };
    }
    this.counters.batchWritten(batch.length, data.length);
    const done = process.hrtime.bigint();
    for (const p of batch) {
      this.counters.latency(Number(done - p.enqueuedAt) / 1e6);
      p.resolve();
    }
  }

  /**
   * The batch's durable write, on the event loop or in the thread pool
   * (write-placement.ts). A write that carries a stretch of zeros is large
   * by design, so it always goes to the pool and is not timed.
   */
  private async writeEvents(log: OpenLog, data: Buffer): Promise<void> {
    const out = this.withSpaceAhead(log, data);
    const started = performance.now();
    if (out !== data || this.ops.writeDurableBlocking === undefined || this.placement.choose(started) === 'pool') {
      return this.ops.writeDurable(log.fd, out, log.bytes);
    }
    const waitedBefore = this.cpuWait?.waitedMs() ?? 0;
    this.ops.writeDurableBlocking(log.fd, data, log.bytes);
    this.counters.loopWrites++;
    const ended = performance.now();
    const waited = (this.cpuWait?.waitedMs() ?? 0) - waitedBefore;
    this.placement.observeLoopWrite(ended, ended - started - waited);
  }

  /**
   * What to write at the end of the events: `data`, followed by the next
   * stretch of zeros when `data` would run past the file's length. Counts
   * the stretch as allocated (a failed write is cut back: cutBack).
   */
  private withSpaceAhead(log: OpenLog, data: Buffer): Buffer {
    const end = log.bytes + data.length;
    if (end <= log.allocated || this.preallocate === 0) return data;
    const withZeros = Buffer.alloc(data.length + this.preallocate);
    data.copy(withZeros);
    log.allocated = end + this.preallocate;
    return withZeros;
  }

  /** After a failed write: cut the file back to what was synced, or stop for good. */
  private async cutBack(log: OpenLog): Promise<void> {
    log.allocated = log.bytes;
    try {
      await this.ops.truncate(log.fd, log.bytes);
      await this.ops.datasync(log.fd);
    } catch (e) {
      this.broken = e instanceof Error ? e : new Error(String(e));
      this.counters.lastError = errorText(e);
      this.warn('audit trail disabled: a failed write could not be undone', { file: log.file, error: errorText(e) });
    }
  }

  // ---- periods -----------------------------------------------------------

  private nextBoundary(t: number): number {
    return (Math.floor(t / this.interval) + 1) * this.interval;
  }

  private schedule(): void {
    if (!this.useTimers || this.closing || this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    const delay = Math.max(0, Math.min(this.periodEnd - this.clock.now(), 2 ** 31 - 1));
    this.timer = setTimeout(() => {
      void this.rotateIfDue()
        .catch(() => {})
        .finally(() => this.schedule());
    }, delay);
    this.timer.unref();
  }

  private async rotateIfDueLocked(): Promise<boolean> {
    if (this.closed) return false;
    const now = this.clock.now();
    if (now < this.periodEnd) return false;
    try {
      await this.sealPeriod(now, this.emptyDigests);
    } catch (e) {
      this.counters.failed('rotation', e);
      this.warn('audit log rotation failed; will retry', { error: errorText(e) });
      throw e;
    }
    this.periodEnd = this.nextBoundary(now);
    this.schedule();
    return true;
  }

  private async ensureOpen(): Promise<OpenLog> {
    if (this.current) return this.current;
    await this.settleMetadata();
    const now = this.clock.now();
    const seq = this.head.logSeq + 1;
    const file = logFileName(now, seq);
    const path = resolveIn(this.trailDir, file);
    await this.ops.mkdirp(dirname(path));
    const head: Head = { ...this.head, logSeq: seq, openLog: { file, openedAt: isoTime(now) } };
    await this.writeHead(head);
    const fd = await this.ops.createDurable(path, 0o640);
    try {
      await this.ops.syncDir(dirname(path));
    } catch (e) {
      await this.ops.close(fd).catch(() => {});
      throw e;
    }
    this.current = { file, fd, openedAt: now, bytes: 0, allocated: 0, hash: createHash('sha256'), events: 0 };
    return this.current;
  }

  /**
   * Seals the open log file (if any) with a digest covering the time since
   * the previous digest. Once the digest is written the file is never
   * appended to again, even if recording the new HEAD fails (retried later).
   */
  private async sealPeriod(now: number, evenIfEmpty: boolean): Promise<void> {
    await this.settleMetadata();
    const log = this.current;
    if (!log && !evenIfEmpty && this.notes.length === 0) return;
    if (log && log.allocated > log.bytes) await this.cutOffSpaceAhead(log);
    const entries: DigestLogFile[] = log ? [logEntry(log)] : [];
    await this.writeDigest(now, entries);
    if (log) {
      this.current = null;
      await this.ops.close(log.fd).catch(() => {});
    }
    this.head = { ...this.head, openLog: null };
    this.headDirty = true;
    try {
      await this.settleMetadata();
    } catch (e) {
      // The digest exists; its signature file and HEAD are written before anything else is.
      this.counters.failed('rotation', e);
      this.warn('audit digest sealed but its signature or HEAD could not be written; will retry', { error: errorText(e) });
    }
  }

  /** Cuts the zeros written ahead off a file about to be sealed, durably: the digest seals exactly its events. */
  private async cutOffSpaceAhead(log: OpenLog): Promise<void> {
    // If this fails, `allocated` still exceeds `bytes`: writes go on at `bytes` either way, and the next seal cuts again.
    await this.ops.truncate(log.fd, log.bytes);
    await this.ops.datasync(log.fd);
    log.allocated = log.bytes;
  }

  /** Writes a digest of `entries` ending at `now`, and makes it the newest. */
  private async writeDigest(now: number, entries: DigestLogFile[]): Promise<void> {
    const seq = this.head.digestSeq + 1;
    const file = digestFileName(now, seq);
    const prev = this.head.lastDigest;
    const times = entries.flatMap((e) => [e.oldestEventTime, e.newestEventTime]).filter((t): t is string => t !== null);
    times.sort((a, b) => Date.parse(a) - Date.parse(b));
    const digest: Digest = {
      format: DIGEST_FORMAT,
      digestStartTime: prev ? prev.endTime : this.head.createdAt,
      digestEndTime: isoTime(now),
      digestFile: file,
      digestPublicKeyFingerprint: this.key.fingerprint,
      digestSignatureAlgorithm: this.key.algorithm,
      newestEventTime: times.length ? times[times.length - 1] : null,
      oldestEventTime: times.length ? times[0] : null,
      previousDigestFile: prev ? prev.file : null,
      previousDigestHashValue: prev ? prev.hashValue : null,
      previousDigestHashAlgorithm: prev ? HASH_ALGORITHM : null,
      previousDigestSignature: prev ? prev.signature : null,
      logFiles: entries,
      ...(this.notes.length > 0 ? { recovery: this.notes } : {}),
    };
    const bytes = serializeDigest(digest);
    const signature = this.key.sign(digestSigningString(digest, bytes));
    const path = resolveIn(this.trailDir, file);
    await this.ops.mkdirp(dirname(path));
    await this.ops.writeFileAtomic(path, bytes);
    // From here on the digest exists: the state moves forward even if what follows fails.
    this.notes = [];
    this.counters.digestsWritten++;
    this.head = {
      ...this.head,
      digestSeq: seq,
      lastDigest: { file, hashValue: sha256Hex(bytes), signature, endTime: digest.digestEndTime },
    };
    this.unsignedDigest = { file, signature };
    this.headDirty = true;
  }

  /** Writes a pending digest signature and HEAD, if a previous attempt left them unwritten. */
  private async settleMetadata(): Promise<void> {
    if (this.unsignedDigest) {
      const { file, signature } = this.unsignedDigest;
      await this.ops.writeFileAtomic(resolveIn(this.trailDir, file + SIG_SUFFIX), signature + '\n');
      this.unsignedDigest = null;
    }
    if (this.headDirty) {
      await this.writeHead(this.head);
    }
  }

  private async writeHead(head: Head): Promise<void> {
    const next: Head = { ...head, updatedAt: isoTime(this.clock.now()), fingerprint: this.key.fingerprint };
    const bytes = serializeHead(next);
    const signature = this.key.sign(headSigningString(bytes));
    await this.ops.writeFileAtomic(resolveIn(this.trailDir, HEAD_FILE), JSON.stringify({ head: next, signature }, null, 2) + '\n');
    this.head = next;
    this.headDirty = false;
  }

  // ---- start-up and recovery ---------------------------------------------

  private note(r: DigestRecovery): void {
    this.notes.push(r);
    this.report.recoveries.push(r);
  }

  private async start(algorithm: SignatureAlgorithm, shareSigningKeyOf: string | undefined): Promise<void> {
    const now = this.clock.now();
    await this.ops.mkdirp(this.trailDir);
    await this.ops.mkdirp(resolveIn(this.trailDir, LOGS_DIR));
    await this.ops.mkdirp(resolveIn(this.trailDir, DIGESTS_DIR));
    if (shareSigningKeyOf !== undefined) await SigningKey.shareInto(this.trailDir, shareSigningKeyOf, this.ops);
    this.key = await SigningKey.loadOrCreate(this.trailDir, this.rootKey, this.ops, algorithm, now);
    const trail: TrailAccess = { trailDir: this.trailDir, ops: this.ops, key: this.key };

    const loaded = await readHead(trail);
    if (loaded.head) {
      this.head = loaded.head;
    } else {
      const digests = await listFiles(this.trailDir, DIGESTS_DIR, digestSeqOf);
      const logs = await listFiles(this.trailDir, LOGS_DIR, logSeqOf);
      if (digests.length === 0 && logs.length === 0) {
        this.report.createdTrail = true;
        this.head = initialHead(now, this.key);
      } else {
        const problem = loaded.problem ?? 'HEAD.json is missing';
        const rebuilt = await rebuildHead(trail, digests, logs, now);
        this.head = rebuilt.head;
        this.note({ reason: `${problem}; rebuilt from the newest valid digest` });
        this.warn('audit trail HEAD rebuilt', { problem, lastDigest: rebuilt.head.lastDigest?.file ?? null });
        for (const l of rebuilt.sealed) this.note({ reason: 'log file not sealed by any digest', file: l.file, truncatedBytes: l.truncatedBytes });
        if (rebuilt.sealed.length > 0) {
          await this.writeDigest(now, rebuilt.sealed.map((l) => l.entry));
          await this.settleMetadata();
        }
      }
      this.headDirty = true;
    }

    const adopted = await adoptNewerDigests(trail, this.head);
    if (adopted !== this.head) {
      this.head = adopted;
      this.headDirty = true;
    }
    await this.recoverOpenLog(trail, now);
    if (this.notes.length > 0) {
      // Seal the repairs into the chain at once, so they are signed even if nothing else happens.
      await this.writeDigest(now, []);
    }
    await this.settleMetadata();
    this.periodEnd = this.nextBoundary(now);
    this.schedule();
  }

  /** Seals the log file HEAD says was open when the previous process stopped. */
  private async recoverOpenLog(trail: TrailAccess, now: number): Promise<void> {
    const recovered = await recoverOpenLog(trail, this.head);
    if (!recovered) return;
    this.head = recovered.head;
    this.headDirty = true;
    if (recovered.missing !== undefined) {
      this.note({ reason: 'the log file named in HEAD was never created', file: recovered.missing });
    } else if (recovered.sealed) {
      const { file, entry, truncatedBytes } = recovered.sealed;
      this.note({ reason: 'log file left open by an unclean shutdown', file, truncatedBytes });
      this.warn('audit log file left open by an unclean shutdown sealed', { file, truncatedBytes });
      await this.writeDigest(now, [entry]);
      await this.settleMetadata();
    }
  }
}

function logEntry(log: OpenLog): DigestLogFile {
  return {
    file: log.file,
    hashValue: log.hash.copy().digest('hex'),
    hashAlgorithm: HASH_ALGORITHM,
    byteCount: log.bytes,
    eventCount: log.events,
    oldestEventTime: log.oldest?.text ?? null,
    newestEventTime: log.newest?.text ?? null,
  };
}
