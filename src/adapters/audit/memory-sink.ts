/**
 * Audit sinks for tests and for running without a trail: one that keeps
 * events in memory, and one that refuses every event (to prove a request
 * fails when its event cannot be recorded).
 */
import type { AuditEvent } from '../../audit/event.js';
import { AuditUnavailableError, type AuditSink } from '../../ports/audit-sink.js';

export class MemoryAuditSink implements AuditSink {
  readonly events: AuditEvent[] = [];
  private closed = false;

  async record(event: AuditEvent): Promise<void> {
    if (this.closed) throw new AuditUnavailableError('the audit trail is closed');
    // A copy through JSON, as the file sink stores it.
    this.events.push(JSON.parse(JSON.stringify(event)) as AuditEvent);
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export class FailingAuditSink implements AuditSink {
  constructor(private readonly reason = 'the audit trail cannot be written') {}

  async record(): Promise<void> {
    throw new AuditUnavailableError(this.reason);
  }

  async close(): Promise<void> {}
}
