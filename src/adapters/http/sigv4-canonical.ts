/**
 * Pure pieces of the SigV4 canonical request (non-S3 rules), hand-rolled so the
 * hot path compiles no regex and allocates little: the common KMS request has
 * path '/', no query and a handful of short header values.
 */

const HEX = '0123456789ABCDEF';

/** RFC 3986 unreserved: A-Z a-z 0-9 - . _ ~ */
function isUnreserved(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e
  );
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function pctByte(b: number): string {
  return '%' + HEX[b >> 4] + HEX[b & 15];
}

/** Percent-encodes one non-ASCII code point (surrogate pair aware) as UTF-8. */
function encodeNonAscii(s: string, i: number): [string, number] {
  const cp = s.codePointAt(i)!;
  const width = cp > 0xffff ? 2 : 1;
  let out = '';
  for (const b of Buffer.from(s.slice(i, i + width), 'utf8')) out += pctByte(b);
  return [out, width];
}

/**
 * Encodes every character that is not RFC 3986 unreserved, '%' included. Used on
 * the raw (already once-encoded) path segments: this is the SigV4 "double encoding".
 */
export function uriEncode(s: string): string {
  let i = 0;
  while (i < s.length && isUnreserved(s.charCodeAt(i))) i++;
  if (i === s.length) return s;
  let out = s.slice(0, i);
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (isUnreserved(c)) {
      out += s[i];
      i++;
    } else if (c < 0x80) {
      out += pctByte(c);
      i++;
    } else {
      const [enc, width] = encodeNonAscii(s, i);
      out += enc;
      i += width;
    }
  }
  return out;
}

/**
 * Decode-then-encode of one query name or value, done on bytes so invalid UTF-8
 * escapes survive: unreserved stay literal (also when sent escaped), everything
 * else becomes upper-case %XX. A '%' not followed by two hex digits is a literal
 * '%'. '+' is a literal plus, as SigV4 (unlike forms) has it.
 */
export function normalizeQueryComponent(s: string): string {
  let i = 0;
  while (i < s.length && isUnreserved(s.charCodeAt(i))) i++;
  if (i === s.length) return s;
  let out = s.slice(0, i);
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (isUnreserved(c)) {
      out += s[i];
      i++;
    } else if (c === 0x25 && i + 2 < s.length && hexValue(s.charCodeAt(i + 1)) >= 0 && hexValue(s.charCodeAt(i + 2)) >= 0) {
      const b = (hexValue(s.charCodeAt(i + 1)) << 4) | hexValue(s.charCodeAt(i + 2));
      out += isUnreserved(b) ? String.fromCharCode(b) : pctByte(b);
      i += 3;
    } else if (c < 0x80) {
      out += pctByte(c);
      i++;
    } else {
      const [enc, width] = encodeNonAscii(s, i);
      out += enc;
      i += width;
    }
  }
  return out;
}

/** Splits a request target into its raw path and raw query (without '?'). */
export function splitTarget(rawUrl: string): { path: string; query: string } {
  let start = 0;
  if (rawUrl.charCodeAt(0) !== 0x2f) {
    // absolute-form (proxies): skip 'scheme://authority'
    const scheme = rawUrl.indexOf('://');
    start = scheme < 0 ? rawUrl.length : rawUrl.indexOf('/', scheme + 3);
    if (start < 0) start = rawUrl.length;
  }
  const q = rawUrl.indexOf('?', start);
  const hash = rawUrl.indexOf('#', start);
  const end = hash < 0 ? rawUrl.length : hash;
  if (q < 0 || q > end) return { path: rawUrl.slice(start, end) || '/', query: '' };
  return { path: rawUrl.slice(start, q) || '/', query: rawUrl.slice(q + 1, end) };
}

/**
 * Canonical URI for non-S3 services: remove empty, '.' and '..' segments, keep a
 * trailing slash, then URI-encode each raw segment once more.
 */
export function canonicalUri(path: string): string {
  if (path === '/') return '/';
  const segments: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(uriEncode(seg));
  }
  if (segments.length === 0) return '/';
  return '/' + segments.join('/') + (path.charCodeAt(path.length - 1) === 0x2f ? '/' : '');
}

/**
 * Canonical query string: pairs sorted by encoded name then encoded value, joined
 * with '&'; a name without '=' gets an empty value. `omit` (already in canonical
 * form) drops a parameter, e.g. X-Amz-Signature for presigned requests.
 */
export function canonicalQuery(query: string, omit?: string): string {
  if (query === '') return '';
  const pairs: string[][] = [];
  let pos = 0;
  while (pos <= query.length) {
    let amp = query.indexOf('&', pos);
    if (amp < 0) amp = query.length;
    if (amp > pos) {
      const eq = query.indexOf('=', pos);
      const name = normalizeQueryComponent(eq < 0 || eq > amp ? query.slice(pos, amp) : query.slice(pos, eq));
      const value = eq < 0 || eq > amp ? '' : normalizeQueryComponent(query.slice(eq + 1, amp));
      if (name !== omit) pairs.push([name, value]);
    }
    pos = amp + 1;
  }
  if (pairs.length > 1) pairs.sort(comparePairs);
  let out = '';
  for (let i = 0; i < pairs.length; i++) out += (i === 0 ? '' : '&') + pairs[i][0] + '=' + pairs[i][1];
  return out;
}

function comparePairs(a: string[], b: string[]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** Trims and collapses runs of spaces/tabs to one space (values from Node never hold CR/LF). */
export function canonicalHeaderValue(v: string): string {
  let clean = true;
  const n = v.length;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x09 || (c === 0x20 && (i === 0 || i === n - 1 || v.charCodeAt(i + 1) === 0x20 || v.charCodeAt(i + 1) === 0x09))) {
      clean = false;
      break;
    }
  }
  if (clean) return v;
  let out = '';
  let pendingSpace = false;
  for (let i = 0; i < n; i++) {
    const c = v.charCodeAt(i);
    if (c === 0x20 || c === 0x09) {
      pendingSpace = out.length > 0;
    } else {
      if (pendingSpace) out += ' ';
      pendingSpace = false;
      out += v[i];
    }
  }
  return out;
}

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Epoch ms of an ISO-8601 basic UTC timestamp 'yyyymmddThhmmssZ', or NaN if malformed. */
export function parseAmzDate(s: string): number {
  if (s.length !== 16 || s.charCodeAt(8) !== 0x54 || s.charCodeAt(15) !== 0x5a) return NaN;
  const y = digits(s, 0, 4), mo = digits(s, 4, 2), d = digits(s, 6, 2);
  const h = digits(s, 9, 2), mi = digits(s, 11, 2), sec = digits(s, 13, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return NaN;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const dim = mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  if (d > dim) return NaN;
  return Date.UTC(y, mo - 1, d, h, mi, sec);
}

/** 'yyyymmddThhmmssZ' for epoch ms (sub-second part dropped). */
export function formatAmzDate(ms: number): string {
  const iso = new Date(ms).toISOString(); // yyyy-mm-ddThh:mm:ss.sssZ
  return (
    iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + 'T' +
    iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z'
  );
}

/**
 * Converts an HTTP Date header (IMF-fixdate and the other RFC 7231 forms, all of
 * which say GMT) to 'yyyymmddThhmmssZ'; an ISO-8601 basic value is taken as is.
 * Returns undefined when neither.
 */
export function amzDateFromHttpDate(v: string): string | undefined {
  if (!Number.isNaN(parseAmzDate(v))) return v;
  if (v.length < 24 || v.length > 40 || !v.endsWith('GMT')) return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : formatAmzDate(ms);
}
