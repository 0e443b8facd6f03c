/**
 * application/x-www-form-urlencoded request bodies, as AWS query-protocol
 * clients send them: `Action=CreateUser&Version=2010-05-08&UserName=bob`,
 * lists as `Tags.member.1.Key=...`. `+` is a space; a repeated name keeps its
 * first value.
 */
import { KmsError } from '../../domain/errors.js';

export const FORM_CONTENT_TYPE = 'application/x-www-form-urlencoded';

export function isFormRequest(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return typeof value === 'string' && value.trim().toLowerCase().startsWith(FORM_CONTENT_TYPE);
}

export function parseForm(body: Buffer): Map<string, string> {
  const params = new Map<string, string>();
  const text = body.toString('utf8');
  if (text === '') return params;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    if (!params.has(name)) params.set(name, value);
  }
  return params;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    throw new KmsError('MalformedQueryString', `The request body is not valid form encoding near '${s.slice(0, 40)}'.`, 400);
  }
}
