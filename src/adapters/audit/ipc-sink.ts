/**
 * The audit trail with several worker processes: the primary process alone
 * writes the trail (one FileAuditSink, one signed digest chain, group commit
 * across every worker), and each worker's sink forwards its events over the
 * cluster IPC channel. A worker's `record` resolves only when the primary
 * reports the event durable (fsynced), so "durable before the response"
 * holds as with one process; it rejects if the primary reports a failure or
 * the channel is gone (fail closed).
 */
import type { Worker } from 'node:cluster';
import type { AuditEvent } from '../../audit/event.js';
import { AuditUnavailableError, type AuditSink } from '../../ports/audit-sink.js';
import type { AuditSinkStats } from './sink-stats.js';

interface RecordMessage {
  trent: 'audit';
  id: number;
  event: AuditEvent;
}

interface AckMessage {
  trent: 'audit-ack';
  id: number;
  error?: string;
  writable: boolean;
  stats?: AuditSinkStats;
}

type Channel = Pick<NodeJS.Process, 'send' | 'on' | 'off' | 'connected'>;

/** A worker's sink: events go to the primary's trail. */
export class IpcAuditSink implements AuditSink {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly inFlight = new Set<Promise<void>>();
  private lastStats: AuditSinkStats | undefined;
  private primaryWritable = true;
  private closed = false;
  private readonly onMessage = (m: unknown) => this.received(m);
  private readonly onDisconnect = () => this.failAll('the primary process is gone');

  constructor(private readonly channel: Channel = process) {
    channel.on('message', this.onMessage);
    channel.on('disconnect', this.onDisconnect);
  }

  record(event: AuditEvent): Promise<void> {
    if (this.closed) return Promise.reject(new AuditUnavailableError('the audit sink is closed'));
    if (!this.channel.connected || !this.channel.send) return Promise.reject(new AuditUnavailableError('the primary process is gone'));
    const id = this.nextId++;
    const done = new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: RecordMessage = { trent: 'audit', id, event };
      this.channel.send!(message, undefined, undefined, (e: Error | null) => {
        if (e) this.settle(id, `the audit event could not be sent to the primary process: ${e.message}`);
      });
    });
    const tracked = done.then(
      () => {},
      () => {},
    );
    this.inFlight.add(tracked);
    void tracked.then(() => this.inFlight.delete(tracked));
    return done;
  }

  /** Whether the primary's trail accepts events (as of its last answer). */
  writable(): boolean {
    return !this.closed && this.channel.connected === true && this.primaryWritable;
  }

  /** The primary's trail counters, as of its last answer. */
  stats(): AuditSinkStats | undefined {
    return this.lastStats;
  }

  /** Waits for events in flight; the primary seals the trail when every worker has stopped. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.inFlight]);
    this.channel.off('message', this.onMessage);
    this.channel.off('disconnect', this.onDisconnect);
  }

  private received(m: unknown): void {
    const ack = m as Partial<AckMessage> | null;
    if (ack?.trent !== 'audit-ack' || typeof ack.id !== 'number') return;
    this.primaryWritable = ack.writable === true;
    if (ack.stats) this.lastStats = ack.stats;
    this.settle(ack.id, ack.error);
  }

  private settle(id: number, error: string | undefined): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (error === undefined) p.resolve();
    else p.reject(new AuditUnavailableError(error));
  }

  private failAll(reason: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, reason);
  }
}

/** Primary side: records a worker's events in `sink` and answers each; counters go along at most every `statsEveryMs`. */
export function serveAuditTo(worker: Worker, sink: AuditSink & { writable?: () => boolean; stats?: () => AuditSinkStats }, statsEveryMs = 1000): void {
  let statsSent = 0;
  worker.on('message', (m: unknown) => {
    const msg = m as Partial<RecordMessage> | null;
    if (msg?.trent !== 'audit' || typeof msg.id !== 'number' || msg.event === undefined) return;
    const answer = (error?: string) => {
      if (!worker.isConnected()) return;
      const ack: AckMessage = { trent: 'audit-ack', id: msg.id!, writable: sink.writable?.() ?? true, ...(error !== undefined ? { error } : {}) };
      const now = Date.now();
      if (sink.stats && now - statsSent >= statsEveryMs) {
        ack.stats = sink.stats();
        statsSent = now;
      }
      worker.send(ack, undefined, () => {});
    };
    sink.record(msg.event).then(
      () => answer(),
      (e: unknown) => answer(e instanceof Error ? e.message : String(e)),
    );
  });
}
