/**
 * Server-side AWS Signature Version 4 verification (non-S3 rules, as used by
 * KMS and the other JSON-protocol services), with AWS's error codes and wording.
 *
 * Usage: `parseAuthorization(req)` (pure), look up the secret for
 * `auth.accessKeyId`, check `auth.region` / `auth.service` against the server's
 * own, then `verifier.verify(req, auth, secret, now)`.
 *
 * Headers: pass Node's `req.headers`, or `req.headersDistinct` to have repeated
 * headers canonicalised exactly (Node joins most repeats with ", " and drops
 * repeats of a few, e.g. host and content-type).
 */
import { RecencyMap } from '../../domain/recency-map.js';
import { createHmac, hash } from 'node:crypto';
import { HmacSha256Key, constantTimeEqual } from './hmac-sha256.js';
import { KmsError } from '../../domain/errors.js';
import {
  amzDateFromHttpDate,
  canonicalHeaderValue,
  canonicalQuery,
  canonicalUri,
  formatAmzDate,
  parseAmzDate,
  splitTarget,
} from './sigv4-canonical.js';

export interface IncomingSignedRequest {
  method: string;
  /** Request target as received, e.g. '/' or '/?Action=X&b=1'. */
  rawUrl: string;
  /** Node's IncomingMessage.headers (lower-cased names). */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface ParsedAuthorization {
  accessKeyId: string;
  /** yyyymmdd from the credential scope. */
  date: string;
  region: string;
  /** e.g. 'kms', 'sts', 'iam'. */
  service: string;
  signedHeaders: string[];
  /** hex */
  signature: string;
  /** The X-Amz-Date value (yyyymmddThhmmssZ), or derived from the Date header. */
  amzDate: string;
  /** X-Amz-Security-Token header (or query parameter, when presigned) if present. */
  securityToken?: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const MAX_PRESIGN_EXPIRES_S = 604800;
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

const incomplete = (message: string) => new KmsError('IncompleteSignatureException', message);
const invalid = (message: string) => new KmsError('InvalidSignatureException', message);
const badDate = (value: string) =>
  incomplete(`Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`);

function first(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
}

function authorizationHeader(req: IncomingSignedRequest): string | undefined {
  const h = first(req.headers.authorization);
  return h === undefined || h.trim() === '' ? undefined : h;
}

/** Parses the Authorization header; throws KmsError for missing/incomplete/malformed auth. Pure. */
export function parseAuthorization(req: IncomingSignedRequest): ParsedAuthorization {
  const header = authorizationHeader(req);
  if (header !== undefined) return parseHeaderAuth(req, header);
  const q = req.rawUrl.indexOf('?');
  if (q >= 0 && req.rawUrl.includes('X-Amz-Algorithm', q)) {
    const params = queryAuthParams(splitTarget(req.rawUrl).query);
    if (params.has('X-Amz-Algorithm')) return parseQueryAuth(params);
  }
  throw new KmsError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
}

function parseHeaderAuth(req: IncomingSignedRequest, header: string): ParsedAuthorization {
  const auth = header.trim();
  const sp = auth.indexOf(' ');
  const algorithm = sp < 0 ? auth : auth.slice(0, sp);
  if (!algorithm.startsWith('AWS4-')) {
    throw new KmsError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  }
  if (algorithm !== ALGORITHM) {
    throw incomplete(`Unsupported AWS 'algorithm': '${algorithm}' (only AWS4-HMAC-SHA256 for now). `);
  }
  let credential: string | undefined;
  let signedHeaders: string | undefined;
  let signature: string | undefined;
  let pos = sp + 1;
  while (pos > 0 && pos < auth.length) {
    let comma = auth.indexOf(',', pos);
    if (comma < 0) comma = auth.length;
    const part = auth.slice(pos, comma).trim();
    pos = comma + 1;
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      throw incomplete(`'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${auth}'.`);
    }
    const key = part.slice(0, eq);
    if (key === 'Credential') credential = part.slice(eq + 1);
    else if (key === 'SignedHeaders') signedHeaders = part.slice(eq + 1);
    else if (key === 'Signature') signature = part.slice(eq + 1);
  }
  const xAmzDate = first(req.headers['x-amz-date']);
  const httpDate = xAmzDate === undefined ? first(req.headers.date) : undefined;
  let missing = '';
  if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (signedHeaders === undefined) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (xAmzDate === undefined && httpDate === undefined) {
    missing += "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ";
  }
  if (missing !== '') throw incomplete(missing + 'Authorization=' + header);

  let amzDate: string | undefined;
  if (xAmzDate !== undefined) {
    if (Number.isNaN(parseAmzDate(xAmzDate))) throw badDate(xAmzDate);
    amzDate = xAmzDate;
  } else {
    amzDate = amzDateFromHttpDate(httpDate!);
    if (amzDate === undefined) throw badDate(httpDate!);
  }
  return finishParse(credential!, signedHeaders!, signature!, amzDate, first(req.headers['x-amz-security-token']));
}

/** First value of each query parameter, percent-decoded (presigned requests only; not the hot path). */
function queryAuthParams(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
    if (!params.has(name)) params.set(name, eq < 0 ? '' : safeDecode(pair.slice(eq + 1)));
  }
  return params;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function parseQueryAuth(params: Map<string, string>): ParsedAuthorization {
  if (params.get('X-Amz-Algorithm') !== ALGORITHM) {
    throw new KmsError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  }
  const credential = params.get('X-Amz-Credential');
  const signature = params.get('X-Amz-Signature');
  const signedHeaders = params.get('X-Amz-SignedHeaders');
  const amzDate = params.get('X-Amz-Date');
  let missing = '';
  if (!credential) missing += "AWS query-string parameters must include 'X-Amz-Credential'. ";
  if (!signature) missing += "AWS query-string parameters must include 'X-Amz-Signature'. ";
  if (signedHeaders === undefined) missing += "AWS query-string parameters must include 'X-Amz-SignedHeaders'. ";
  if (amzDate === undefined) missing += "AWS query-string parameters must include 'X-Amz-Date'. ";
  if (missing !== '') throw incomplete(missing + 'Re-examine the query-string parameters.');
  if (Number.isNaN(parseAmzDate(amzDate!))) throw badDate(amzDate!);
  presignExpiresMs(params); // validates X-Amz-Expires
  return finishParse(credential!, signedHeaders!, signature!, amzDate!, params.get('X-Amz-Security-Token'));
}

function presignExpiresMs(params: Map<string, string>): number | undefined {
  const raw = params.get('X-Amz-Expires');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw === '' || !Number.isInteger(n) || n < 0 || n > MAX_PRESIGN_EXPIRES_S) {
    throw incomplete(`X-Amz-Expires must be an integer number of seconds from 0 to ${MAX_PRESIGN_EXPIRES_S}, not '${raw}'.`);
  }
  return n * 1000;
}

