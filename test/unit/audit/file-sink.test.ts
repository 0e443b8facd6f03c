import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { FileAuditSink } from '../../../src/adapters/audit/file-sink.js';
import { endOfEvents, listFiles } from '../../../src/adapters/audit/trail-files.js';
import { nodeFileOps, type FileOps } from '../../../src/adapters/audit/file-ops.js';
import { parseDigest, type Digest } from '../../../src/adapters/audit/digest.js';
import { DIGESTS_DIR, LOGS_DIR, digestSeqOf, logSeqOf } from '../../../src/adapters/audit/layout.js';
import { verifyTrail } from '../../../src/adapters/audit/verify.js';
import { ManualClock } from '../../../src/ports/clock.js';
import { AuditUnavailableError } from '../../../src/ports/audit-sink.js';
import type { LocalRootKey } from '../../../src/adapters/rootkey/local-root-key.js';
import { KEY_ARN, ScratchDir, T0, event, testRootKey, writeAtEventsEnd } from './helpers.js';

const HOUR = 3600_000;

/** FileOps that count and can be told to fail or to hold syncs. */
class Instrumented implements FileOps {
  writes = 0;
  syncs = 0;
  failWrite: Error | undefined;
  failSync: Error | undefined;
  failTruncate: Error | undefined;
  failAtomic: ((path: string) => Error | undefined) | undefined;
  failCreate: Error | undefined;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((r) => (this.openGate = r));
  }
  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  /** Durable writes on the calling thread (as nodeFileOps has them with O_DSYNC), once enableBlockingWrites() is called. */
  writeDurableBlocking?: (fd: number, data: Buffer, position: number) => void;
  blockingWrites = 0;
  /** How long each blocking write takes (busy wait): a slow disk. */
  blockingDelayMs = 0;

  enableBlockingWrites(): void {
    this.writeDurableBlocking = (fd, data, position) => {
      this.blockingWrites++;
      const until = performance.now() + this.blockingDelayMs;
      while (performance.now() < until);
      if (this.failWrite) {
        writeSync(fd, data, 0, Math.floor(data.length / 2), position);
        throw this.failWrite;
      }
      writeSync(fd, data, 0, data.length, position); // durability is nodeFileOps' to test (file-ops.test.ts)
    };
  }

  open = nodeFileOps.open;
  createDurable = (path: string, mode: number) => (this.failCreate ? Promise.reject(this.failCreate) : nodeFileOps.open(path, 'wx', mode));
  close = nodeFileOps.close;
  mkdirp = nodeFileOps.mkdirp;
  syncDir = nodeFileOps.syncDir;
  async write(fd: number, data: Buffer, position: number): Promise<void> {
    this.writes++;
    if (this.failWrite) {
      // A partial write, then the error: what a failing disk does.
      await nodeFileOps.write(fd, data.subarray(0, Math.floor(data.length / 2)), position);
      throw this.failWrite;
    }
    return nodeFileOps.write(fd, data, position);
  }
  /** A write and a sync, each counted and each able to fail or be held. */
  async writeDurable(fd: number, data: Buffer, position: number): Promise<void> {
    await this.write(fd, data, position);
    await this.datasync(fd);
  }
  async datasync(fd: number): Promise<void> {
    this.syncs++;
    if (this.gate) await this.gate;
    if (this.failSync) throw this.failSync;
    return nodeFileOps.datasync(fd);
  }
  async truncate(fd: number, length: number): Promise<void> {
    if (this.failTruncate) throw this.failTruncate;
    return nodeFileOps.truncate(fd, length);
  }
  async writeFileAtomic(path: string, data: Buffer | string, mode?: number): Promise<void> {
    const fail = this.failAtomic?.(path);
    if (fail) throw fail;
    return nodeFileOps.writeFileAtomic(path, data, mode);
  }
}

