/**
 * The audit step of the request pipeline, shared by the KMS, CloudTrail
 * (AWS JSON 1.1) and IAM/STS (query) endpoints: every authenticated request,
 * allowed, denied or failed, becomes one CloudTrail record, durably written
 * before its response is sent.
 *
 * Fail closed, twice over:
 * - if the event cannot be recorded, the request is answered with an
 *   internal error (its result, even a successful one, is withheld);
 * - while the trail is known to be unable to record (the sink says it is
 *   not writable, or the last record failed), requests are not performed at
 *   all: a change the trail could not show is never made. Each such request
 *   still offers its (refusal) event, so the first one the trail accepts
 *   again reopens the gate.
 *
 * Requests refused before the caller is authenticated (malformed, unknown
 * operation, bad or unknown credentials) are not recorded: without an
 * authenticated principal an event would prove nothing, and writing
 * (fsyncing) one per anonymous request would hand anyone who can reach the
 * port a way to fill the disk. They are logged (rate-limited) and counted in
 * /metrics instead.
 */
import { buildAuditEvent } from '../../audit/build.js';
import type { AuditRequest, AuditService, JsonObject, TlsDetails } from '../../audit/event.js';
import type { AuditNotes, Caller } from '../../operations/context.js';
import type { AuditSink } from '../../ports/audit-sink.js';
import type { Logger } from '../logger.js';
import type { AppRequest } from './app.js';
import type { Authenticated } from './authenticator.js';
import type { Metrics } from './metrics.js';

/** A sink that can say, cheaply, whether it can take events at all (FileAuditSink, the test sinks). */
interface WritableProbe {
  writable(): boolean;
}

function hasProbe(sink: AuditSink): sink is AuditSink & WritableProbe {
  return typeof (sink as Partial<WritableProbe>).writable === 'function';
}

/** The longest User-Agent recorded (CloudTrail truncates long agents too). */
const MAX_USER_AGENT = 1024;

export class RequestAuditor {
  private failing = false;
  private lastError: string | undefined;

  /** `sink` undefined: auditing is off (--audit off), nothing is recorded. */
  constructor(
    private readonly sink: AuditSink | undefined,
    private readonly logger: Logger,
    private readonly metrics?: Metrics,
  ) {}

  get enabled(): boolean {
    return this.sink !== undefined;
  }

  /** Whether a request may be performed now: the trail is not known to be unable to record it. */
  available(): boolean {
    if (!this.sink) return true;
    if (this.failing) return false;
    return hasProbe(this.sink) ? this.sink.writable() : true;
  }

  /** For /readyz: ok, or why not. */
  status(): { ok: true; detail: string } | { ok: false; detail: string } {
    if (!this.sink) return { ok: true, detail: 'disabled (--audit off)' };
    if (hasProbe(this.sink) && !this.sink.writable()) return { ok: false, detail: 'the audit sink cannot write' };
    if (this.failing) return { ok: false, detail: `the last audit write failed${this.lastError ? `: ${this.lastError}` : ''}` };
    return { ok: true, detail: 'ok' };
  }

  /** Counts a request that was not performed because the trail was unavailable. */
  refused(): void {
    if (this.metrics) this.metrics.auditRefusals++;
  }

  /**
   * Builds the request's event and records it durably. Resolves false (never
   * rejects) when it could not: the caller must then fail the request.
   */
  async record(req: AuditRequest): Promise<boolean> {
    if (!this.sink) return true;
    try {
      await this.sink.record(buildAuditEvent(req));
      this.failing = false;
      return true;
    } catch (e) {
      this.failing = true;
      this.lastError = e instanceof Error ? e.message : String(e);
      if (this.metrics) this.metrics.auditRecordFailures++;
      this.logger.error('audit event not recorded: request failed', {
        requestId: req.requestId,
        service: req.service,
        operation: req.operation,
        error: this.lastError,
      });
      return false;
    }
  }
}

/** What the request pipeline knows of a request when it records it. */
export interface AuditFacts {
  service: AuditService;
  operation: string;
  caller: Caller;
  region: string;
  requestId: string;
  sourceIp: string;
  userAgent: string;
  time: number;
  credential: 'long-term' | 'session';
  issuedAt?: number;
  tls?: TlsDetails;
  input?: unknown;
  output?: object;
  error?: { code: string; message: string };
  notes?: AuditNotes;
  /** Further resources (the role of AssumeRole). */
  resourceArns?: readonly string[];
}

