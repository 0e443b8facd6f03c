/** AWS JSON 1.1 framing: the target header, body parsing and error rendering. */
import { KmsError, err } from '../../domain/errors.js';

export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
export const TARGET_PREFIX = 'TrentService.';

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The operation named by X-Amz-Target, or an UnknownOperationException. */
export function operationFromTarget(target: string | string[] | undefined): string {
  if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX) || target.length === TARGET_PREFIX.length) {
    throw err.unknownOperation(`Unknown operation ${typeof target === 'string' ? target : '(no X-Amz-Target header)'}`);
  }
  return target.slice(TARGET_PREFIX.length);
}

/** Parses a request body; an empty body is an empty input, as AWS treats it. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw err.serialization('Start of structure or map found where not expected, or the request body is not valid JSON.');
  }
}

export function jsonResponse(requestId: string, payload: object): HttpResponse {
  return {
    status: 200,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: JSON.stringify(payload),
  };
}

export function errorResponse(requestId: string, error: KmsError): HttpResponse {
  return {
    status: error.status,
    headers: { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.code },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  };
}
