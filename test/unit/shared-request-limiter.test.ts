import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:cluster';
import { ManualClock } from '../../src/ports/clock.js';
import { RequestLimiter, type QuotaTake } from '../../src/operations/request-limiter.js';
import { SharedRequestLimiter, type QuotaLeases } from '../../src/operations/shared-request-limiter.js';
import { primaryQuotaLeases, serveQuotaLeases } from '../../src/cli/quota-ipc.js';
import type { QuotaPolicy } from '../../src/domain/request-quotas.js';

const A = '111122223333';
const R = 'us-east-1';

function policy(quotas: Record<string, number>): QuotaPolicy {
  return { quotas, regions: {} };
}

/** The primary's buckets, answered asynchronously (as over IPC), with the lease requests counted. */
function primaryOf(limiter: RequestLimiter): QuotaLeases & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    async lease(accountId, region, cls, want) {
      asked.push(want);
      await new Promise((r) => setImmediate(r));
      return limiter.take(accountId, region, cls, want);
    },
  };
}

async function admitted(gate: SharedRequestLimiter, n: number, op = 'CreateKey'): Promise<number> {
  const verdicts = await Promise.all(Array.from({ length: n }, () => gate.admit(A, R, op, {})));
  return verdicts.filter((v) => v === undefined).length;
}

describe('RequestLimiter.take', () => {
  it('gives whole tokens up to what the bucket holds, and says when the next is due', () => {
    const clock = new ManualClock(0);
    const l = new RequestLimiter(policy({ CreateKey: 4 }), clock);
    assert.deepEqual(l.take(A, R, 'CreateKey', 3), { granted: 3, retryInMs: 0 });
    assert.deepEqual(l.take(A, R, 'CreateKey', 3), { granted: 1, retryInMs: 0 });
    assert.deepEqual(l.take(A, R, 'CreateKey', 1), { granted: 0, retryInMs: 250 });
    clock.advance(100);
    assert.deepEqual(l.take(A, R, 'CreateKey', 1), { granted: 0, retryInMs: 150 }, '0.4 of a token after 100 ms');
    clock.advance(150);
    assert.deepEqual(l.take(A, R, 'CreateKey', 2), { granted: 1, retryInMs: 0 });
    assert.deepEqual(l.take(A, R, 'DescribeKey', 7), { granted: 7, retryInMs: 0 }, 'a class without a quota gives all');
  });
});

describe('SharedRequestLimiter', () => {
  it('workers leasing from one primary admit one quota between them, however requests are split', async () => {
    const clock = new ManualClock(0);
    const buckets = new RequestLimiter(policy({ CreateKey: 10 }), clock);
    const primary = primaryOf(buckets);
    const w1 = new SharedRequestLimiter(policy({ CreateKey: 10 }), primary, clock);
    const w2 = new SharedRequestLimiter(policy({ CreateKey: 10 }), primary, clock);
    const [a, b] = await Promise.all([admitted(w1, 7), admitted(w2, 9)]);
    assert.equal(a + b, 10, `admitted ${a} + ${b}`);
    assert.equal((w1.throttled.get('CreateKey') ?? 0) + (w2.throttled.get('CreateKey') ?? 0), 6);
    clock.advance(500);
    assert.equal((await admitted(w1, 3)) + (await admitted(w2, 3)), 5, 'half a second refills half the quota');
  });

  it('leases a twentieth of a second of the quota, and requests arriving meanwhile wait for that answer', async () => {
    const clock = new ManualClock(0);
    const primary = primaryOf(new RequestLimiter(policy({ 'cryptographic-symmetric': 2000 }), clock));
    const w = new SharedRequestLimiter(policy({ 'cryptographic-symmetric': 2000 }), primary, clock);
    assert.equal(await admitted(w, 100, 'Encrypt'), 100);
    assert.deepEqual(primary.asked, [100], 'one lease of 100 tokens for 100 concurrent requests');
    assert.equal(w.admit(A, R, 'Encrypt', {}) instanceof Promise, true, 'the lease is spent: the next asks again');
  });

  it('a class without a quota is admitted at once, without asking', () => {
    const clock = new ManualClock(0);
    const primary = primaryOf(new RequestLimiter(policy({ CreateKey: 1 }), clock));
    const w = new SharedRequestLimiter(policy({ CreateKey: 1 }), primary, clock);
    assert.equal(w.admit(A, R, 'DescribeKey', {}), undefined);
    assert.deepEqual(primary.asked, []);
  });

  it('with no token at the primary, throttles locally until the next is due, then asks again', async () => {
    const clock = new ManualClock(0);
    const primary = primaryOf(new RequestLimiter(policy({ CreateKey: 2 }), clock));
    const w = new SharedRequestLimiter(policy({ CreateKey: 2 }), primary, clock);
    assert.equal(await admitted(w, 2), 2);
    assert.equal(await w.admit(A, R, 'CreateKey', {}), 'CreateKey');
    const asked = primary.asked.length;
    assert.equal(w.admit(A, R, 'CreateKey', {}), 'CreateKey', 'throttled without a message');
    clock.advance(499);
    assert.equal(w.admit(A, R, 'CreateKey', {}), 'CreateKey');
    assert.equal(primary.asked.length, asked);
    clock.advance(1);
    assert.equal(await w.admit(A, R, 'CreateKey', {}), undefined, 'a token is due after 500 ms');
    assert.equal(primary.asked.length, asked + 1);
  });

  it('leased tokens expire, so a quiet worker cannot hoard them', async () => {
    const clock = new ManualClock(0);
    const buckets = new RequestLimiter(policy({ 'cryptographic-symmetric': 200 }), clock);
    const primary = primaryOf(buckets);
    const w = new SharedRequestLimiter(policy({ 'cryptographic-symmetric': 200 }), primary, clock, { leaseTtlMs: 1000 });
    assert.equal(await w.admit(A, R, 'Encrypt', {}), undefined);
    assert.deepEqual(primary.asked, [10]);
    clock.advance(1000);
    assert.equal(await w.admit(A, R, 'Encrypt', {}), undefined);
    assert.deepEqual(primary.asked, [10, 10], 'the 9 tokens left of the first lease expired');
  });

  it('holds a bounded number of leases, the least recently used dropped first', async () => {
    const clock = new ManualClock(0);
    const primary = primaryOf(new RequestLimiter(policy({ CreateKey: 100 }), clock));
    const w = new SharedRequestLimiter(policy({ CreateKey: 100 }), primary, clock, { maxLeases: 4 });
    for (let i = 0; i < 10; i++) assert.equal(await w.admit(String(500000000000 + i), R, 'CreateKey', {}), undefined);
    assert.equal(w.size, 4);
    const asked = primary.asked.length;
    assert.equal(w.admit(String(500000000009), R, 'CreateKey', {}), undefined, 'the newest lease is kept: its token is taken without asking');
    assert.equal(primary.asked.length, asked);
  });

  it('a lease that fails counts as no token for a second: the class is throttled without asking meanwhile', async () => {
    const clock = new ManualClock(0);
    let asked = 0;
    const failing: QuotaLeases = { lease: () => (asked++, Promise.reject(new Error('the primary did not answer'))) };
    const w = new SharedRequestLimiter(policy({ CreateKey: 5 }), failing, clock);
    assert.equal(await w.admit(A, R, 'CreateKey', {}), 'CreateKey');
    assert.equal(asked, 1);
    clock.advance(999);
    assert.equal(w.admit(A, R, 'CreateKey', {}), 'CreateKey');
    assert.equal(asked, 1);
    clock.advance(1);
    assert.equal(await w.admit(A, R, 'CreateKey', {}), 'CreateKey');
    assert.equal(asked, 2);
    assert.equal(w.throttled.get('CreateKey'), 3);
  });
});

