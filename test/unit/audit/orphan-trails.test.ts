import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FileAuditSink } from '../../../src/adapters/audit/file-sink.js';
import { trailDirOf } from '../../../src/adapters/audit/layout.js';
import { sealOrphanTrails } from '../../../src/adapters/audit/orphan-trails.js';
import { trailPublicKey } from '../../../src/adapters/audit/signing-key.js';
import { verifyTrail } from '../../../src/adapters/audit/verify.js';
import { ManualClock } from '../../../src/ports/clock.js';
import { ScratchDir, T0, event, testRootKey } from './helpers.js';

describe('trails of former workers', () => {
  const scratch = new ScratchDir();
  after(() => scratch.dispose());

  it('a trail left open above the worker count is repaired and sealed once; closed trails are left alone', async () => {
    const rootKey = testRootKey();
    const clock = new ManualClock(T0);
    const opts = { rootKey, clock, timers: false, algorithm: 'Ed25519' as const };
    const first = await FileAuditSink.open({ trailDir: trailDirOf(scratch.dir, 1), ...opts });
    await first.record(event({ operation: 'ListKeys', input: {}, time: T0 }));
    await first.close();
    const second = await FileAuditSink.open({ trailDir: trailDirOf(scratch.dir, 2), shareSigningKeyOf: trailDirOf(scratch.dir, 1), ...opts });
    await second.record(event({ operation: 'ListKeys', input: {}, time: T0 }));
    await second.close();
    // Worker 3 "crashes": its log file stays open.
    const third = await FileAuditSink.open({ trailDir: trailDirOf(scratch.dir, 3), shareSigningKeyOf: trailDirOf(scratch.dir, 1), ...opts });
    await third.record(event({ operation: 'ListKeys', input: {}, time: T0 }));
    const key = (await trailPublicKey(trailDirOf(scratch.dir, 1)))!;
    assert.equal((await verifyTrail({ trailDir: trailDirOf(scratch.dir, 3), publicKeys: [key] })).openLog !== undefined, true);

    clock.set(T0 + 1000);
    const sealed = await sealOrphanTrails(scratch.dir, 1, rootKey, clock);
    assert.deepEqual(sealed.map((s) => s.trailDir), [trailDirOf(scratch.dir, 3)], 'only the trail left open, not the closed trail of worker 2');
    assert.match(sealed[0].recoveries.map((r) => r.reason).join(), /left open by an unclean shutdown/);
    const report = await verifyTrail({ trailDir: trailDirOf(scratch.dir, 3), publicKeys: [key] });
    assert.deepEqual(report.findings, []);
    assert.equal(report.openLog, undefined);
    assert.equal(report.events, 1);
    assert.deepEqual(await sealOrphanTrails(scratch.dir, 1, rootKey, clock), [], 'a sealed trail is not opened again');
    assert.deepEqual(await sealOrphanTrails(scratch.dir, 3, rootKey, clock), [], 'trails of running workers are never touched');
  });
});
