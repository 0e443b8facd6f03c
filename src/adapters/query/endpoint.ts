/**
 * The query-protocol side of the listener: `POST /` with a form body
 * (`Action=...&Version=...`), SigV4-authenticated, dispatched on the
 * credential scope's service to IAM (`iam`, 2010-05-08) or STS (`sts`,
 * 2011-06-15), answered in XML. Authentication failures and other errors are
 * rendered as the query protocol's ErrorResponse, with its codes
 * (InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken, ...). Every
 * authenticated request is recorded in the audit trail (request-audit.ts).
 */
import { KmsError } from '../../domain/errors.js';
import { iamErr } from '../../domain/iam/errors.js';
import type { Authenticated, Authenticator } from '../http/authenticator.js';
import type { HttpResponse } from '../http/json-protocol.js';
import { parseAuthorization } from '../http/sigv4.js';
import type { AppRequest, Pipeline, RequestTrace } from '../http/app.js';
import { auditRequestOf, outcomeFactsOf, requestFactsOf, userAgentOf } from '../http/request-audit.js';
import type { QueryContext, QueryDeps, QueryHandler, QueryInput } from './context.js';
import { decodeInput } from './decode.js';
import { parseForm } from './form.js';
import { IAM_HANDLERS } from './iam/registry.js';
import { IAM_MODEL, STS_MODEL, type QueryModel } from './model.generated.js';
import { STS_HANDLERS } from './sts/registry.js';
import { errorXmlResponse, successResponse } from './xml.js';

interface QueryService {
  name: 'iam' | 'sts';
  model: QueryModel;
  handlers: Readonly<Record<string, QueryHandler>>;
  internalCode: string;
}

const SERVICES: Readonly<Record<string, QueryService>> = {
  iam: { name: 'iam', model: IAM_MODEL, handlers: IAM_HANDLERS, internalCode: 'ServiceFailure' },
  sts: { name: 'sts', model: STS_MODEL, handlers: STS_HANDLERS, internalCode: 'InternalFailure' },
};

/** Errors raised by shared code (SigV4, paging) under their JSON-protocol names, as the query protocol names them. */
const QUERY_CODES: Readonly<Record<string, [string, number]>> = {
  MissingAuthenticationTokenException: ['MissingAuthenticationToken', 403],
  IncompleteSignatureException: ['IncompleteSignature', 400],
  InvalidSignatureException: ['SignatureDoesNotMatch', 403],
  UnrecognizedClientException: ['InvalidClientTokenId', 403],
  ExpiredTokenException: ['ExpiredToken', 403],
  AccessDeniedException: ['AccessDenied', 403],
  ValidationException: ['ValidationError', 400],
};

export class QueryEndpoint {
  constructor(
    private readonly deps: QueryDeps,
    private readonly authenticator: Authenticator,
    private readonly pipeline: Pipeline,
  ) {}

