/**
 * Follows the store's change feed and tells this process's caches what
 * changed, so a change made through any node or worker is honoured here
 * within a bound.
 *
 * The feed is polled every `intervalMs` (250 ms). A poll that starts at time P
 * and succeeds has delivered every change committed before P. Caches ask
 * `trusted()` before serving an entry: true only while the last successful
 * poll started less than `trustMs` (750 ms) ago, so a cached entry is never
 * older than the newest change by more than `trustMs` plus one store read;
 * past that (store unreachable, event loop stalled) they read the store
 * instead, which fails while the store is down. After such a lapse the first
 * successful poll also empties every cache (`reset`), since the lapse may
 * have outlasted the feed's retention.
 *
 * Sequence numbers skipped in a batch (a PostgreSQL transaction that took a
 * number and has not committed yet, or one that rolled back) are asked for
 * again on every poll for `missingForMs` (60 s).
 */
import type { Change, ChangeLog } from '../../../ports/change-log.js';

export interface ChangeSubscriber {
  /** One change (possibly one this process made itself, or one already seen). */
  changed(change: Change): void;
  /** Forget everything: changes may have been missed. */
  reset(): void;
}

export interface ChangeFollowerOptions {
  intervalMs?: number;
  trustMs?: number;
  missingForMs?: number;
  /** Monotonic milliseconds (performance.now by default). */
  now?: () => number;
  onError?: (error: unknown) => void;
}

/** Changes at most this far behind the feed's head are re-read at start, catching commits still in flight. */
const START_OVERLAP = 100;
const BATCH = 1000;
/** Most skipped numbers remembered (beyond this, the oldest are dropped and caches reset). */
const MISSING_CAP = 10_000;

export class ChangeFollower {
  readonly intervalMs: number;
  readonly trustMs: number;
  private readonly missingForMs: number;
  private readonly now: () => number;
  private readonly subscribers: ChangeSubscriber[] = [];
  private last = 0;
  /** Skipped sequence number -> when it was first noticed. */
  private readonly missing = new Map<number, number>();
  private verifiedAt = Number.NEGATIVE_INFINITY;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private failures = 0;

  constructor(
    private readonly log: ChangeLog,
    private readonly options: ChangeFollowerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 250;
    this.trustMs = options.trustMs ?? 750;
    this.missingForMs = options.missingForMs ?? 60_000;
    this.now = options.now ?? (() => performance.now());
  }

  subscribe(subscriber: ChangeSubscriber): void {
    this.subscribers.push(subscriber);
  }

  /** Reads the feed's head and starts polling. */
  async start(): Promise<void> {
    const at = this.now();
    this.last = Math.max(0, (await this.log.head()) - START_OVERLAP);
    this.started = true;
    await this.readFeed();
    this.verifiedAt = at;
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Whether caches may serve what they hold (see the file comment). */
  trusted(): boolean {
    return this.now() - this.verifiedAt < this.trustMs;
  }

  /** Consecutive failed polls (0 when the last one succeeded). */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** One poll now (a poll already running is joined instead). */
  poll(): Promise<void> {
    if (!this.started) return Promise.resolve();
    this.inFlight ??= this.pollOnce().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async pollOnce(): Promise<void> {
    const at = this.now();
    try {
      await this.readFeed();
    } catch (e) {
      this.failures++;
      this.options.onError?.(e);
      return;
    }
    this.failures = 0;
    if (at - this.verifiedAt >= this.trustMs) this.resetAll();
    this.verifiedAt = at;
  }

  private async readFeed(): Promise<void> {
    for (;;) {
      const now = this.now();
      for (const [seq, since] of this.missing) if (now - since > this.missingForMs) this.missing.delete(seq);
      const rows = await this.log.since(this.last, [...this.missing.keys()], BATCH);
      let fresh = 0;
      for (const change of rows) {
        if (change.seq <= this.last) {
          this.missing.delete(change.seq);
        } else {
          fresh++;
          if (change.seq - this.last > MISSING_CAP) this.resetAll();
          else for (let s = this.last + 1; s < change.seq; s++) this.missing.set(s, now);
          this.last = change.seq;
        }
        for (const sub of this.subscribers) sub.changed(change);
      }
      if (this.missing.size > MISSING_CAP) {
        this.missing.clear();
        this.resetAll();
      }
      if (fresh < BATCH) return;
    }
  }

  private resetAll(): void {
    for (const sub of this.subscribers) sub.reset();
  }
}
