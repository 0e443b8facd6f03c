/**
 * Enforces request quotas: one token bucket per (account, Region, quota
 * class). A bucket holds up to one second of its quota (at least one
 * request, so a quota below 1/s admits one request per 1/quota seconds) and
 * refills continuously; a request takes one token or is throttled.
 *
 * Memory is bounded: a bucket that has refilled completely is
 * indistinguishable from a new one, so idle buckets are dropped whenever the
 * table grows past `maxBuckets`; if every bucket is still busy the oldest
 * are dropped too, least recently used first (those callers get a fresh allowance: under that much
 * pressure, forgetting is preferred to growing without bound).
 *
 * Time comes from the injected clock (milliseconds); it should be real time,
 * not the lifecycle clock tests move by days.
 */
import { RecencyMap } from '../domain/recency-map.js';
import type { Clock } from '../ports/clock.js';
import { quotaClassOf, quotaOf, type QuotaPolicy } from '../domain/request-quotas.js';

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
  rate: number;
  capacity: number;
}

export const DEFAULT_MAX_BUCKETS = 100_000;

/** What a bucket gave: whole tokens, and when none, the wait for the next. */
export interface QuotaTake {
  granted: number;
  retryInMs: number;
}

/**
 * What the request path asks of quotas (RequestLimiter in one process,
 * SharedRequestLimiter in a worker of several): undefined to admit, the
 * quota class to throttle, or a promise of either while a worker asks its
 * primary for tokens.
 */
export interface QuotaGate {
  admit(accountId: string, region: string, operation: string, input: unknown): string | undefined | Promise<string | undefined>;
  /** Throttled requests by quota class, in this process. */
  readonly throttled: Map<string, number>;
  /** Buckets (or leases) held in this process. */
  readonly size: number;
}

/** The bucket (or lease) of an account's quota class in a Region. */
export function quotaKey(accountId: string, region: string, cls: string): string {
  return `${accountId}\u0000${region}\u0000${cls}`;
}

/** Counts a throttled request of `cls` in `throttled`; returns the class (the throttle verdict). */
export function countThrottle(throttled: Map<string, number>, cls: string): string {
  throttled.set(cls, (throttled.get(cls) ?? 0) + 1);
  return cls;
}

export class RequestLimiter implements QuotaGate {
  /** Least recently used first: eviction under pressure takes from the front. */
  private readonly buckets = new RecencyMap<string, Bucket>();
  /** Throttled requests by quota class (classes are a fixed, small set). */
  readonly throttled = new Map<string, number>();

  constructor(
    private readonly policy: QuotaPolicy,
    private readonly clock: Clock,
    private readonly maxBuckets = DEFAULT_MAX_BUCKETS,
  ) {}

  /**
   * Counts a request against its class's quota. Returns undefined when it is
   * admitted, the class when it must be throttled.
   */
  admit(accountId: string, region: string, operation: string, input: unknown): string | undefined {
    const cls = quotaClassOf(operation, input);
    const rate = quotaOf(this.policy, region, cls);
    if (rate === undefined) return undefined;
    if (this.takeTokens(accountId, region, cls, rate, 1).granted === 1) return undefined;
    return countThrottle(this.throttled, cls);
  }

  /**
   * Takes up to `want` whole tokens from the (account, Region, class) bucket:
   * how many it gave (all of `want` when the class has no quota), and, when
   * it gave none, in how many milliseconds the next token is due.
   */
  take(accountId: string, region: string, cls: string, want: number): QuotaTake {
    const rate = quotaOf(this.policy, region, cls);
    return rate === undefined ? { granted: want, retryInMs: 0 } : this.takeTokens(accountId, region, cls, rate, want);
  }

  private takeTokens(accountId: string, region: string, cls: string, rate: number, want: number): QuotaTake {
    const now = this.clock.now();
    const key = quotaKey(accountId, region, cls);
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxBuckets) this.evict(now);
      const capacity = Math.max(1, rate);
      b = { tokens: capacity, at: now, rate, capacity };
      this.buckets.set(key, b);
    } else {
      refill(b, now);
      this.buckets.touch(key, b);
    }
    const granted = Math.min(Math.max(0, Math.floor(want)), Math.floor(b.tokens));
    b.tokens -= granted;
    return { granted, retryInMs: granted > 0 ? 0 : Math.ceil(((1 - b.tokens) / rate) * 1000) };
  }

  /** How many buckets are held (for tests and /metrics). */
  get size(): number {
    return this.buckets.size;
  }

  /** Drops full (idle) buckets; then, if still at the bound, the least recently used quarter. */
  private evict(now: number): void {
    for (const [key, b] of this.buckets) {
      refill(b, now);
      if (b.tokens >= b.capacity) this.buckets.delete(key);
    }
    if (this.buckets.size < this.maxBuckets) return;
    let drop = Math.max(1, Math.floor(this.maxBuckets / 4));
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

function refill(b: Bucket, now: number): void {
  if (now <= b.at) return; // a clock that stepped back refills nothing
  b.tokens = Math.min(b.capacity, b.tokens + ((now - b.at) / 1000) * b.rate);
  b.at = now;
}