function plainObject(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/**
 * The keys a KMS event names, in CloudTrail's order: the key that decrypted
 * first (ReEncrypt lists source, then destination), then those the request
 * resolved, then a key it created.
 */
export function keyArnsOf(notes: AuditNotes | undefined, output: Record<string, unknown> | undefined): string[] {
  const arns = notes ? (notes.decryptingKeyArn !== undefined ? [notes.decryptingKeyArn, ...notes.keyArns] : notes.keyArns.slice()) : [];
  const created = plainObject(output?.KeyMetadata)?.Arn;
  if (typeof created === 'string') arns.push(created);
  return arns;
}

/** The material ids of an event: keyMaterialId, or ReEncrypt's source and destination. */
function materialOf(operation: string, notes: AuditNotes | undefined): Pick<AuditRequest, 'keyMaterialId' | 'additionalEventData'> {
  if (!notes) return {};
  if (operation === 'ReEncrypt') {
    const extra: JsonObject = {};
    if (notes.encryptMaterialId !== undefined) extra.destinationKeyMaterialId = notes.encryptMaterialId;
    if (notes.decryptMaterialId !== undefined) extra.sourceKeyMaterialId = notes.decryptMaterialId;
    return Object.keys(extra).length ? { additionalEventData: extra } : {};
  }
  const id = notes.encryptMaterialId ?? notes.decryptMaterialId;
  return id !== undefined ? { keyMaterialId: id } : {};
}

export function auditRequestOf(f: AuditFacts): AuditRequest {
  const output = plainObject(f.output);
  return {
    service: f.service,
    operation: f.operation,
    caller: f.caller,
    region: f.region,
    sourceIp: f.sourceIp,
    userAgent: f.userAgent.length > MAX_USER_AGENT ? f.userAgent.slice(0, MAX_USER_AGENT) : f.userAgent,
    requestId: f.requestId,
    time: f.time,
    input: plainObject(f.input),
    ...(output && !f.error ? { output } : {}),
    ...(f.error ? { error: f.error } : {}),
    keyArns: f.service === 'kms' ? keyArnsOf(f.notes, f.error ? undefined : output) : [],
    ...(f.resourceArns ? { resourceArns: f.resourceArns } : {}),
    ...materialOf(f.operation, f.notes),
    credential: f.credential,
    ...(f.issuedAt !== undefined ? { sessionIssuedAt: f.issuedAt } : {}),
    ...(f.tls ? { tls: f.tls } : {}),
  };
}

/** The User-Agent a request sent ('' when none), as its context and event record it. */
export function userAgentOf(req: AppRequest): string {
  const agent = req.headers['user-agent'];
  return typeof agent === 'string' ? agent : '';
}

/** The audit event's tlsDetails, for requests over TLS. */
export function tlsOf(req: AppRequest): { tls?: TlsDetails } {
  if (!req.tls) return {};
  const host = req.headers.host;
  return { tls: { tlsVersion: req.tls.version, cipherSuite: req.tls.cipher, clientProvidedHostHeader: typeof host === 'string' ? host : '' } };
}

/** What every event of an authenticated request records of it, whatever the protocol: who sent it, from where, when and how. */
export function requestFactsOf(
  req: AppRequest,
  who: Authenticated,
  time: number,
): Pick<AuditFacts, 'caller' | 'region' | 'requestId' | 'sourceIp' | 'userAgent' | 'time' | 'credential' | 'issuedAt' | 'tls'> {
  return {
    caller: who.caller,
    region: who.region,
    requestId: req.requestId,
    sourceIp: req.sourceIp,
    userAgent: userAgentOf(req),
    time,
    credential: who.credential,
    ...(who.issuedAt !== undefined ? { issuedAt: who.issuedAt } : {}),
    ...tlsOf(req),
  };
}

/** The result half of an event: the output of a request that succeeded, or the error of one that did not. */
export function outcomeFactsOf(output: object | undefined, error: { code: string; message: string } | undefined): Pick<AuditFacts, 'output' | 'error'> {
  return {
    ...(output !== undefined ? { output } : {}),
    ...(error ? { error: { code: error.code, message: error.message } } : {}),
  };
}
