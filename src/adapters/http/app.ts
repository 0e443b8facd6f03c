/**
 * The request handler without a socket.
 *
 * - GET /metrics, /healthz, /readyz: observability, without SigV4.
 * - POST with a form body and no X-Amz-Target: the query protocol (IAM and
 *   STS, XML responses; see adapters/query).
 * - X-Amz-Target `com.amazonaws.cloudtrail...`: CloudTrail's LookupEvents.
 * - Everything else: KMS over AWS JSON 1.1.
 *
 * Each API request: the body and target are checked, the caller is
 * authenticated, the operation runs (unless the audit trail is known to be
 * down), its event is recorded durably, and only then is the response
 * rendered; an event that cannot be recorded turns the response into an
 * internal error (request-audit.ts). Any non-KmsError escaping a handler is
 * an internal fault: logged with the request id, answered without details.
 * Every request is counted in /metrics and, with the access log on, logged
 * as one JSON line.
 */
import { KmsError, err } from '../../domain/errors.js';
import { newAuditNotes, type Deps, type RequestContext } from '../../operations/context.js';
import { dispatchKms, isKnownOperation } from '../../operations/dispatch.js';
import type { AuditService } from '../../audit/event.js';
import type { Authenticated, Authenticator } from './authenticator.js';
import { errorResponse, jsonResponse, operationFromTarget, parseJsonBody, type HttpResponse } from './json-protocol.js';
import type { Logger } from '../logger.js';
import { isFormRequest } from '../query/form.js';
import type { QueryEndpoint } from '../query/endpoint.js';
import { CLOUDTRAIL_OPERATIONS, CLOUDTRAIL_TARGET_PREFIX, type CloudTrailService } from './cloudtrail.js';
import type { Metrics, Outcome } from './metrics.js';
import { isObservabilityRequest, type Observability } from './observability.js';
import { auditRequestOf, outcomeFactsOf, requestFactsOf, userAgentOf, type RequestAuditor } from './request-audit.js';

export interface AppRequest {
  method: string;
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  requestId: string;
  /** The peer's address, and whether the connection is TLS. */
  sourceIp: string;
  secureTransport: boolean;
  /** TLS connections: the negotiated protocol and cipher suite (for the audit event's tlsDetails). */
  tls?: { version: string; cipher: string };
  /** When the body had been read (process.hrtime.bigint()), for latency metrics; defaults to when handling starts. */
  receivedAt?: bigint;
}

/** What the pipeline learns about a request, for metrics and the access log. */
export interface RequestTrace {
  /** kms, iam, sts, cloudtrail */
  service: string;
  /** A known operation name, or "other" (bounded metric labels). */
  operation: string;
  /** Set once the caller is authenticated. */
  principal?: string;
  errorCode?: string;
}

/** The request pipeline's shared parts, used by the JSON and query endpoints alike. */
export interface Pipeline {
  auditor: RequestAuditor;
  metrics: Metrics;
  logger: Logger;
  /** One JSON line per request (off by default). */
  accessLog: boolean;
}

export interface AppOptions {
  deps: Deps;
  authenticator: Authenticator;
  pipeline: Pipeline;
  query?: QueryEndpoint;
  cloudTrail?: CloudTrailService;
  observability?: Observability;
}

/** The scope service and audit service of a JSON-protocol request. */
interface JsonTarget {
  service: 'kms' | 'cloudtrail';
  operation: string;
}

/** At most this many log lines a second about requests refused before authentication. */
const REJECTION_LOG_RATE = 20;

export class TrentApp {
  private readonly deps: Deps;
  private readonly authenticator: Authenticator;
  private readonly pipeline: Pipeline;
  private readonly logger: Logger;
  private readonly query?: QueryEndpoint;
  private readonly cloudTrail?: CloudTrailService;
  private readonly observability?: Observability;
  private rejectionWindow = { second: 0, logged: 0, suppressed: 0 };

