/** ChangeFollower over a scripted change log: delivery, skipped numbers re-read, the trust window, reset after a lapse. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChangeFollower, type ChangeSubscriber } from '../../../src/adapters/store/changes/change-follower.js';
import type { Change, ChangeLog } from '../../../src/ports/change-log.js';

class FakeLog implements ChangeLog {
  rows: Change[] = [];
  down = false;
  asked: number[][] = [];
  async head(): Promise<number> {
    return Math.max(0, ...this.rows.map((r) => r.seq));
  }
  async since(after: number, missing: readonly number[], limit: number): Promise<Change[]> {
    if (this.down) throw new Error('store unreachable');
    this.asked.push([...missing]);
    return this.rows.filter((r) => r.seq > after || missing.includes(r.seq)).sort((x, y) => x.seq - y.seq).slice(0, limit + missing.length);
  }
  async prune(): Promise<number> {
    return 0;
  }
}

function recorder(): ChangeSubscriber & { seen: string[]; resets: number } {
  const r = { seen: [] as string[], resets: 0, changed: (c: Change) => r.seen.push(`${c.seq}:${c.subject}`), reset: () => r.resets++ };
  return r;
}

describe('ChangeFollower', () => {
  it('delivers new changes, and a skipped number once it commits', async () => {
    const log = new FakeLog();
    let now = 0;
    const f = new ChangeFollower(log, { now: () => now, intervalMs: 1e9 });
    const sub = recorder();
    f.subscribe(sub);
    await f.start();
    log.rows.push({ seq: 1, scope: 'credential', subject: 'A' }, { seq: 3, scope: 'credential', subject: 'C' });
    now = 100;
    await f.poll();
    assert.deepEqual(sub.seen, ['1:A', '3:C']);
    log.rows.push({ seq: 2, scope: 'credential', subject: 'B' });
    now = 200;
    await f.poll();
    assert.deepEqual(log.asked.at(-1), [2]);
    assert.deepEqual(sub.seen, ['1:A', '3:C', '2:B']);
    now = 300;
    await f.poll();
    assert.deepEqual(log.asked.at(-1), [], 'a number delivered is no longer asked for');
    f.stop();
  });

  it('is trusted only within trustMs of the last successful poll; after a lapse the caches are reset', async () => {
    const log = new FakeLog();
    let now = 0;
    const f = new ChangeFollower(log, { now: () => now, intervalMs: 1e9, trustMs: 750 });
    const sub = recorder();
    f.subscribe(sub);
    assert.equal(f.trusted(), false, 'not before the first read');
    await f.start();
    assert.equal(f.trusted(), true);
    now = 749;
    assert.equal(f.trusted(), true);
    log.down = true;
    await f.poll();
    assert.equal(f.consecutiveFailures, 1);
    now = 750;
    assert.equal(f.trusted(), false, 'a failed poll does not extend trust');
    log.down = false;
    now = 800;
    await f.poll();
    assert.equal(f.trusted(), true);
    assert.equal(sub.resets, 1, 'the first poll after a lapse resets');
    now = 900;
    await f.poll();
    assert.equal(sub.resets, 1);
    f.stop();
  });
});
