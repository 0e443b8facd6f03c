/**
 * The request handler without a socket. Requests with a form body and no
 * X-Amz-Target are the query protocol (IAM and STS, XML responses; see
 * adapters/query); everything else is KMS over AWS JSON 1.1: authenticates,
 * dispatches by the SigV4 scope's service and X-Amz-Target, renders JSON.
 * Any non-KmsError escaping a handler is an internal fault: logged with the
 * request id, answered as KMSInternalException without details.
 */
import { KmsError, err } from '../../domain/errors.js';
import type { Deps } from '../../operations/context.js';
import { dispatchKms, isKnownOperation } from '../../operations/dispatch.js';
import type { Authenticator } from './authenticator.js';
import { errorResponse, jsonResponse, operationFromTarget, parseJsonBody, type HttpResponse } from './json-protocol.js';
import type { Logger } from '../logger.js';
import { isFormRequest } from '../query/form.js';
import type { QueryEndpoint } from '../query/endpoint.js';

export interface AppRequest {
  method: string;
  rawUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  requestId: string;
  /** The peer's address, and whether the connection is TLS. */
  sourceIp: string;
  secureTransport: boolean;
}

export class TrentApp {
  constructor(
    private readonly deps: Deps,
    private readonly authenticator: Authenticator,
    private readonly logger: Logger,
    private readonly query?: QueryEndpoint,
  ) {}

  async handle(req: AppRequest): Promise<HttpResponse> {
    if (this.query && isQueryRequest(req)) return this.query.handle(req);
    try {
      return await this.route(req);
    } catch (e) {
      if (e instanceof KmsError) return errorResponse(req.requestId, e);
      this.logger.error('internal error', { requestId: req.requestId, error: describeError(e) });
      return errorResponse(req.requestId, err.internal());
    }
  }

  private async route(req: AppRequest): Promise<HttpResponse> {
    if (req.method !== 'POST') {
      throw new KmsError('UnknownOperationException', `Method ${req.method} is not supported; send POST / with X-Amz-Target.`);
    }
    // As AWS: the body and target are checked before the signature.
    const input = parseJsonBody(req.body);
    const operation = operationFromTarget(req.headers['x-amz-target']);
    if (!isKnownOperation(operation)) throw err.unknownOperation(`Operation ${operation} is not part of TrentService.`);
    const who = await this.authenticator.authenticate(req);
    if (who.service !== 'kms') {
      // As AWS answers a KMS request signed for another service (IAM and STS use the query protocol).
      throw new KmsError('InvalidSignatureException', "Credential should be scoped to correct service: 'kms'. ");
    }
    const ctx = {
      caller: who.caller,
      region: who.region,
      requestId: req.requestId,
      sourceIp: req.sourceIp,
      secureTransport: req.secureTransport,
      userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : '',
    };
    return jsonResponse(req.requestId, await dispatchKms(operation, input, ctx, this.deps));
  }
}

/** The query protocol: POST with a form body and no X-Amz-Target (which KMS requests always carry). */
function isQueryRequest(req: AppRequest): boolean {
  return req.method === 'POST' && req.headers['x-amz-target'] === undefined && isFormRequest(req.headers['content-type']);
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e);
}