  constructor(options: AppOptions) {
    this.deps = options.deps;
    this.authenticator = options.authenticator;
    this.pipeline = options.pipeline;
    this.logger = options.pipeline.logger;
    this.query = options.query;
    this.cloudTrail = options.cloudTrail;
    this.observability = options.observability;
  }

  async handle(req: AppRequest): Promise<HttpResponse> {
    if (this.observability && isObservabilityRequest(req.method, req.rawUrl)) return this.observability.handle(req.method, req.rawUrl);
    const started = req.receivedAt ?? process.hrtime.bigint();
    const trace: RequestTrace = { service: 'kms', operation: 'other' };
    let res: HttpResponse;
    try {
      res = this.query && isQueryRequest(req) ? await this.query.handle(req, trace) : await this.json(req, trace);
    } catch (e) {
      // Not expected: each endpoint answers its own errors.
      this.logger.error('internal error', { requestId: req.requestId, error: describeError(e) });
      trace.errorCode = 'InternalFailure';
      res = errorResponse(req.requestId, err.internal());
    }
    this.finish(req, trace, res, started);
    return res;
  }

  /** Metrics, the access log, and the log line of a request refused before authentication. */
  private finish(req: AppRequest, trace: RequestTrace, res: HttpResponse, started: bigint): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const outcome = outcomeOf(trace, res.status);
    this.pipeline.metrics.request(trace.service, trace.operation, outcome, seconds);
    if (outcome === 'unauthenticated') {
      this.pipeline.metrics.authenticationFailure(trace.service, trace.errorCode ?? String(res.status));
      this.logRejection(req, trace, res.status);
    } else if (this.pipeline.accessLog) {
      this.logger.info('request', {
        requestId: req.requestId,
        service: trace.service,
        operation: trace.operation,
        status: res.status,
        ...(trace.errorCode !== undefined ? { errorCode: trace.errorCode } : {}),
        latencyMs: Math.round(seconds * 1e6) / 1e3,
        principal: trace.principal,
        sourceIp: req.sourceIp,
      });
    }
  }

  /** Requests refused before authentication are not audited (no principal); they are logged, at a bounded rate. */
  private logRejection(req: AppRequest, trace: RequestTrace, status: number): void {
    const second = Math.floor(Date.now() / 1000);
    const w = this.rejectionWindow;
    if (w.second !== second) {
      if (w.suppressed > 0) this.logger.warn('unauthenticated requests not logged (rate limit)', { count: w.suppressed });
      this.rejectionWindow = { second, logged: 0, suppressed: 0 };
    }
    if (this.rejectionWindow.logged >= REJECTION_LOG_RATE) {
      this.rejectionWindow.suppressed++;
      return;
    }
    this.rejectionWindow.logged++;
    this.logger.warn('request refused before authentication', {
      requestId: req.requestId,
      service: trace.service,
      operation: trace.operation,
      status,
      errorCode: trace.errorCode,
      sourceIp: req.sourceIp,
      ...accessKeyIdOf(req),
    });
  }

  /** KMS and CloudTrail: AWS JSON 1.1. */
  private async json(req: AppRequest, trace: RequestTrace): Promise<HttpResponse> {
    let input: unknown;
    let target: JsonTarget;
    let who: Authenticated;
    try {
      if (req.method !== 'POST') {
        throw new KmsError('UnknownOperationException', `Method ${req.method} is not supported; send POST / with X-Amz-Target.`);
      }
      // As AWS: the body and target are checked before the signature.
      input = parseJsonBody(req.body);
      target = this.targetOf(req.headers['x-amz-target'], trace);
      who = await this.authenticator.authenticate(req);
    } catch (e) {
      trace.errorCode = e instanceof KmsError ? e.code : 'InternalFailure';
      if (e instanceof KmsError) return errorResponse(req.requestId, e);
      this.logger.error('internal error', { requestId: req.requestId, error: describeError(e) });
      return errorResponse(req.requestId, err.internal());
    }
    trace.principal = who.caller.arn;
    const { auditor } = this.pipeline;
    const ctx = this.contextOf(req, who);
    let output: object | undefined;
    let error: KmsError | undefined;
    if (who.service !== target.service) {
      // As AWS answers a request signed for another service (IAM and STS use the query protocol).
      error = new KmsError('InvalidSignatureException', `Credential should be scoped to correct service: '${target.service}'. `);
    } else if (!auditor.available()) {
      auditor.refused();
      error = new KmsError(internalError(target.service).code, 'The audit trail cannot record this request, so it was not performed.', 500);
    } else {
      try {
        output =
          target.service === 'kms'
            ? await dispatchKms(target.operation, input, ctx, this.deps)
            : await this.cloudTrail!.run(target.operation, input, { ...ctx, credential: who.credential, ...(who.issuedAt !== undefined ? { issuedAt: who.issuedAt } : {}) });
      } catch (e) {
        if (e instanceof KmsError) error = e;
        else {
          this.logger.error('internal error', { requestId: req.requestId, operation: target.operation, error: describeError(e) });
          error = internalError(target.service);
        }
      }
    }
    const recorded = await auditor.record(
      auditRequestOf({
        service: target.service as AuditService,
        operation: target.operation,
        ...requestFactsOf(req, who, this.deps.clock.now()),
        input,
        ...outcomeFactsOf(output, error),
        notes: ctx.audit,
      }),
    );
    if (!recorded) {
      const internal = internalError(target.service);
      trace.errorCode = internal.code;
      return errorResponse(req.requestId, internal);
    }
    if (error) {
      trace.errorCode = error.code;
      // The refusal's own wording stays in the trail; the client hears the usual internal error.
      return errorResponse(req.requestId, error.status >= 500 ? internalError(target.service) : error);
    }
    return jsonResponse(req.requestId, output!);
  }

  private targetOf(header: string | string[] | undefined, trace: RequestTrace): JsonTarget {
    if (this.cloudTrail && typeof header === 'string' && header.startsWith(CLOUDTRAIL_TARGET_PREFIX)) {
      const operation = header.slice(CLOUDTRAIL_TARGET_PREFIX.length);
      trace.service = 'cloudtrail';
      if (!CLOUDTRAIL_OPERATIONS.has(operation)) throw err.unknownOperation(`Operation ${operation} is not supported by this server.`);
      trace.operation = operation;
      return { service: 'cloudtrail', operation };
    }
    const operation = operationFromTarget(header);
    if (!isKnownOperation(operation)) throw err.unknownOperation(`Operation ${operation} is not part of TrentService.`);
    trace.operation = operation;
    return { service: 'kms', operation };
  }

  private contextOf(req: AppRequest, who: Authenticated): RequestContext {
    return {
      caller: who.caller,
      region: who.region,
      requestId: req.requestId,
      sourceIp: req.sourceIp,
      secureTransport: req.secureTransport,
      userAgent: userAgentOf(req),
      ...(this.pipeline.auditor.enabled ? { audit: newAuditNotes() } : {}),
    };
  }
}

/** The internal error of a JSON-protocol service, without details. */
function internalError(service: 'kms' | 'cloudtrail'): KmsError {
  return service === 'kms' ? err.internal() : new KmsError('InternalFailure', 'An internal error occurred.', 500);
}

function outcomeOf(trace: RequestTrace, status: number): Outcome {
  if (status < 400) return 'success';
  if (trace.principal === undefined) return 'unauthenticated';
  if (trace.errorCode === 'AccessDeniedException' || trace.errorCode === 'AccessDenied') return 'denied';
  return status >= 500 ? 'server_error' : 'client_error';
}

/** The access key id a refused request claimed (an identifier, not a secret), for the log. */
function accessKeyIdOf(req: AppRequest): { accessKeyId?: string } {
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? /Credential=([A-Za-z0-9]{1,128})\//.exec(auth) : null;
  return m ? { accessKeyId: m[1] } : {};
}

/** The query protocol: POST with a form body and no X-Amz-Target (which KMS requests always carry). */
function isQueryRequest(req: AppRequest): boolean {
  return req.method === 'POST' && req.headers['x-amz-target'] === undefined && isFormRequest(req.headers['content-type']);
}

export function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
}
