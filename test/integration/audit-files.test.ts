/**
 * The audit trail on a real disk: throughput with group commit under
 * concurrent writers, rotation driven by the sink's own timer, and a crash
 * (SIGKILL) in the middle of heavy writing, after which every acknowledged
 * event is in the trail and the trail verifies.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { FileAuditSink } from '../../src/adapters/audit/file-sink.js';
import { listFiles } from '../../src/adapters/audit/trail-files.js';
import { DIGESTS_DIR, digestSeqOf } from '../../src/adapters/audit/layout.js';
import { AuditReader } from '../../src/adapters/audit/query.js';
import { verifyTrail } from '../../src/adapters/audit/verify.js';
import { LocalRootKey } from '../../src/adapters/rootkey/local-root-key.js';
import { buildAuditEvent } from '../../src/audit/build.js';
import { KEY_ARN, REPO_ROOT, ScratchDir, alice, event } from '../unit/audit/helpers.js';

function encryptEvent(i: number) {
  return buildAuditEvent({
    service: 'kms',
    operation: 'Encrypt',
    caller: alice,
    region: 'us-west-2',
    sourceIp: '192.0.2.1',
    userAgent: 'aws-sdk-js/3',
    requestId: `req-${i}`,
    time: Date.now(),
    input: { KeyId: KEY_ARN, Plaintext: 'c2VjcmV0', EncryptionContext: { tenant: `t${i % 97}` } },
    output: { KeyId: KEY_ARN, CiphertextBlob: 'AQID' },
    keyArns: [KEY_ARN],
    keyMaterialId: 'a'.repeat(64),
  });
}

async function measure(sink: FileAuditSink, writers: number, perWriter: number): Promise<number> {
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; i < perWriter; i++) await sink.record(encryptEvent(w * perWriter + i));
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (writers * perWriter) / seconds;
}

describe('audit trail on disk', () => {
  let scratch: ScratchDir;
  before(() => {
    scratch = new ScratchDir();
  });
  after(() => scratch.dispose());

  it('group commit keeps durable writes fast under 64 concurrent writers', async (t) => {
    const trailDir = join(scratch.dir, 'throughput');
    const sink = await FileAuditSink.open({ trailDir, rootKey: new LocalRootKey(randomBytes(32), 'test') });
    const single = await measure(sink, 1, 200);
    const concurrent = await measure(sink, 64, 100);
    const stats = sink.stats();
    await sink.close();
    t.diagnostic(`1 writer: ${Math.round(single)} events/s (one fdatasync per event)`);
    t.diagnostic(
      `64 writers: ${Math.round(concurrent)} events/s; ${stats.batches} batches for ${stats.eventsWritten} events ` +
        `(largest ${stats.largestBatch}); mean write latency ${(stats.writeLatency.sumMs / stats.writeLatency.count).toFixed(2)} ms`,
    );
    assert.equal(stats.eventsWritten, 6600);
    assert.ok(stats.batches < 200 + 6400 / 4, 'concurrent records were batched');
    assert.ok(stats.largestBatch > 1);
    const report = await verifyTrail({ trailDir });
    assert.deepEqual(report.findings, []);
    assert.equal(report.events, 6600);
    let n = 0;
    for await (const e of new AuditReader(trailDir).events({ key: KEY_ARN })) {
      assert.equal(e.requestParameters?.plaintext, undefined);
      n++;
    }
    assert.equal(n, 6600);
  });

  it('the sink seals periods by itself on schedule', async () => {
    const trailDir = join(scratch.dir, 'timer');
    const sink = await FileAuditSink.open({ trailDir, rootKey: new LocalRootKey(randomBytes(32), 'test'), rotationIntervalMs: 1000, algorithm: 'Ed25519' });
    const until = Date.now() + 2600;
    while (Date.now() < until) {
      await sink.record(event({ operation: 'Encrypt', time: Date.now() }));
      await new Promise((r) => setTimeout(r, 50));
    }
    const sealed = (await listFiles(trailDir, DIGESTS_DIR, digestSeqOf)).length;
    assert.ok(sealed >= 2, `${sealed} digests after 2.6 s with a 1 s period`);
    await sink.close();
    assert.deepEqual((await verifyTrail({ trailDir })).findings, []);
  });

  it('after SIGKILL during heavy writing, every acknowledged event is in the trail, and it verifies', async (t) => {
    const trailDir = join(scratch.dir, 'crash');
    const rootKey = randomBytes(32);
    // The trail and its signing key exist before the child starts.
    await (await FileAuditSink.open({ trailDir, rootKey: new LocalRootKey(rootKey, 'test') })).close();

    const child = spawn(process.execPath, [resolve(REPO_ROOT, 'dist/test/unit/audit/crash-child.js'), trailDir, rootKey.toString('base64')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked = new Set<string>();
    let buffered = '';
    await new Promise<void>((done, fail) => {
      child.on('error', fail);
      child.on('exit', (code, signal) => (signal === 'SIGKILL' ? done() : fail(new Error(`child exited with ${code}`))));
      child.stdout.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const l of lines) if (l.startsWith('ack ')) acked.add(l.slice(4));
        if (acked.size >= 3000 && !child.killed) child.kill('SIGKILL');
      });
    });
    t.diagnostic(`${acked.size} events acknowledged before SIGKILL`);

    const sink = await FileAuditSink.open({ trailDir, rootKey: new LocalRootKey(rootKey, 'test') });
    const repairs = sink.report.recoveries;
    assert.equal(repairs.length, 1);
    assert.equal(repairs[0].reason, 'log file left open by an unclean shutdown');
    t.diagnostic(`recovery: ${JSON.stringify(repairs[0])}`);
    await sink.close();

    const report = await verifyTrail({ trailDir });
    assert.deepEqual(report.findings, []);
    const found = new Set<string>();
    for await (const e of new AuditReader(trailDir).events({})) found.add(e.eventID);
    const lost = [...acked].filter((id) => !found.has(id));
    assert.deepEqual(lost, [], `${lost.length} acknowledged events lost`);
  });
});
