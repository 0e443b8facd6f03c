/**
 * XML responses of the query protocol, rendered from the API model so that
 * element names and order are AWS's:
 *
 *   <CreateUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
 *     <CreateUserResult><User>...</User></CreateUserResult>
 *     <ResponseMetadata><RequestId>...</RequestId></ResponseMetadata>
 *   </CreateUserResponse>
 *
 * and errors as
 *
 *   <ErrorResponse xmlns="...">
 *     <Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>...</Message></Error>
 *     <RequestId>...</RequestId>
 *   </ErrorResponse>
 *
 * Lists are `<Name><member>...</member></Name>`; timestamps (epoch ms in the
 * result objects) are ISO 8601 in UTC to the second, as IAM and STS write them.
 */
import type { HttpResponse } from '../http/json-protocol.js';
import type { QueryModel } from './model.generated.js';

export const XML_CONTENT_TYPE = 'text/xml';

/** Escapes element text (`&`, `<`, `>`; a carriage return as a character reference so parsers keep it). */
export function escapeXml(s: string): string {
  return s.replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Renders a value of the given shape (the element's content, without its own tags). */
export function renderShape(model: QueryModel, shapeName: string, value: unknown): string {
  const shape = model.shapes[shapeName];
  switch (shape.type) {
    case 'structure': {
      let out = '';
      const obj = value as Record<string, unknown>;
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const v = obj[name];
        if (v === undefined || v === null) continue;
        out += `<${name}>${renderShape(model, member.shape, v)}</${name}>`;
      }
      return out;
    }
    case 'list':
      return (value as unknown[]).map((item) => `<member>${renderShape(model, shape.member!, item)}</member>`).join('');
    case 'timestamp':
      return isoSeconds(value as number);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return escapeXml(String(value));
  }
}

export function successResponse(model: QueryModel, action: string, result: object | undefined, requestId: string): HttpResponse {
  const op = model.operations[action];
  const ns = model.metadata.xmlNamespace;
  let inner = '';
  if (op.resultWrapper !== null && op.output !== null) {
    inner = `<${op.resultWrapper}>${renderShape(model, op.output, result ?? {})}</${op.resultWrapper}>`;
  }
  const body =
    `<${action}Response xmlns="${ns}">` +
    inner +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
    `</${action}Response>`;
  return { status: 200, headers: { 'content-type': XML_CONTENT_TYPE, 'x-amzn-requestid': requestId }, body };
}

export function errorXmlResponse(namespace: string, code: string, message: string, status: number, requestId: string): HttpResponse {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="${namespace}">` +
    `<Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error>` +
    `<RequestId>${escapeXml(requestId)}</RequestId>` +
    `</ErrorResponse>`;
  return { status, headers: { 'content-type': XML_CONTENT_TYPE, 'x-amzn-requestid': requestId }, body };
}
