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

/** Events a worker recorded in one turn of its event loop, each serialized there. */
interface BatchMessage {
  trent: 'audit-batch';
  items: { id: number; json: string; eventTime: string }[];
}

/** The primary's answer to one batch: which events are durable, which failed and why. */
interface AcksMessage {
  trent: 'audit-acks';
  ok: number[];
  failed: [number, string][];
  writable: boolean;
  stats?: AuditSinkStats;
}

type Channel = Pick<NodeJS.Process, 'send' | 'on' | 'off' | 'connected'>;

/**
 * A worker's sink: events go to the primary's trail. Each event is serialized
 * in the worker; the events of one event-loop turn travel in one message and
 * are answered in one message, so the cost per event stays small.
 */
export class IpcAuditSink implements AuditSink {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private readonly inFlight = new Set<Promise<void>>();
  private queue: BatchMessage['items'] = [];
  private flushScheduled = false;
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
    let json: string;
    try {
      json = JSON.stringify(event);
    } catch (e) {
      return Promise.reject(new AuditUnavailableError('the audit event cannot be serialized', { cause: e }));
    }
    const id = this.nextId++;
    const done = new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.queue.push({ id, json, eventTime: event.eventTime });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
    const tracked = done.then(
      () => {},
      () => {},
    );
    this.inFlight.add(tracked);
    void tracked.then(() => this.inFlight.delete(tracked));
    return done;
  }

  private flush(): void {
    this.flushScheduled = false;
    const items = this.queue;
    this.queue = [];
    if (items.length === 0) return;
    if (!this.channel.connected || !this.channel.send) {
      for (const it of items) this.settle(it.id, 'the primary process is gone');
      return;
    }
    const message: BatchMessage = { trent: 'audit-batch', items };
    this.channel.send(message, undefined, undefined, (e: Error | null) => {
      if (e) for (const it of items) this.settle(it.id, `the audit event could not be sent to the primary process: ${e.message}`);
    });
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
    const acks = m as Partial<AcksMessage> | null;
    if (acks?.trent !== 'audit-acks' || !Array.isArray(acks.ok) || !Array.isArray(acks.failed)) return;
    this.primaryWritable = acks.writable === true;
    if (acks.stats) this.lastStats = acks.stats;
    for (const id of acks.ok) this.settle(id, undefined);
    for (const [id, error] of acks.failed) this.settle(id, error);
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

/** What the primary records into: the trail, taking events serialized by the workers when it can. */
type PrimarySink = AuditSink & {
  recordSerialized?: (json: string, eventTime: string) => Promise<void>;
  writable?: () => boolean;
  stats?: () => AuditSinkStats;
};

/** Primary side: records a worker's batches in `sink` and answers each; counters go along at most every `statsEveryMs`. */
export function serveAuditTo(worker: Worker, sink: PrimarySink, statsEveryMs = 1000): void {
  let statsSent = 0;
  const recordOne = (it: BatchMessage['items'][number]): Promise<void> =>
    sink.recordSerialized ? sink.recordSerialized(it.json, it.eventTime) : sink.record(JSON.parse(it.json) as AuditEvent);
  worker.on('message', (m: unknown) => {
    const msg = m as Partial<BatchMessage> | null;
    if (msg?.trent !== 'audit-batch' || !Array.isArray(msg.items)) return;
    const items = msg.items;
    void Promise.allSettled(items.map(recordOne)).then((results) => {
      if (!worker.isConnected()) return;
      const acks: AcksMessage = { trent: 'audit-acks', ok: [], failed: [], writable: sink.writable?.() ?? true };
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') acks.ok.push(items[i].id);
        else acks.failed.push([items[i].id, r.reason instanceof Error ? r.reason.message : String(r.reason)]);
      });
      const now = Date.now();
      if (sink.stats && now - statsSent >= statsEveryMs) {
        acks.stats = sink.stats();
        statsSent = now;
      }
      worker.send(acks, undefined, () => {});
    });
  });
}
