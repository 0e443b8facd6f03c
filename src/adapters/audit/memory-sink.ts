/**
 * Audit sinks for tests: one that keeps events in memory, and one that
 * refuses every event (to prove a request fails when its event cannot be
 * recorded, and that nothing is done when the trail is known to be down).
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

  writable(): boolean {
    return !this.closed;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export interface FailingAuditSinkOptions {
  /**
   * Whether the sink admits it cannot write (writable() false, as a file sink
   * that has given up does) or fails only when an event is recorded (a disk
   * that fills up between two writes). Default: it admits it.
   */
  admitsFailure?: boolean;
}

export class FailingAuditSink implements AuditSink {
  /** How many events were offered. */
  attempts = 0;

  constructor(
    private readonly reason = 'the audit trail cannot be written',
    private readonly options: FailingAuditSinkOptions = {},
  ) {}

  async record(): Promise<void> {
    this.attempts++;
    throw new AuditUnavailableError(this.reason);
  }

  writable(): boolean {
    return this.options.admitsFailure === false;
  }

  async close(): Promise<void> {}
}
