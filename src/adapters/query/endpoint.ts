/**
 * The query-protocol side of the listener: `POST /` with a form body
 * (`Action=...&Version=...`), SigV4-authenticated, dispatched on the
 * credential scope's service to IAM (`iam`, 2010-05-08) or STS (`sts`,
 * 2011-06-15), answered in XML. Authentication failures and other errors are
 * rendered as the query protocol's ErrorResponse, with its codes
 * (InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken, ...).
 */
import { KmsError } from '../../domain/errors.js';
import { iamErr } from '../../domain/iam/errors.js';
import type { Authenticator } from '../http/authenticator.js';
import type { HttpResponse } from '../http/json-protocol.js';
import { parseAuthorization } from '../http/sigv4.js';
import type { AppRequest } from '../http/app.js';
import type { Logger } from '../logger.js';
import type { QueryContext, QueryDeps, QueryHandler } from './context.js';
import { decodeInput } from './decode.js';
import { parseForm } from './form.js';
import { IAM_HANDLERS } from './iam/registry.js';
import { IAM_MODEL, STS_MODEL, type QueryModel } from './model.generated.js';
import { STS_HANDLERS } from './sts/registry.js';
import { errorXmlResponse, successResponse } from './xml.js';

interface QueryService {
  model: QueryModel;
  handlers: Readonly<Record<string, QueryHandler>>;
  internalCode: string;
}

const SERVICES: Readonly<Record<string, QueryService>> = {
  iam: { model: IAM_MODEL, handlers: IAM_HANDLERS, internalCode: 'ServiceFailure' },
  sts: { model: STS_MODEL, handlers: STS_HANDLERS, internalCode: 'InternalFailure' },
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
    private readonly logger: Logger,
  ) {}

  async handle(req: AppRequest): Promise<HttpResponse> {
    let service = SERVICES.iam;
    try {
      const params = parseForm(req.body);
      const action = params.get('Action');
      service = guessService(req, action);
      const who = await this.authenticator.authenticate(req);
      const found = SERVICES[who.service];
      if (!found) throw iamErr.invalidAction(`Service ${who.service} does not accept query-protocol requests on this endpoint.`);
      service = found;
      const version = service.model.metadata.apiVersion;
      if (action === undefined || action === '') throw new KmsError('MissingAction', 'Missing Action', 400);
      const handler = Object.hasOwn(service.handlers, action) ? service.handlers[action] : undefined;
      const requested = params.get('Version');
      if (!handler || (requested !== undefined && requested !== version)) {
        throw iamErr.invalidAction(`Could not find operation ${action} for version ${requested ?? version}`);
      }
      const input = decodeInput(service.model, service.model.operations[action].input, params);
      const ctx: QueryContext = {
        caller: who.caller,
        region: who.region,
        requestId: req.requestId,
        sourceIp: req.sourceIp,
        secureTransport: req.secureTransport,
        userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : '',
        credential: who.credential,
        ...(who.issuedAt !== undefined ? { issuedAt: who.issuedAt } : {}),
      };
      const result = await handler(input, ctx, this.deps);
      return successResponse(service.model, action, result, req.requestId);
    } catch (e) {
      return this.errorResponse(service, e, req.requestId);
    }
  }

  private errorResponse(service: QueryService, e: unknown, requestId: string): HttpResponse {
    const ns = service.model.metadata.xmlNamespace;
    if (e instanceof KmsError) {
      const [code, status] = QUERY_CODES[e.code] ?? [e.code, e.status];
      return errorXmlResponse(ns, code, e.message, status, requestId);
    }
    this.logger.error('internal error', { requestId, error: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e) });
    return errorXmlResponse(ns, service.internalCode, 'An internal error occurred.', 500, requestId);
  }
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