/** A cluster worker's IPC channel, both ends in this process. */
function channelPair(): { primaryEnd: Worker; workerEnd: Pick<NodeJS.Process, 'send' | 'on'> } {
  const primaryEnd = new EventEmitter() as EventEmitter & { send: (m: unknown) => boolean; isConnected: () => boolean };
  const workerEnd = new EventEmitter() as EventEmitter & { send: (m: unknown, a?: unknown, b?: unknown, cb?: (e: Error | null) => void) => boolean };
  workerEnd.send = (m, _a, _b, cb) => {
    setImmediate(() => {
      primaryEnd.emit('message', m);
      cb?.(null);
    });
    return true;
  };
  primaryEnd.send = (m) => {
    setImmediate(() => workerEnd.emit('message', m));
    return true;
  };
  primaryEnd.isConnected = () => true;
  return { primaryEnd: primaryEnd as unknown as Worker, workerEnd: workerEnd as unknown as Pick<NodeJS.Process, 'send' | 'on'> };
}

describe('quota leases over IPC', () => {
  it('a worker\'s lease is answered from the primary\'s buckets', async () => {
    const clock = new ManualClock(0);
    const { primaryEnd, workerEnd } = channelPair();
    serveQuotaLeases(primaryEnd, new RequestLimiter(policy({ CreateKey: 3 }), clock));
    const leases = primaryQuotaLeases(workerEnd);
    const takes: QuotaTake[] = [await leases.lease(A, R, 'CreateKey', 2), await leases.lease(A, R, 'CreateKey', 2), await leases.lease(A, R, 'CreateKey', 1)];
    assert.deepEqual(takes, [
      { granted: 2, retryInMs: 0 },
      { granted: 1, retryInMs: 0 },
      { granted: 0, retryInMs: 334 },
    ]);
  });

  it('the primary ignores malformed requests; an unanswered lease is rejected after the timeout', async () => {
    const clock = new ManualClock(0);
    const { primaryEnd } = channelPair();
    const answers: unknown[] = [];
    (primaryEnd as unknown as { send: (m: unknown) => boolean }).send = (m) => (answers.push(m), true);
    serveQuotaLeases(primaryEnd, new RequestLimiter(policy({ CreateKey: 3 }), clock));
    for (const bad of [null, 'quota-lease', { trent: 'quota-lease', id: 1 }, { trent: 'quota-lease', id: 1, accountId: A, region: R, cls: 'CreateKey', want: 0 }]) {
      primaryEnd.emit('message', bad);
    }
    assert.deepEqual(answers, []);
    const silent = new EventEmitter() as EventEmitter & { send: (m: unknown, a?: unknown, b?: unknown, cb?: (e: Error | null) => void) => boolean };
    silent.send = (_m, _a, _b, cb) => (cb?.(null), true);
    const leases = primaryQuotaLeases(silent as unknown as Pick<NodeJS.Process, 'send' | 'on'>, 20);
    await assert.rejects(leases.lease(A, R, 'CreateKey', 1), /did not answer within 20 ms/);
    silent.emit('message', { trent: 'quota-grant', id: 0, granted: 1, retryInMs: 0 }); // too late: ignored
  });
});
