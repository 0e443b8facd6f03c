/**
 * Where audit events go. The request pipeline records one event per request,
 * allowed, denied or failed, and answers only after `record` resolves: an
 * event that cannot be recorded fails the request (fail closed).
 */
import type { AuditEvent } from '../audit/event.js';

export interface AuditSink {
  /** Resolves once the event is durably written (fsynced); rejects if it cannot be. */
  record(event: AuditEvent): Promise<void>;
  /** Writes what is pending, seals the current log file and stops accepting events. */
  close(): Promise<void>;
}

/** The error `record` rejects with; the pipeline answers it as an internal failure (500). */
export class AuditUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditUnavailableError';
  }
}
