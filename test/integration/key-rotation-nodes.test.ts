/**
 * Two Trent nodes on one PostgreSQL database, both running the lifecycle
 * scheduler: every due key is rotated exactly once, whichever node gets it,
 * whether the nodes run one after the other or at the same moment.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateKeyCommand, EnableKeyRotationCommand, ListKeyRotationsCommand, DescribeKeyCommand } from '@aws-sdk/client-kms';
import { ManualClock } from '../../src/ports/clock.js';
import { MemoryAuditSink } from '../../src/adapters/audit/memory-sink.js';
import { startTestServer, rootEnv } from '../helpers/trent.js';
import { createTestDatabase } from '../helpers/postgres.js';

const DAY = 86_400_000;

describe('automatic rotation on two nodes sharing PostgreSQL', () => {
  it('each due key is rotated exactly once', async () => {
    const db = await createTestDatabase();
    const env = { ...rootEnv(), TRENT_ROOT_KEY: Buffer.alloc(32, 9).toString('base64') };
    const clock = new ManualClock(Date.now());
    const auditA = new MemoryAuditSink();
    const auditB = new MemoryAuditSink();
    // A short timer: the nodes' own scheduler ticks race the explicit runs below.
    const a = await startTestServer({ store: db.url, env, clock, audit: auditA, sweepIntervalMs: 5, schedulerOwner: 'node-a' });
    const b = await startTestServer({ store: db.url, env, clock, audit: auditB, sweepIntervalMs: 5, schedulerOwner: 'node-b' });
    try {
      const kms = a.kms();
      const keys: string[] = [];
      for (let i = 0; i < 12; i++) {
        const key = (await kms.send(new CreateKeyCommand({ Description: `k${i}` }))).KeyMetadata!;
        await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
        keys.push(key.KeyId!);
      }
      clock.advance(91 * DAY);
      // Both nodes at once, several times over.
      const reports = await Promise.all([a.trent.runScheduler(), b.trent.runScheduler(), a.trent.runScheduler(), b.trent.runScheduler()]);
      await new Promise((r) => setTimeout(r, 100));
      await Promise.all([a.trent.runScheduler(), b.trent.runScheduler()]);

      const kmsB = b.kms();
      for (const keyId of keys) {
        const rotations = (await kmsB.send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations!;
        assert.deepEqual(rotations.map((r) => r.RotationType), ['AUTOMATIC'], keyId);
        const current = (await kmsB.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.CurrentKeyMaterialId;
        assert.equal(rotations[0].KeyMaterialId, current);
      }
      const events = [...auditA.events, ...auditB.events].filter((e) => e.eventName === 'RotateKey');
      assert.equal(events.length, keys.length, 'one RotateKey event per key, across both nodes');
      const counted = reports.map((r) => (typeof r['key-rotation'] === 'number' ? (r['key-rotation'] as number) : 0)).reduce((x, y) => x + y, 0);
      assert.ok(counted <= keys.length);

      // A period later, again exactly once each.
      clock.advance(90 * DAY);
      await Promise.all([a.trent.runScheduler(), b.trent.runScheduler()]);
      await new Promise((r) => setTimeout(r, 100));
      for (const keyId of keys) {
        const rotations = (await kmsB.send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations!;
        assert.equal(rotations.length, 2, keyId);
      }
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
