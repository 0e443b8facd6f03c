/** Counters of the audit sink, for /metrics and /readyz. */

/** Upper bounds (ms) of the write-latency histogram buckets. */
export const LATENCY_BUCKETS_MS = [0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000] as const;

export interface AuditSinkStats {
  eventsWritten: number;
  batches: number;
  bytesWritten: number;
  largestBatch: number;
  /** Batches written from the event loop (the rest went through the thread pool: write-placement.ts). */
  loopWrites: number;
  /** Records accepted but not yet durable. */
  backlog: number;
  writeFailures: number;
  rotationFailures: number;
  digestsWritten: number;
  /** Time from record() to durable, in ms; buckets are cumulative (Prometheus `le`). */
  writeLatency: { count: number; sumMs: number; maxMs: number; buckets: { le: number; count: number }[] };
  /** False once the sink refuses records (a failed write it could not undo) or is closed. */
  healthy: boolean;
  lastError?: string;
  currentLogFile?: string;
  lastDigestFile?: string;
}

export class SinkCounters {
  eventsWritten = 0;
  batches = 0;
  bytesWritten = 0;
  largestBatch = 0;
  loopWrites = 0;
  writeFailures = 0;
  rotationFailures = 0;
  digestsWritten = 0;
  lastError: string | undefined;
  private latencyCount = 0;
  private latencySum = 0;
  private latencyMax = 0;
  private readonly buckets: number[] = LATENCY_BUCKETS_MS.map(() => 0);

  batchWritten(events: number, bytes: number): void {
    this.eventsWritten += events;
    this.batches++;
    this.bytesWritten += bytes;
    if (events > this.largestBatch) this.largestBatch = events;
  }

  latency(ms: number): void {
    this.latencyCount++;
    this.latencySum += ms;
    if (ms > this.latencyMax) this.latencyMax = ms;
    const i = LATENCY_BUCKETS_MS.findIndex((le) => ms <= le);
    if (i >= 0) this.buckets[i]++;
  }

  failed(kind: 'write' | 'rotation', error: unknown): void {
    if (kind === 'write') this.writeFailures++;
    else this.rotationFailures++;
    this.lastError = errorText(error);
  }

  snapshot(live: Pick<AuditSinkStats, 'backlog' | 'healthy' | 'currentLogFile' | 'lastDigestFile'>): AuditSinkStats {
    let cumulative = 0;
    return {
      eventsWritten: this.eventsWritten,
      batches: this.batches,
      bytesWritten: this.bytesWritten,
      largestBatch: this.largestBatch,
      loopWrites: this.loopWrites,
      backlog: live.backlog,
      writeFailures: this.writeFailures,
      rotationFailures: this.rotationFailures,
      digestsWritten: this.digestsWritten,
      writeLatency: {
        count: this.latencyCount,
        sumMs: this.latencySum,
        maxMs: this.latencyMax,
        buckets: LATENCY_BUCKETS_MS.map((le, i) => ({ le, count: (cumulative += this.buckets[i]) })),
      },
      healthy: live.healthy,
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
      ...(live.currentLogFile !== undefined ? { currentLogFile: live.currentLogFile } : {}),
      ...(live.lastDigestFile !== undefined ? { lastDigestFile: live.lastDigestFile } : {}),
    };
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? `${(e as NodeJS.ErrnoException).code ?? e.name}: ${e.message}` : String(e);
}
