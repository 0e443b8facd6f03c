/**
 * Where a group commit's durable write runs: on the event loop, or in
 * libuv's thread pool. Pure: the caller supplies the time and reports how
 * long each write on the loop took.
 *
 * A write on the loop saves the thread pool's round trip (a pool thread
 * woken, put to sleep by the disk, woken again, and the loop woken by it):
 * on a local SSD that hand-off costs more CPU and context switches than the
 * write itself, most of all when several worker processes share few cores.
 * But the loop serves nothing while the disk works, which costs a single
 * process throughput once the disk is slow. So writes run on the loop while
 * the mean duration of recent loop writes (exponentially weighted, 1/8 per
 * write) stays within `limitMs`. Past it, writes go to the pool for
 * `holdMs`; then one write on the loop tries the disk again, and decides
 * alone: fast, and the loop takes the writes again; slow, and the hold
 * doubles, up to `maxHoldMs`.
 *
 * Only writes on the loop are timed: a pool write's completion waits for
 * the loop, so under load its duration says more about the loop than about
 * the disk. The caller leaves out of a loop write's duration the time the
 * thread then waited for a CPU where it can (cpu-wait.ts): on a machine
 * whose CPUs are all busy, the loop stopping costs little, and that wait
 * says nothing about the disk. The limit applies to a mean, not to one
 * write, for the waits it cannot leave out.
 */
export type WritePlace = 'loop' | 'pool';

/**
 * Mean duration of loop writes beyond which writes go to the pool. Well
 * above a local SSD's (on a 2-vCPU VM under the benchmark, two workers'
 * loop writes took 1 ms at the median, 3 ms at p90 and 8 ms at p99 with the
 * wait for a CPU included), below a disk that makes each durable write wait
 * for a seek or a network round trip of several milliseconds.
 */
export const DEFAULT_LOOP_WRITE_LIMIT_MS = 4;
/** How long writes stay in the thread pool after the disk was found slow (doubling while it stays slow). */
const DEFAULT_POOL_HOLD_MS = 1000;
const DEFAULT_MAX_POOL_HOLD_MS = 60_000;
/** Weight of each loop write in the mean. */
const WEIGHT = 1 / 8;

export class WritePlacement {
  private poolUntil = -Infinity;
  private probing = false;
  private mean = 0;
  private hold: number;

  /** `limitMs` 0: every write goes to the pool. */
  constructor(
    private readonly limitMs = DEFAULT_LOOP_WRITE_LIMIT_MS,
    private readonly baseHoldMs = DEFAULT_POOL_HOLD_MS,
    private readonly maxHoldMs = DEFAULT_MAX_POOL_HOLD_MS,
  ) {
    this.hold = baseHoldMs;
  }

  choose(nowMs: number): WritePlace {
    return this.limitMs > 0 && nowMs >= this.poolUntil ? 'loop' : 'pool';
  }

  /** Reports a write on the loop that ended at `nowMs` after `durationMs`. */
  observeLoopWrite(nowMs: number, durationMs: number): void {
    if (this.probing) {
      this.probing = false;
      if (durationMs <= this.limitMs) {
        this.mean = durationMs;
        this.hold = this.baseHoldMs;
      } else {
        this.toPool(nowMs, Math.min(this.hold * 2, this.maxHoldMs));
      }
      return;
    }
    this.mean += (durationMs - this.mean) * WEIGHT;
    if (this.mean > this.limitMs) this.toPool(nowMs, this.baseHoldMs);
  }

  private toPool(nowMs: number, hold: number): void {
    this.hold = hold;
    this.poolUntil = nowMs + hold;
    this.probing = true;
  }
}