  /**
   * One query-protocol request. As on the JSON side (app.ts): refused before
   * authentication, it is answered and logged but not audited; once the
   * caller is known, it runs only while the trail can record it, and its
   * event is durable before the response is rendered.
   */
  async handle(req: AppRequest, trace: RequestTrace): Promise<HttpResponse> {
    let service = SERVICES.iam;
    let params: Map<string, string>;
    let action: string | undefined;
    let who: Authenticated;
    try {
      params = parseForm(req.body);
      action = params.get('Action');
      service = guessService(req, action);
      trace.service = service.name;
      trace.operation = action !== undefined && Object.hasOwn(service.handlers, action) ? action : 'other';
      who = await this.authenticator.authenticate(req);
    } catch (e) {
      return this.errorResponse(service, e, req.requestId, trace);
    }
    trace.principal = who.caller.arn;
    const found = SERVICES[who.service];
    if (found) service = found;
    trace.service = service.name;
    trace.operation = action !== undefined && Object.hasOwn(service.handlers, action) ? action : 'other';
    const ctx: QueryContext = {
      caller: who.caller,
      region: who.region,
      requestId: req.requestId,
      sourceIp: req.sourceIp,
      secureTransport: req.secureTransport,
      userAgent: userAgentOf(req),
      credential: who.credential,
      ...(who.issuedAt !== undefined ? { issuedAt: who.issuedAt } : {}),
    };
    const { auditor } = this.pipeline;
    let input: QueryInput | undefined;
    let result: object | undefined;
    let error: unknown;
    try {
      if (!found) throw iamErr.invalidAction(`Service ${who.service} does not accept query-protocol requests on this endpoint.`);
      const version = service.model.metadata.apiVersion;
      if (action === undefined || action === '') throw new KmsError('MissingAction', 'Missing Action', 400);
      const handler = Object.hasOwn(service.handlers, action) ? service.handlers[action] : undefined;
      const requested = params.get('Version');
      if (!handler || (requested !== undefined && requested !== version)) {
        throw iamErr.invalidAction(`Could not find operation ${action} for version ${requested ?? version}`);
      }
      input = decodeInput(service.model, service.model.operations[action].input, params);
      if (!auditor.available()) {
        auditor.refused();
        throw new KmsError(service.internalCode, 'The audit trail cannot record this request, so it was not performed.', 500);
      }
      result = (await handler(input, ctx, this.deps)) ?? {};
    } catch (e) {
      error = e;
    }
    const failure = error === undefined ? undefined : this.failureOf(service, error, req.requestId);
    const recorded = await auditor.record(
      auditRequestOf({
        service: service.name,
        operation: eventNameOf(action),
        ...requestFactsOf(req, who, this.deps.clock.now()),
        input,
        ...outcomeFactsOf(result, failure),
        ...resourcesOf(service.name, action, input),
      }),
    );
    if (!recorded) return this.errorResponse(service, internalError(service), req.requestId, trace);
    if (failure) return this.errorResponse(service, failure.status >= 500 ? internalError(service) : failure, req.requestId, trace);
    return successResponse(service.model, action!, result, req.requestId);
  }

  /** A thrown value as the query protocol's error (code, status); internal faults logged and hidden. */
  private failureOf(service: QueryService, e: unknown, requestId: string): KmsError {
    if (e instanceof KmsError) {
      const [code, status] = QUERY_CODES[e.code] ?? [e.code, e.status];
      return code === e.code && status === e.status ? e : new KmsError(code, e.message, status);
    }
    this.pipeline.logger.error('internal error', { requestId, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e) });
    return internalError(service);
  }

  private errorResponse(service: QueryService, e: unknown, requestId: string, trace: RequestTrace): HttpResponse {
    const failure = this.failureOf(service, e, requestId);
    trace.errorCode = failure.code;
    return errorXmlResponse(service.model.metadata.xmlNamespace, failure.code, failure.message, failure.status, requestId);
  }
}

function internalError(service: QueryService): KmsError {
  return new KmsError(service.internalCode, 'An internal error occurred.', 500);
}

/** An action name as the event's eventName: what the caller sent, bounded. */
function eventNameOf(action: string | undefined): string {
  if (action === undefined || action === '') return '(none)';
  return action.length > 128 ? action.slice(0, 128) : action;
}

/** Resources CloudTrail names for query-protocol events: the role of AssumeRole. */
function resourcesOf(service: string, action: string | undefined, input: QueryInput | undefined): { resourceArns?: string[] } {
  if (service === 'sts' && action === 'AssumeRole' && typeof input?.RoleArn === 'string' && input.RoleArn.startsWith('arn:')) {
    return { resourceArns: [input.RoleArn] };
  }
  return {};
}

/** The service a request is for before it is authenticated: its credential scope's, else by action name. */
function guessService(req: AppRequest, action: string | undefined): QueryService {
  try {
    const scoped = SERVICES[parseAuthorization(req).service];
    if (scoped) return scoped;
  } catch {
    // not parseable: the authenticator will say why
  }
  return action !== undefined && Object.hasOwn(STS_HANDLERS, action) ? SERVICES.sts : SERVICES.iam;
}
