import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { openCpuWaitClock } from '../../../src/adapters/audit/cpu-wait.js';

describe('time the event loop thread waited for a CPU', () => {
  it('on Linux it grows while more threads want to run than there are CPUs', { skip: process.platform !== 'linux' && 'read from /proc on Linux' }, async () => {
    const clock = openCpuWaitClock();
    assert.ok(clock, 'Linux reports schedstat');
    const before = clock.waitedMs();
    assert.ok(Number.isFinite(before) && before >= 0);
    // Twice as many busy processes as CPUs, while this thread keeps running too.
    const hogs = Array.from({ length: 2 * availableParallelism() }, () => spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }));
    try {
      await new Promise((r) => setTimeout(r, 200));
      const until = performance.now() + 400;
      while (performance.now() < until);
    } finally {
      for (const h of hogs) h.kill('SIGKILL');
    }
    const after = clock.waitedMs();
    clock.close();
    assert.equal(clock.waitedMs(), after, 'a closed clock keeps its last figure');
    assert.ok(after - before > 20, `waited ${(after - before).toFixed(1)} ms for a CPU`);
  });
});