function finishParse(
  credential: string,
  signedHeaderList: string,
  signature: string,
  amzDate: string,
  securityToken: string | undefined,
): ParsedAuthorization {
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host') && !signedHeaders.includes(':authority')) {
    throw invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  const parts = credential.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop(); // trailing slashes are ignored
  if (parts.length !== 5) {
    throw incomplete(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = parts;
  let scopeErrors = '';
  if (region === '') scopeErrors += `Credential should be scoped to a valid region, not '${region}'. `;
  if (terminator !== TERMINATOR) {
    scopeErrors += `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'. `;
  }
  if (date !== amzDate.slice(0, 8)) {
    scopeErrors +=
      'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: ' +
      `'${date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`;
  }
  if (scopeErrors !== '') throw invalid(scopeErrors);
  const parsed: ParsedAuthorization = { accessKeyId, date, region, service, signedHeaders, signature, amzDate };
  if (securityToken !== undefined) parsed.securityToken = securityToken;
  return parsed;
}

function describeWindow(ms: number): string {
  return ms % 60000 === 0 ? `${ms / 60000} min` : `${ms / 1000} sec`;
}

/** Lower-case hex only, as every SigV4 signer emits; anything else cannot match. */
function isLowerHex64(s: string): boolean {
  if (s.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** Verifies the signature with the caller's secret; throws KmsError on mismatch or clock skew. */
export class SigV4Verifier {
  private readonly maxSkewMs: number;
  private readonly cacheSize: number;
  /** Signing keys by 'date/region/service/secret', oldest first (LRU). */
  private readonly keys = new RecencyMap<string, HmacSha256Key>();
  /** The signing key used last and what it was derived from (unless caching is off): most requests reuse it without building a cache key. */
  private last: { secret: string; date: string; region: string; service: string; key: HmacSha256Key } | undefined;

  constructor(options: { maxSkewMs?: number; signingKeyCacheSize?: number } = {}) {
    this.maxSkewMs = options.maxSkewMs ?? 15 * 60 * 1000;
    this.cacheSize = options.signingKeyCacheSize ?? 1000;
  }

  verify(req: IncomingSignedRequest, auth: ParsedAuthorization, secretAccessKey: string, nowMs: number): void {
    const signedAt = parseAmzDate(auth.amzDate);
    if (Number.isNaN(signedAt)) throw badDate(auth.amzDate);
    const { path, query } = splitTarget(req.rawUrl);
    const presigned = authorizationHeader(req) === undefined;
    const pastWindow = (presigned ? presignExpiresMs(queryAuthParams(query)) : undefined) ?? this.maxSkewMs;
    if (nowMs - signedAt > pastWindow) {
      throw invalid(
        `Signature expired: ${auth.amzDate} is now earlier than ${formatAmzDate(nowMs - pastWindow)} ` +
          `(${formatAmzDate(nowMs)} - ${describeWindow(pastWindow)}.)`,
      );
    }
    if (signedAt - nowMs > this.maxSkewMs) {
      throw invalid(
        `Signature not yet current: ${auth.amzDate} is still later than ${formatAmzDate(nowMs + this.maxSkewMs)} ` +
          `(${formatAmzDate(nowMs)} + ${describeWindow(this.maxSkewMs)}.)`,
      );
    }
    if (!isLowerHex64(auth.signature)) throw invalid(MISMATCH);

    const bodyHash = hash('sha256', req.body, 'hex');
    let canonicalHeaders = '';
    for (const name of auth.signedHeaders) {
      const v = req.headers[name];
      let value: string;
      if (typeof v === 'string') value = canonicalHeaderValue(v);
      else if (Array.isArray(v)) value = v.map(canonicalHeaderValue).join(',');
      else throw invalid(MISMATCH); // a signed header that is not in the request
      if (name === 'x-amz-content-sha256' && value !== bodyHash) {
        throw invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
      }
      canonicalHeaders += name + ':' + value + '\n';
    }
    const canonicalRequest =
      req.method + '\n' +
      canonicalUri(path) + '\n' +
      canonicalQuery(query, presigned ? 'X-Amz-Signature' : undefined) + '\n' +
      canonicalHeaders + '\n' +
      auth.signedHeaders.join(';') + '\n' +
      bodyHash;
    const stringToSign =
      ALGORITHM + '\n' +
      auth.amzDate + '\n' +
      auth.date + '/' + auth.region + '/' + auth.service + '/' + TERMINATOR + '\n' +
      hash('sha256', canonicalRequest, 'hex');
    const expected = this.signingKey(secretAccessKey, auth.date, auth.region, auth.service).hex(stringToSign);
    if (!constantTimeEqual(expected, auth.signature)) throw invalid(MISMATCH);
  }

  private signingKey(secret: string, date: string, region: string, service: string): HmacSha256Key {
    const last = this.last;
    if (last !== undefined && last.secret === secret && last.date === date && last.region === region && last.service === service) {
      return last.key;
    }
    const key = this.cachedSigningKey(secret, date, region, service);
    if (this.cacheSize > 0) this.last = { secret, date, region, service, key };
    return key;
  }

  private cachedSigningKey(secret: string, date: string, region: string, service: string): HmacSha256Key {
    // date is 8 digits and region/service hold no '/', so this key is unambiguous
    const cacheKey = date + '/' + region + '/' + service + '/' + secret;
    const hit = this.keys.get(cacheKey);
    if (hit !== undefined) {
      this.keys.touch(cacheKey, hit);
      return hit;
    }
    const kDate = createHmac('sha256', 'AWS4' + secret).update(date).digest();
    const kRegion = createHmac('sha256', kDate).update(region).digest();
    const kService = createHmac('sha256', kRegion).update(service).digest();
    const kSigning = new HmacSha256Key(createHmac('sha256', kService).update(TERMINATOR).digest());
    if (this.cacheSize > 0) {
      this.keys.set(cacheKey, kSigning);
      this.keys.trimTo(this.cacheSize);
    }
    return kSigning;
  }
}