const ticks = (n: number) => new Promise<void>((resolve) => {
  let left = n;
  const step = () => (--left <= 0 ? resolve() : setImmediate(step));
  setImmediate(step);
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(cond(), 'condition not reached');
}

async function logFiles(trail: string) {
  return (await listFiles(trail, LOGS_DIR, logSeqOf)).sort((a, b) => a.seq - b.seq);
}

async function digests(trail: string): Promise<Digest[]> {
  const files = (await listFiles(trail, DIGESTS_DIR, digestSeqOf)).sort((a, b) => a.seq - b.seq);
  return files.map((f) => parseDigest(readFileSync(join(trail, f.file)))!);
}

/** The event lines of a log file (of one being written: before the zeros written ahead). */
function lines(trail: string, file: string): string[] {
  const data = readFileSync(join(trail, file));
  return data.subarray(0, endOfEvents(data)).toString('utf8').split('\n').filter((l) => l !== '');
}

describe('file audit sink', () => {
  let scratch: ScratchDir;
  let trail: string;
  let rootKey: LocalRootKey;
  let clock: ManualClock;
  let ops: Instrumented;
  const sinks: FileAuditSink[] = [];

  const openSink = async (extra: Partial<Parameters<typeof FileAuditSink.open>[0]> = {}) => {
    const sink = await FileAuditSink.open({ trailDir: trail, rootKey, clock, fileOps: ops, timers: false, algorithm: 'Ed25519', ...extra });
    sinks.push(sink);
    return sink;
  };

  beforeEach(() => {
    scratch = new ScratchDir();
    trail = join(scratch.dir, 'audit');
    rootKey = testRootKey();
    clock = new ManualClock(T0 + 10 * 60_000);
    ops = new Instrumented();
  });
  afterEach(async () => {
    for (const s of sinks.splice(0)) await s.close().catch(() => {});
    scratch.dispose();
  });

  it('group commit: concurrent records share one write and one sync', async () => {
    const sink = await openSink();
    const before = ops.syncs;
    await Promise.all(Array.from({ length: 200 }, (_, i) => sink.record(event({ operation: 'Encrypt', requestId: `r${i}`, keyArns: [KEY_ARN] }))));
    assert.equal(ops.syncs - before, 1);
    assert.equal(ops.writes, 1);
    const [log] = await logFiles(trail);
    assert.equal(lines(trail, log.file).length, 200);
    const s = sink.stats();
    assert.equal(s.eventsWritten, 200);
    assert.equal(s.batches, 1);
    assert.equal(s.largestBatch, 200);
    assert.equal(s.writeLatency.count, 200);
    assert.equal(s.backlog, 0);
  });

  it('records arriving while a sync is under way are written together in the next batch', async () => {
    const sink = await openSink();
    await sink.record(event({ operation: 'ListKeys' })); // opens the file
    ops.hold();
    const syncsBefore = ops.syncs;
    const first = sink.record(event({ operation: 'Encrypt' }));
    await waitFor(() => ops.syncs === syncsBefore + 1); // the first batch is waiting for its sync
    const more = Array.from({ length: 50 }, () => sink.record(event({ operation: 'Decrypt' })));
    await ticks(5);
    assert.equal(sink.stats().backlog, 51);
    ops.release();
    await Promise.all([first, ...more]);
    assert.equal(ops.syncs - syncsBefore, 2, 'the 50 waiting records took one more sync');
    assert.equal(sink.stats().batches, 3);
  });

  it('record resolves only after the data is synced', async () => {
    const sink = await openSink();
    await sink.record(event({ operation: 'ListKeys' }));
    ops.hold();
    let resolved = 0;
    const syncsBefore = ops.syncs;
    const all = Array.from({ length: 10 }, () => sink.record(event({ operation: 'Encrypt' })).then(() => resolved++));
    await waitFor(() => ops.syncs === syncsBefore + 1);
    await ticks(20);
    assert.ok(ops.writes >= 2, 'the batch was written');
    assert.equal(resolved, 0, 'but nothing is acknowledged before the sync completes');
    ops.release();
    await Promise.all(all);
    assert.equal(resolved, 10);
  });

  it('refuses records at once when the backlog is full', async () => {
    const sink = await openSink({ maxBacklog: 3 });
    await sink.record(event({ operation: 'ListKeys' }));
    ops.hold();
    const syncsBefore = ops.syncs;
    const inFlight = sink.record(event({ operation: 'Encrypt' }));
    await waitFor(() => ops.syncs === syncsBefore + 1);
    const waiting = [1, 2, 3].map(() => sink.record(event({ operation: 'Encrypt' })));
    await assert.rejects(sink.record(event({ operation: 'Encrypt' })), /backlog full/);
    ops.release();
    await Promise.all([inFlight, ...waiting]);
  });

  it('a failing write rejects its batch, the file is cut back, and the next record succeeds', async () => {
    const sink = await openSink();
    await sink.record(event({ operation: 'CreateKey', requestId: 'good-1' }));
    ops.failWrite = Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    const failed = await Promise.allSettled([sink.record(event({ operation: 'Encrypt', requestId: 'lost-1' })), sink.record(event({ operation: 'Encrypt', requestId: 'lost-2' }))]);
    for (const r of failed) {
      assert.equal(r.status, 'rejected');
      assert.ok((r as PromiseRejectedResult).reason instanceof AuditUnavailableError);
    }
    ops.failWrite = undefined;
    await sink.record(event({ operation: 'Decrypt', requestId: 'good-2' }));
    const [log] = await logFiles(trail);
    assert.deepEqual(
      lines(trail, log.file).map((l) => JSON.parse(l).requestID),
      ['good-1', 'good-2'],
    );
    assert.equal(sink.stats().writeFailures, 1);
    assert.equal(sink.stats().healthy, true);
    await sink.close();
    assert.equal((await verifyTrail({ trailDir: trail })).ok, true);
  });

  it('a failing sync rejects the batch', async () => {
    const sink = await openSink();
    ops.failSync = Object.assign(new Error('EIO: fsync'), { code: 'EIO' });
    await assert.rejects(sink.record(event({ operation: 'Encrypt' })), AuditUnavailableError);
    ops.failSync = undefined;
    await sink.record(event({ operation: 'Encrypt' }));
  });

  it('when a failed write cannot be undone, every later record is refused', async () => {
    const sink = await openSink();
    await sink.record(event({ operation: 'ListKeys' }));
    ops.failWrite = new Error('EIO');
    ops.failTruncate = new Error('EROFS');
    await assert.rejects(sink.record(event({ operation: 'Encrypt' })), AuditUnavailableError);
    ops.failWrite = undefined;
    ops.failTruncate = undefined;
    await assert.rejects(sink.record(event({ operation: 'Encrypt' })), AuditUnavailableError);
    assert.equal(sink.stats().healthy, false);
  });

  it('a failure to create the log file rejects (fail closed)', async () => {
    const sink = await openSink();
    ops.failAtomic = (p) => (p.endsWith('HEAD.json') ? new Error('ENOSPC') : undefined);
    await assert.rejects(sink.record(event({ operation: 'Encrypt' })), AuditUnavailableError);
    ops.failAtomic = undefined;
    await sink.record(event({ operation: 'Encrypt' }));
  });

  it('rotates on the hour: each period gets its own file and a digest chained to the last', async () => {
    const sink = await openSink();
    await sink.record(event({ operation: 'Encrypt', requestId: 'p1' }));
    assert.equal(await sink.rotateIfDue(), false, 'not yet due');
    clock.set(T0 + HOUR); // 15:00: the 14:00 period ends
    assert.equal(await sink.rotateIfDue(), true);
    await sink.record(event({ operation: 'Decrypt', requestId: 'p2', time: T0 + HOUR }));
    clock.set(T0 + 2 * HOUR + 5_000); // an hour with no rotation call: the next record rotates first
    await sink.record(event({ operation: 'Decrypt', requestId: 'p3', time: T0 + 2 * HOUR + 5_000 }));
    clock.set(T0 + 2 * HOUR + 10_000);
    await sink.close();

    const logs = await logFiles(trail);
    assert.deepEqual(
      logs.map((l) => lines(trail, l.file).map((x) => JSON.parse(x).requestID)),
      [['p1'], ['p2'], ['p3']],
    );
    assert.match(logs[0].file, /^logs\/2026\/11\/23\/trent_audit_20261123T141000Z_00000001\.jsonl$/);
    const ds = await digests(trail);
    assert.equal(ds.length, 3);
    assert.deepEqual(
      ds.map((d) => d.logFiles.map((f) => f.file)),
      logs.map((l) => [l.file]),
    );
    assert.equal(ds[0].previousDigestFile, null);
    for (let i = 1; i < ds.length; i++) {
      assert.equal(ds[i].previousDigestFile, ds[i - 1].digestFile);
      assert.equal(ds[i].digestStartTime, ds[i - 1].digestEndTime);
      assert.equal(ds[i].previousDigestSignature, readFileSync(join(trail, ds[i - 1].digestFile + '.sig'), 'utf8').trim());
    }
    assert.equal(ds[0].digestEndTime, '2026-11-23T15:00:00.000Z');
    assert.equal(ds[0].logFiles[0].eventCount, 1);
    assert.equal(ds[0].logFiles[0].byteCount, statSync(join(trail, logs[0].file)).size);
    assert.equal(ds[2].digestEndTime, '2026-11-23T16:00:10.000Z', 'close() seals the last period');
    const report = await verifyTrail({ trailDir: trail });
    assert.deepEqual(report.findings, []);
    assert.equal(report.events, 3);
  });

  it('a period without events still gets a digest, so the chain has no holes', async () => {
    const sink = await openSink();
    clock.set(T0 + HOUR);
    await sink.rotateIfDue();
    clock.set(T0 + 2 * HOUR);
    await sink.rotateIfDue();
    await sink.close();
    const ds = await digests(trail);
    assert.equal(ds.length, 3);
    assert.ok(ds.every((d) => d.logFiles.length === 0));
    assert.equal((await verifyTrail({ trailDir: trail })).ok, true);
  });

  it('the rotation interval is configurable', async () => {
    const sink = await openSink({ rotationIntervalMs: 5 * 60_000 });
    await sink.record(event({ operation: 'Encrypt' }));
    clock.advance(5 * 60_000);
    assert.equal(await sink.rotateIfDue(), true);
    assert.equal((await digests(trail))[0].digestEndTime, '2026-11-23T14:15:00.000Z');
  });

  it('the file being written has zeros written ahead of its events, in the writes that need them; sealing cuts them off', async () => {
    const sink = await openSink({ preallocateBytes: 4096 });
    await sink.record(event({ operation: 'CreateKey', requestId: 'first' }));
    const [log] = await logFiles(trail);
    const path = join(trail, log.file);
    let data = readFileSync(path);
    assert.equal(data.length, endOfEvents(data) + 4096, 'the first write carries the first stretch of zeros');
    assert.ok(data.subarray(endOfEvents(data)).every((b) => b === 0));

    const writes = ops.writes;
    for (let i = 0; i < 20; i++) await sink.record(event({ operation: 'Encrypt', requestId: `r${i}` }));
    assert.equal(ops.writes - writes, 20, 'a stretch of zeros never costs a write of its own');
    data = readFileSync(path);
    const ahead = data.length - endOfEvents(data);
    assert.ok(endOfEvents(data) > 4096 && ahead > 0 && ahead <= 4096, `${ahead} bytes ahead of ${endOfEvents(data)}`);
    assert.equal(lines(trail, log.file).length, 21);

    await sink.close();
    data = readFileSync(path);
    assert.equal(data.indexOf(0), -1, 'a sealed file is exactly its events');
    assert.equal((await digests(trail))[0].logFiles[0].byteCount, data.length);
    const report = await verifyTrail({ trailDir: trail });
    assert.deepEqual(report.findings, []);
    assert.equal(report.events, 21);
  });

  it('durable writes run on the event loop while the disk is fast; a write that carries zeros goes to the thread pool', async () => {
    ops.enableBlockingWrites();
    const sink = await openSink({ preallocateBytes: 4096 });
    await sink.record(event({ operation: 'CreateKey', requestId: 'first' }));
    assert.deepEqual([ops.blockingWrites, ops.writes], [0, 1], 'the first write extends the file: thread pool');
    for (let i = 0; i < 40; i++) await sink.record(event({ operation: 'Encrypt', requestId: `r${i}` }));
    const pool = ops.writes - 1;
    assert.ok(pool >= 1 && pool <= 20, `${pool} further writes extended the file`);
    assert.equal(ops.blockingWrites + pool, 40, 'every other write ran on the loop');
    assert.equal(sink.stats().loopWrites, ops.blockingWrites);
    assert.equal(sink.stats().batches, 41);
    const [log] = await logFiles(trail);
    assert.equal(lines(trail, log.file).length, 41);
    await sink.close();
    assert.deepEqual((await verifyTrail({ trailDir: trail })).findings, []);
  });

  it('while the disk is slow on the event loop, the writes that follow go to the thread pool', async () => {
    ops.enableBlockingWrites();
    const sink = await openSink({ preallocateBytes: 0, loopWriteLimitMs: 2, cpuWait: { waitedMs: () => 0, close() {} } });
    await sink.record(event({ operation: 'Encrypt', requestId: 'fast' }));
    assert.deepEqual([ops.blockingWrites, ops.writes], [1, 0]);
    ops.blockingDelayMs = 20;
    let i = 0;
    while (ops.writes === 0 && i < 10) await sink.record(event({ operation: 'Encrypt', requestId: `slow-${i++}` }));
    assert.ok(ops.writes === 1 && ops.blockingWrites >= 2, `${ops.blockingWrites} slow writes on the loop before the pool took over`);
    const onLoop = ops.blockingWrites;
    for (let j = 0; j < 3; j++) await sink.record(event({ operation: 'Encrypt', requestId: `after-${j}` }));
    assert.deepEqual([ops.blockingWrites, ops.writes], [onLoop, 4], 'the pool takes the writes for a while (one second)');
    const [log] = await logFiles(trail);
    assert.equal(lines(trail, log.file).length, 1 + i + 3);
  });

  it('time spent waiting for a CPU after the disk answered does not count as a slow disk', async () => {
    ops.enableBlockingWrites();
    let waited = 0;
    // Each blocking write of 20 ms is reported as 20 ms of waiting for a CPU.
    const sink = await openSink({ preallocateBytes: 0, loopWriteLimitMs: 2, cpuWait: { waitedMs: () => (waited += ops.blockingDelayMs), close() {} } });
    ops.blockingDelayMs = 20;
    for (let i = 0; i < 10; i++) await sink.record(event({ operation: 'Encrypt', requestId: `busy-${i}` }));
    assert.deepEqual([ops.blockingWrites, ops.writes], [10, 0]);
  });

  it('with loopWriteLimitMs 0 every durable write goes to the thread pool', async () => {
    ops.enableBlockingWrites();
    const sink = await openSink({ preallocateBytes: 0, loopWriteLimitMs: 0 });
    for (let i = 0; i < 3; i++) await sink.record(event({ operation: 'Encrypt', requestId: `r${i}` }));
    assert.deepEqual([ops.blockingWrites, ops.writes], [0, 3]);
  });

  it('a failing write on the event loop rejects its batch, the file is cut back, and the next record succeeds', async () => {
    ops.enableBlockingWrites();
    const sink = await openSink();
    await sink.record(event({ operation: 'CreateKey', requestId: 'good-1' }));
    ops.failWrite = Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    const failed = await Promise.allSettled([sink.record(event({ operation: 'Encrypt', requestId: 'lost-1' })), sink.record(event({ operation: 'Encrypt', requestId: 'lost-2' }))]);
    assert.deepEqual(failed.map((r) => r.status), ['rejected', 'rejected']);
    assert.ok((failed[0] as PromiseRejectedResult).reason instanceof AuditUnavailableError);
    assert.equal(ops.blockingWrites, 1, 'the failed write was the one on the loop');
    ops.failWrite = undefined;
    await sink.record(event({ operation: 'Decrypt', requestId: 'good-2' }));
    const [log] = await logFiles(trail);
    assert.deepEqual(lines(trail, log.file).map((l) => JSON.parse(l).requestID), ['good-1', 'good-2']);
    assert.equal(sink.stats().writeFailures, 1);
    await sink.close();
    assert.deepEqual((await verifyTrail({ trailDir: trail })).findings, []);
  });

  it('with preallocateBytes 0 the file being written grows by appends only', async () => {
    const sink = await openSink({ preallocateBytes: 0 });
    for (let i = 0; i < 3; i++) await sink.record(event({ operation: 'Encrypt', requestId: `r${i}` }));
    const [log] = await logFiles(trail);
    assert.equal(readFileSync(join(trail, log.file)).indexOf(0), -1);
  });

  it('a seal whose cut of the zeros fails is retried, and the file is sealed exactly', async () => {
    const sink = await openSink({ preallocateBytes: 4096 });
    await sink.record(event({ operation: 'Encrypt', requestId: 'before' }));
    clock.set(T0 + HOUR);
    ops.failTruncate = Object.assign(new Error('EIO: ftruncate'), { code: 'EIO' });
    await assert.rejects(sink.rotateIfDue());
    assert.equal((await digests(trail)).length, 0, 'nothing was sealed');
    await sink.record(event({ operation: 'Encrypt', requestId: 'during' }));
    ops.failTruncate = undefined;
    assert.equal(await sink.rotateIfDue(), true);
    const [log] = await logFiles(trail);
    const data = readFileSync(join(trail, log.file));
    assert.equal(data.indexOf(0), -1);
    assert.deepEqual(lines(trail, log.file).map((l) => JSON.parse(l).requestID), ['before', 'during']);
    assert.equal((await digests(trail))[0].logFiles[0].byteCount, data.length);
    await sink.close();
    assert.deepEqual((await verifyTrail({ trailDir: trail })).findings, []);
  });

  it('close() writes what is pending, seals the file, and refuses records after', async () => {
    const sink = await openSink();
    const pending = Array.from({ length: 20 }, () => sink.record(event({ operation: 'Encrypt' })));
    await sink.close();
    await Promise.all(pending);
    await assert.rejects(sink.record(event({ operation: 'Encrypt' })), AuditUnavailableError);
    const ds = await digests(trail);
    assert.equal(ds.length, 1);
    assert.equal(ds[0].logFiles[0].eventCount, 20);
    const head = JSON.parse(readFileSync(join(trail, 'HEAD.json'), 'utf8')).head;
    assert.equal(head.openLog, null);
    assert.equal(head.lastDigest.file, ds[0].digestFile);
  });

  it('after a crash, the open file is sealed at start-up and a torn unacknowledged line is cut off', async () => {
    const crashed = await openSink();
    for (let i = 0; i < 5; i++) await crashed.record(event({ operation: 'Encrypt', requestId: `acked-${i}` }));
    const [log] = await logFiles(trail);
    const torn = '{"eventVersion":"1.11","userIdentity":{"type":"IAMUser"';
    writeAtEventsEnd(join(trail, log.file), torn); // the process died mid-write
    sinks.splice(sinks.indexOf(crashed), 1); // never closed: abandoned as a crash would

    clock.advance(30 * 60_000);
    const sink = await openSink();
    assert.deepEqual(sink.report.recoveries, [{ reason: 'log file left open by an unclean shutdown', file: log.file, truncatedBytes: torn.length }]);
    assert.deepEqual(
      lines(trail, log.file).map((l) => JSON.parse(l).requestID),
      ['acked-0', 'acked-1', 'acked-2', 'acked-3', 'acked-4'],
    );
    const ds = await digests(trail);
    assert.equal(ds.length, 1);
    assert.equal(ds[0].logFiles[0].eventCount, 5);
    assert.deepEqual(ds[0].recovery, [{ reason: 'log file left open by an unclean shutdown', file: log.file, truncatedBytes: torn.length }]);
    await sink.record(event({ operation: 'Decrypt', requestId: 'after' }));
    await sink.close();
    const report = await verifyTrail({ trailDir: trail });
    assert.deepEqual(report.findings, []);
    assert.equal(report.recoveries.length, 1);
    assert.equal(report.events, 6);
  });

  it('a digest written just before a crash (HEAD not yet updated) is adopted, not repeated', async () => {
    const crashed = await openSink();
    await crashed.record(event({ operation: 'Encrypt' }));
    clock.set(T0 + HOUR);
    ops.failAtomic = (p) => (p.endsWith('.sig') || p.endsWith('HEAD.json') ? new Error('killed') : undefined);
    await crashed.rotateIfDue(); // the digest is written, its signature and HEAD are not
    sinks.splice(sinks.indexOf(crashed), 1);
    ops.failAtomic = undefined;

    const sink = await openSink();
    assert.deepEqual(sink.report.recoveries, []);
    await sink.close();
    const ds = await digests(trail);
    assert.equal(ds.filter((d) => d.logFiles.length > 0).length, 1, 'the log file is sealed once');
    assert.deepEqual((await verifyTrail({ trailDir: trail })).findings, []);
  });

  it('an unsigned digest planted while the server was down is not signed at start-up', async () => {
    const first = await openSink();
    await first.record(event({ operation: 'Encrypt' }));
    await first.close();
    const [last] = (await digests(trail)).slice(-1);
    const head = JSON.parse(readFileSync(join(trail, 'HEAD.json'), 'utf8')).head;
    const forgedLog = 'logs/2026/11/23/trent_audit_20261123T143000Z_00000002.jsonl';
    const forgedLine = JSON.stringify(event({ operation: 'Decrypt', requestId: 'forged' })) + '\n';
    writeFileSync(join(trail, forgedLog), forgedLine);
    const planted: Digest = {
      ...last,
      digestStartTime: last.digestEndTime,
      digestEndTime: '2026-11-23T14:45:00.000Z',
      digestFile: 'digests/2026/11/23/trent_digest_20261123T144500Z_00000002.json',
      previousDigestFile: last.digestFile,
      previousDigestHashValue: head.lastDigest.hashValue,
      previousDigestHashAlgorithm: 'SHA-256',
      previousDigestSignature: head.lastDigest.signature,
      logFiles: [{ ...last.logFiles[0], file: forgedLog, hashValue: createHash('sha256').update(forgedLine).digest('hex'), byteCount: forgedLine.length, eventCount: 1 }],
    };
    writeFileSync(join(trail, planted.digestFile), JSON.stringify(planted, null, 2) + '\n');
    const sink = await openSink();
    await sink.close();
    assert.equal(existsSync(join(trail, planted.digestFile + '.sig')), false, 'the server did not sign it');
    const kinds = (await verifyTrail({ trailDir: trail })).findings.map((f) => `${f.kind} ${f.file}`);
    assert.ok(kinds.includes(`digest-signature-missing ${planted.digestFile}`), kinds.join('; '));
  });

  it('a missing HEAD is rebuilt from the newest digest and the repair is sealed into the chain', async () => {
    const first = await openSink();
    await first.record(event({ operation: 'Encrypt' }));
    await first.close();
    rmSync(join(trail, 'HEAD.json'));
    assert.deepEqual(
      (await verifyTrail({ trailDir: trail })).findings.map((f) => f.kind),
      ['head-missing'],
    );
    const sink = await openSink();
    assert.match(sink.report.recoveries[0].reason, /HEAD\.json is missing/);
    await sink.record(event({ operation: 'Decrypt' }));
    await sink.close();
    const report = await verifyTrail({ trailDir: trail });
    assert.deepEqual(report.findings, []);
    assert.match(report.recoveries[0].reason, /HEAD\.json is missing/);
  });

  it('a crash that also lost HEAD: the open log file is sealed when HEAD is rebuilt, its events kept', async () => {
    const first = await openSink();
    await first.record(event({ operation: 'Encrypt', requestId: 'sealed-before' }));
    await first.close();
    const crashed = await openSink();
    for (let i = 0; i < 3; i++) await crashed.record(event({ operation: 'Encrypt', requestId: `open-${i}` }));
    sinks.splice(sinks.indexOf(crashed), 1); // never closed: abandoned as a crash would
    const openLog = (await logFiles(trail)).slice(-1)[0].file;
    rmSync(join(trail, 'HEAD.json'));

    const sink = await openSink();
    assert.deepEqual(
      sink.report.recoveries.map((r) => r.reason),
      ['HEAD.json is missing; rebuilt from the newest valid digest', 'log file not sealed by any digest'],
    );
    assert.equal(sink.report.recoveries[1].file, openLog);
    await sink.close();
    const sealing = (await digests(trail)).find((d) => d.logFiles.some((f) => f.file === openLog));
    assert.equal(sealing?.logFiles[0].eventCount, 3);
    const report = await verifyTrail({ trailDir: trail });
    assert.deepEqual(report.findings, []);
    assert.equal(report.events, 4);
  });

  it('a crash between naming the new log file in HEAD and creating it is repaired and the repair is sealed', async () => {
    const crashed = await openSink();
    ops.failCreate = new Error('killed');
    await assert.rejects(crashed.record(event({ operation: 'Encrypt' })), AuditUnavailableError);
    sinks.splice(sinks.indexOf(crashed), 1); // never closed: abandoned as a crash would
    ops.failCreate = undefined;
    const named = JSON.parse(readFileSync(join(trail, 'HEAD.json'), 'utf8')).head.openLog.file;
    assert.equal(existsSync(join(trail, named)), false);

    const sink = await openSink();
    assert.deepEqual(sink.report.recoveries, [{ reason: 'the log file named in HEAD was never created', file: named }]);
    await sink.record(event({ operation: 'Decrypt' }));
    await sink.close();
    const report = await verifyTrail({ trailDir: trail });
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.recoveries.map((r) => r.reason), ['the log file named in HEAD was never created']);
    assert.equal(report.events, 1);
  });

  it('the signing key is stored wrapped under the root key and its public key is exported', async () => {
    const sink = await openSink();
    await sink.close();
    const keyFile = readFileSync(join(trail, 'signing-key.json'), 'utf8');
    assert.ok(!keyFile.includes('PRIVATE KEY'));
    assert.equal(statSync(join(trail, 'signing-key.json')).mode & 0o077, 0);
    assert.equal(readFileSync(join(trail, 'public-key.pem'), 'utf8').trim(), sink.publicKeyPem().trim());
    rootKey = testRootKey(); // a different root key cannot unwrap it
    await assert.rejects(FileAuditSink.open({ trailDir: trail, rootKey, clock, fileOps: ops, timers: false }));
  });

  it('RSA (SHA256withRSA, as CloudTrail) is the default algorithm', async () => {
    const sink = await FileAuditSink.open({ trailDir: trail, rootKey, clock, timers: false });
    sinks.push(sink);
    await sink.record(event({ operation: 'Encrypt' }));
    await sink.close();
    assert.equal((await digests(trail))[0].digestSignatureAlgorithm, 'SHA256withRSA');
    assert.ok(existsSync(join(trail, 'public-key.pem')));
    assert.deepEqual((await verifyTrail({ trailDir: trail })).findings, []);
  });
});
