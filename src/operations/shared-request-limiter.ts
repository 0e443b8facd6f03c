/**
 * Request quotas in a worker of several (`--workers N`): the primary holds
 * the one set of token buckets for the machine (RequestLimiter) and the
 * workers lease tokens from it, so N workers together admit what one
 * process would, not N times as much.
 *
 * - A worker takes a request's token from its lease when it holds one;
 *   otherwise it asks the primary for a lease of up to 1/20 of a second of
 *   the quota, or as many tokens as requests are waiting if that is more;
 *   requests arriving meanwhile wait for that answer instead of asking
 *   again, and those it leaves without a token ask once more.
 * - Leased tokens expire after `leaseTtlMs` (a second), so a worker that
 *   stops receiving requests cannot hoard a quota that has moved on; the
 *   machine never admits more than the quota, and at most one lease per
 *   worker less.
 * - When the primary has no token, it says when the next is due, and the
 *   worker throttles that class locally until then (a caller over its quota
 *   costs no message per request).
 * - A lease that fails (the primary did not answer in time, or is gone)
 *   counts as no token for a second: the class is throttled meanwhile,
 *   which clients retry.
 */
import { RecencyMap } from '../domain/recency-map.js';
import type { Clock } from '../ports/clock.js';
import { quotaClassOf, quotaOf, type QuotaPolicy } from '../domain/request-quotas.js';
import { DEFAULT_MAX_BUCKETS, countThrottle, quotaKey, type QuotaGate, type QuotaTake } from './request-limiter.js';

/** The primary's side: tokens from its buckets (RequestLimiter.take), over IPC; settles within a bounded time. */
export interface QuotaLeases {
  lease(accountId: string, region: string, cls: string, want: number): Promise<QuotaTake>;
}

interface Lease {
  tokens: number;
  expiresAt: number;
  /** No token before this time (the primary said so). */
  emptyUntil: number;
  /** The primary's answer being awaited, if any. */
  asking?: Promise<void>;
  /** Requests waiting for an answer (a lease asks for at least this many tokens). */
  waiters: number;
}

export interface SharedRequestLimiterOptions {
  leaseTtlMs?: number;
  maxLeases?: number;
}

/** A lease asks for this share of a second's quota (or the requests waiting, if more). */
const LEASE_FRACTION = 1 / 20;
/** Leases one request may wait for before it is throttled (a lease that fails gives no token). */
const MAX_ROUNDS = 3;
/** After a lease failed, the class is throttled this long before the primary is asked again. */
const FAILED_LEASE_BACKOFF_MS = 1000;

export class SharedRequestLimiter implements QuotaGate {
  private readonly leases = new RecencyMap<string, Lease>();
  readonly throttled = new Map<string, number>();
  private readonly leaseTtlMs: number;
  private readonly maxLeases: number;

  constructor(
    private readonly policy: QuotaPolicy,
    private readonly primary: QuotaLeases,
    private readonly clock: Clock,
    options: SharedRequestLimiterOptions = {},
  ) {
    this.leaseTtlMs = options.leaseTtlMs ?? 1000;
    this.maxLeases = options.maxLeases ?? DEFAULT_MAX_BUCKETS;
  }

  get size(): number {
    return this.leases.size;
  }

  admit(accountId: string, region: string, operation: string, input: unknown): string | undefined | Promise<string | undefined> {
    const cls = quotaClassOf(operation, input);
    const rate = quotaOf(this.policy, region, cls);
    if (rate === undefined) return undefined;
    const lease = this.leaseOf(quotaKey(accountId, region, cls));
    const verdict = this.takeLocal(lease, cls);
    if (verdict !== 'ask') return verdict;
    return this.admitAfterAsking(lease, accountId, region, cls, rate);
  }

  /** undefined: admitted from the lease; the class: throttled; 'ask': the primary must be asked. */
  private takeLocal(lease: Lease, cls: string): string | undefined | 'ask' {
    const now = this.clock.now();
    if (lease.tokens >= 1 && now < lease.expiresAt) {
      lease.tokens -= 1;
      return undefined;
    }
    if (now < lease.emptyUntil) return this.throttle(cls);
    return 'ask';
  }

  private async admitAfterAsking(lease: Lease, accountId: string, region: string, cls: string, rate: number): Promise<string | undefined> {
    lease.waiters++;
    try {
      // A request that waited for another's answer may find its tokens taken; the next lease counts it.
      for (let round = 0; round < MAX_ROUNDS; round++) {
        lease.asking ??= this.ask(lease, accountId, region, cls, rate).finally(() => (lease.asking = undefined));
        await lease.asking;
        const verdict = this.takeLocal(lease, cls);
        if (verdict !== 'ask') return verdict;
      }
      return this.throttle(cls);
    } finally {
      lease.waiters--;
    }
  }

  private async ask(lease: Lease, accountId: string, region: string, cls: string, rate: number): Promise<void> {
    const want = Math.max(1, Math.floor(rate * LEASE_FRACTION), lease.waiters);
    let answer: QuotaTake;
    try {
      answer = await this.primary.lease(accountId, region, cls, want);
    } catch {
      answer = { granted: 0, retryInMs: FAILED_LEASE_BACKOFF_MS };
    }
    const now = this.clock.now();
    if (answer.granted > 0) {
      lease.tokens = answer.granted;
      lease.expiresAt = now + this.leaseTtlMs;
    } else {
      lease.tokens = 0;
      lease.emptyUntil = now + Math.max(0, answer.retryInMs);
    }
  }

  private leaseOf(key: string): Lease {
    let lease = this.leases.get(key);
    if (lease) {
      this.leases.touch(key, lease);
      return lease;
    }
    lease = { tokens: 0, expiresAt: 0, emptyUntil: 0, waiters: 0 };
    this.leases.set(key, lease);
    // A lease dropped here forgoes its unused tokens (never doubles them); requests waiting on it still get its answer.
    this.leases.trimTo(this.maxLeases);
    return lease;
  }

  private throttle(cls: string): string {
    return countThrottle(this.throttled, cls);
  }
}
