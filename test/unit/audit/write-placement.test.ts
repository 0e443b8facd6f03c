import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WritePlacement } from '../../../src/adapters/audit/write-placement.js';

/** Up to `count` loop writes of `durationMs`, one a millisecond from `start`, while the placement picks the loop; returns the time after them. */
function writes(p: WritePlacement, start: number, count: number, durationMs: number): number {
  let now = start;
  for (let i = 0; i < count && p.choose(now) === 'loop'; i++) p.observeLoopWrite(++now, durationMs);
  return now;
}

/** How long the pool keeps the writes from `now` on. */
function poolTime(p: WritePlacement, now: number): number {
  let t = now;
  while (p.choose(t) === 'pool') t += 10;
  return t - now;
}

describe('durable write placement (event loop or thread pool)', () => {
  it('writes run on the loop while the disk answers within the limit on average', () => {
    const p = new WritePlacement(4);
    assert.equal(p.choose(0), 'loop');
    const now = writes(p, 0, 100, 3.9);
    assert.equal(p.choose(now), 'loop');
  });

  it('single slow writes among fast ones (waiting for a busy CPU) leave the writes on the loop', () => {
    const p = new WritePlacement(4);
    let now = 0;
    for (let i = 0; i < 50; i++) {
      now = writes(p, now, 9, 0.5);
      now = writes(p, now, 1, 12);
      assert.equal(p.choose(now), 'loop', `round ${i}`);
    }
  });

  it('a disk that stays slow sends the writes to the pool for the hold period, then one write tries the loop', () => {
    const p = new WritePlacement(4, 1000, 8000);
    let now = writes(p, 0, 1, 10);
    assert.equal(p.choose(now), 'loop', 'one slow write is not enough');
    now = writes(p, now, 10, 10);
    assert.equal(p.choose(now), 'pool');
    assert.equal(poolTime(p, now), 1000);
  });

  it('each slow try doubles the hold up to the maximum; a fast try brings the loop back and resets the hold', () => {
    const p = new WritePlacement(4, 1000, 3000);
    let now = writes(p, 0, 20, 10);
    now += poolTime(p, now);
    const slowTry = () => {
      now = writes(p, now, 1, 10);
      const held = poolTime(p, now);
      now += held;
      return held;
    };
    assert.deepEqual([slowTry(), slowTry(), slowTry()], [2000, 3000, 3000]);
    now = writes(p, now, 1, 0.5);
    assert.equal(p.choose(now), 'loop');
    now = writes(p, now, 1, 10);
    assert.equal(p.choose(now), 'loop', 'after a fast try the mean starts from it');
    now = writes(p, now, 20, 10);
    assert.equal(poolTime(p, now), 1000, 'the hold starts again from its base');
  });

  it('a limit of 0 puts every write in the pool', () => {
    const p = new WritePlacement(0);
    assert.equal(p.choose(0), 'pool');
    assert.equal(p.choose(1e9), 'pool');
  });
});
