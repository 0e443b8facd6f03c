import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { KMSClient, EncryptCommand } from '@aws-sdk/client-kms';
import {
  parseAuthorization,
  SigV4Verifier,
  type IncomingSignedRequest,
  type ParsedAuthorization,
} from '../../src/adapters/http/sigv4.js';
import { KmsError } from '../../src/domain/errors.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const REGION = 'eu-west-1';
const HOST = 'kms.eu-west-1.amazonaws.com';
const NOW = Date.UTC(2024, 4, 24, 12, 0, 0); // 20240524T120000Z
const MIN = 60_000;
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const ENCRYPT_BODY = JSON.stringify({ KeyId: 'alias/app', Plaintext: 'aGVsbG8=' });

interface SignOptions {
  method?: string;
  path?: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string;
  at?: number;
  secret?: string;
  sessionToken?: string;
  applyChecksum?: boolean;
}

/** The query string as an SDK puts it on the wire (RFC 3986 strict). */
function wireQuery(query: Record<string, string | string[]>): string {
  const esc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) for (const one of Array.isArray(v) ? v : [v]) parts.push(`${esc(k)}=${esc(one)}`);
  return parts.join('&');
}

function signer(o: SignOptions): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: AKID, secretAccessKey: o.secret ?? SECRET, sessionToken: o.sessionToken },
    region: REGION,
    service: 'kms',
    sha256: Sha256,
    applyChecksum: o.applyChecksum ?? false,
  });
}

function kmsRequest(o: SignOptions) {
  const body = o.body ?? ENCRYPT_BODY;
  return {
    method: o.method ?? 'POST',
    protocol: 'https:',
    hostname: HOST,
    path: o.path ?? '/',
    query: o.query ?? {},
    headers: {
      host: HOST,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.Encrypt',
      'content-length': String(Buffer.byteLength(body)),
      ...o.headers,
    },
    body,
  };
}

function toIncoming(signed: { method: string; path: string; query?: Record<string, unknown>; headers: Record<string, string>; body?: unknown }): IncomingSignedRequest {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) headers[k.toLowerCase()] = v;
  const q = wireQuery((signed.query ?? {}) as Record<string, string | string[]>);
  return {
    method: signed.method,
    rawUrl: signed.path + (q ? '?' + q : ''),
    headers,
    body: bodyBuffer(signed.body),
  };
}

function bodyBuffer(body: unknown): Buffer {
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.from(typeof body === 'string' ? body : '');
}

/** Signs a KMS-shaped request with @smithy/signature-v4 (the oracle). */
async function sign(o: SignOptions = {}): Promise<IncomingSignedRequest> {
  const signed = await signer(o).sign(kmsRequest(o), { signingDate: new Date(o.at ?? NOW) });
  return toIncoming(signed as Parameters<typeof toIncoming>[0]);
}

async function presign(o: SignOptions & { expiresIn?: number } = {}): Promise<IncomingSignedRequest> {
  const signed = await signer(o).presign(kmsRequest(o), { signingDate: new Date(o.at ?? NOW), expiresIn: o.expiresIn });
  return toIncoming(signed as Parameters<typeof toIncoming>[0]);
}

function check(req: IncomingSignedRequest, opts: { now?: number; secret?: string; verifier?: SigV4Verifier } = {}): ParsedAuthorization {
  const auth = parseAuthorization(req);
  (opts.verifier ?? new SigV4Verifier()).verify(req, auth, opts.secret ?? SECRET, opts.now ?? NOW);
  return auth;
}

function assertKmsError(fn: () => unknown, code: string, message?: string | RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof KmsError, `expected KmsError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.equal(e.status, 400);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

function withAuth(req: IncomingSignedRequest, authorization: string | undefined): IncomingSignedRequest {
  const headers = { ...req.headers };
  if (authorization === undefined) delete headers.authorization;
  else headers.authorization = authorization;
  return { ...req, headers };
}

function withHeaders(req: IncomingSignedRequest, changes: Record<string, string | string[] | undefined>): IncomingSignedRequest {
  const headers = { ...req.headers };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  return { ...req, headers };
}

function authHeader(req: IncomingSignedRequest): string {
  const a = req.headers.authorization;
  assert.equal(typeof a, 'string');
  return a as string;
}

describe('SigV4 verification of SDK-shaped KMS requests', () => {
  it('accepts a valid signed Encrypt request and parses its Authorization', async () => {
    const req = await sign();
    const auth = check(req);
    assert.equal(auth.accessKeyId, AKID);
    assert.equal(auth.date, '20240524');
    assert.equal(auth.region, REGION);
    assert.equal(auth.service, 'kms');
    assert.equal(auth.amzDate, '20240524T120000Z');
    assert.deepEqual(auth.signedHeaders, ['content-length', 'content-type', 'host', 'x-amz-date', 'x-amz-target']);
    assert.match(auth.signature, /^[0-9a-f]{64}$/);
    assert.equal(auth.securityToken, undefined);
  });

  it('accepts a request whose x-amz-content-sha256 header is signed and matches the body', async () => {
    const req = await sign({ applyChecksum: true });
    assert.ok(parseAuthorization(req).signedHeaders.includes('x-amz-content-sha256'));
    check(req);
  });

  it('rejects a signed x-amz-content-sha256 that does not match the body', async () => {
    const req = await sign({ applyChecksum: true });
    assertKmsError(
      () => check({ ...req, body: Buffer.from(ENCRYPT_BODY.replace('app', 'evil')) }),
      'InvalidSignatureException',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  });

  it('accepts a request signed with a session token and exposes the token', async () => {
    const req = await sign({ sessionToken: 'FQoGZXIvYXdzEJr//////////token' });
    const auth = check(req);
    assert.equal(auth.securityToken, 'FQoGZXIvYXdzEJr//////////token');
    assert.ok(auth.signedHeaders.includes('x-amz-security-token'));
    assertKmsError(
      () => check(withHeaders(req, { 'x-amz-security-token': 'FQoGZXIvYXdzEJr//////////other' })),
      'InvalidSignatureException',
      MISMATCH,
    );
  });

  it('accepts a request with a query string, including repeated, reserved and non-ASCII values', async () => {
    const query = { Action: 'Encrypt', b: ['2', '1', '10'], 'sp ace': "a b~!*'()", 'ünï': 'çødé/+=&' };
    const req = await sign({ method: 'GET', query, body: '' });
    check(req);
    // the same parameters, encoded differently and in another order on the wire, are the same request
    const wire = req.rawUrl.slice(2).split('&').reverse().join('&').replace('a%20b~', 'a%20b%7e').replace('%2F', '%2f');
    assert.notEqual(wire, req.rawUrl.slice(2));
    check({ ...req, rawUrl: '/?' + wire });
    assertKmsError(() => check({ ...req, rawUrl: req.rawUrl.replace('b=10', 'b=11') }), 'InvalidSignatureException', MISMATCH);
    assertKmsError(() => check({ ...req, rawUrl: req.rawUrl + '&extra=1' }), 'InvalidSignatureException', MISMATCH);
  });

  it('accepts a non-root path after normalisation and double encoding', async () => {
    const req = await sign({ path: '/foo/./bar/../baz%20qux/%C3%A9/' });
    check(req);
    assertKmsError(() => check({ ...req, rawUrl: '/foo/baz%20qux/%C3%A9' }), 'InvalidSignatureException', MISMATCH);
  });

  it('canonicalises header values: runs of spaces collapse, ends trim, repeated values join with ","', async () => {
    const req = await sign({ headers: { 'x-amz-meta': 'a   b  c', 'x-list': 'one,two' } });
    check(withHeaders(req, { 'x-amz-meta': ' a b   c ', 'x-list': ['one', ' two '] }));
    assertKmsError(() => check(withHeaders(req, { 'x-amz-meta': 'a bc' })), 'InvalidSignatureException', MISMATCH);
  });

  it('lets unsigned headers change freely', async () => {
    const req = await sign({ headers: { 'user-agent': 'aws-sdk-js/3.0.0' } });
    assert.ok(!parseAuthorization(req).signedHeaders.includes('user-agent'));
    check(withHeaders(req, { 'user-agent': 'curl/8.0', 'x-forwarded-for': '10.0.0.1', 'x-amzn-trace-id': 'Root=1-abc' }));
  });

  it('rejects a tampered body', async () => {
    const req = await sign();
    assertKmsError(
      () => check({ ...req, body: Buffer.from(ENCRYPT_BODY.replace('app', 'evil')) }),
      'InvalidSignatureException',
      MISMATCH,
    );
  });

  it('rejects a tampered signed header, and a signed header that is missing', async () => {
    const req = await sign();
    assertKmsError(() => check(withHeaders(req, { 'x-amz-target': 'TrentService.Decrypt' })), 'InvalidSignatureException', MISMATCH);
    assertKmsError(() => check(withHeaders(req, { host: 'evil.example.com' })), 'InvalidSignatureException', MISMATCH);
    assertKmsError(() => check(withHeaders(req, { 'content-type': undefined })), 'InvalidSignatureException', MISMATCH);
  });

  it('rejects a tampered method or path', async () => {
    const req = await sign();
    assertKmsError(() => check({ ...req, method: 'PUT' }), 'InvalidSignatureException', MISMATCH);
    assertKmsError(() => check({ ...req, rawUrl: '/other' }), 'InvalidSignatureException', MISMATCH);
  });

  it('rejects the wrong secret', async () => {
    const req = await sign();
    assertKmsError(() => check(req, { secret: SECRET.slice(0, -1) + 'X' }), 'InvalidSignatureException', MISMATCH);
  });

  it('rejects a request signed for another date/region/service with a well-formed but wrong scope', async () => {
    const req = await sign();
    const other = authHeader(req).replace('/eu-west-1/kms/', '/eu-west-2/kms/');
    const auth = parseAuthorization(withAuth(req, other));
    assert.equal(auth.region, 'eu-west-2'); // the caller compares region/service with its own
    assertKmsError(() => check(withAuth(req, other)), 'InvalidSignatureException', MISMATCH);
  });

  it('rejects signatures of the wrong length, non-hex or upper-case hex', async () => {
    const req = await sign();
    const header = authHeader(req);
    const sig = parseAuthorization(req).signature;
    check(req); // the untouched signature passes
    for (const bad of [sig.slice(0, 63), sig + '0', sig.slice(0, 63) + 'g', sig.toUpperCase(), 'zz'.repeat(32), '']) {
      const tampered = withAuth(req, header.replace(`Signature=${sig}`, `Signature=${bad}`));
      if (bad === '') {
        assertKmsError(() => check(tampered), 'IncompleteSignatureException');
      } else {
        assertKmsError(() => check(tampered), 'InvalidSignatureException', MISMATCH);
      }
    }
  });
});

describe('SigV4 missing and malformed Authorization', () => {
  it('reports a missing Authorization header as MissingAuthenticationTokenException', async () => {
    const req = await sign();
    for (const a of [undefined, '', '   ']) {
      assertKmsError(
        () => parseAuthorization(withAuth(req, a)),
        'MissingAuthenticationTokenException',
        'Request is missing Authentication Token',
      );
    }
  });

  it('lists each missing part of the Authorization header, AWS-style', async () => {
    const req = await sign();
    const header = authHeader(req);
    const cred = /Credential=[^,]+, /.exec(header)![0];
    const signed = /SignedHeaders=[^,]+, /.exec(header)![0];
    const sig = /, Signature=[0-9a-f]+/.exec(header)![0];
    const cases: [string, IncomingSignedRequest, string][] = [
      ['Credential', withAuth(req, header.replace(cred, '')), "Authorization header requires 'Credential' parameter."],
      ['Signature', withAuth(req, header.replace(sig, '')), "Authorization header requires 'Signature' parameter."],
      ['SignedHeaders', withAuth(req, header.replace(signed, '')), "Authorization header requires 'SignedHeaders' parameter."],
      [
        'date',
        withHeaders(req, { 'x-amz-date': undefined }),
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
      ],
    ];
    for (const [, r, msg] of cases) {
      assertKmsError(() => parseAuthorization(r), 'IncompleteSignatureException', `${msg} Authorization=${authHeader(r)}`);
    }
    const bare = withHeaders(req, { authorization: 'AWS4-HMAC-SHA256', 'x-amz-date': undefined });
    assertKmsError(
      () => parseAuthorization(bare),
      'IncompleteSignatureException',
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of " +
        "either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256",
    );
  });

  it('rejects a parameter that is not key=value', async () => {
    const req = await sign();
    const header = authHeader(req).replace('SignedHeaders=', 'SignedHeaders');
    const part = /SignedHeaders[^,]*/.exec(header)![0];
    assertKmsError(
      () => parseAuthorization(withAuth(req, header)),
      'IncompleteSignatureException',
      `'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`,
    );
  });

  it('rejects an unsupported AWS4- algorithm as IncompleteSignatureException, another scheme as a missing token', async () => {
    const req = await sign();
    const header = authHeader(req);
    assertKmsError(
      () => parseAuthorization(withAuth(req, header.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512'))),
      'IncompleteSignatureException',
      "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ",
    );
    assertKmsError(
      () => parseAuthorization(withAuth(req, 'Bearer abc.def')),
      'MissingAuthenticationTokenException',
      'Request is missing Authentication Token',
    );
  });

  it('rejects a malformed X-Amz-Date', async () => {
    const req = await sign();
    for (const bad of ['2024-05-24T12:00:00Z', '20240524T120000', '20241324T120000Z', '20240230T120000Z', '20240524T246000Z']) {
      assertKmsError(
        () => parseAuthorization(withHeaders(req, { 'x-amz-date': bad })),
        'IncompleteSignatureException',
        `Date must be in ISO-8601 'basic format'. Got '${bad}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      );
    }
  });

  it('requires host to be signed', async () => {
    const req = await sign();
    const header = authHeader(req).replace('content-type;host;', 'content-type;');
    assertKmsError(
      () => parseAuthorization(withAuth(req, header)),
      'InvalidSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  });

  it('rejects a credential that is not AKID/yyyymmdd/region/service/aws4_request', async () => {
    const req = await sign();
    const header = authHeader(req);
    const scope = `${AKID}/20240524/${REGION}/kms/aws4_request`;
    assert.ok(header.includes(scope));
    const withScope = (s: string) => withAuth(req, header.replace(scope, s));

    assertKmsError(
      () => parseAuthorization(withScope(`${AKID}/20240524/${REGION}/kms`)),
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${AKID}/20240524/${REGION}/kms'`,
    );
    assertKmsError(() => parseAuthorization(withScope(`${AKID}/20240524/${REGION}/kms/aws4_request/x`)), 'IncompleteSignatureException');
    assertKmsError(
      () => parseAuthorization(withScope(`${AKID}/20240524/${REGION}/kms/aws5_request`)),
      'InvalidSignatureException',
      "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. ",
    );
    assertKmsError(
      () => parseAuthorization(withScope(`${AKID}/20240524//kms/aws4_request`)),
      'InvalidSignatureException',
      "Credential should be scoped to a valid region, not ''. ",
    );
    assertKmsError(
      () => parseAuthorization(withScope(`${AKID}/20240523/${REGION}/kms/aws4_request`)),
      'InvalidSignatureException',
      "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20240523' != '20240524', from '20240524T120000Z'.",
    );
    assertKmsError(
      () => parseAuthorization(withScope(`${AKID}/2024-05-24//kms/x`)),
      'InvalidSignatureException',
      "Credential should be scoped to a valid region, not ''. Credential should be scoped with a valid terminator: " +
        "'aws4_request', not 'x'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date " +
        "from HTTP: '2024-05-24' != '20240524', from '20240524T120000Z'.",
    );
    // a trailing slash is ignored, as AWS does
    check(withScope(scope + '/'));
  });
});

describe('SigV4 clock skew', () => {
  it('accepts requests signed up to 14 minutes either side of now', async () => {
    check(await sign({ at: NOW - 14 * MIN }));
    check(await sign({ at: NOW + 14 * MIN }));
    check(await sign({ at: NOW - 15 * MIN }));
  });

  it('rejects a request signed 16 minutes ago', async () => {
    const req = await sign({ at: NOW - 16 * MIN });
    assertKmsError(
      () => check(req),
      'InvalidSignatureException',
      'Signature expired: 20240524T114400Z is now earlier than 20240524T114500Z (20240524T120000Z - 15 min.)',
    );
  });

  it('rejects a request signed 16 minutes in the future', async () => {
    const req = await sign({ at: NOW + 16 * MIN });
    assertKmsError(
      () => check(req),
      'InvalidSignatureException',
      'Signature not yet current: 20240524T121600Z is still later than 20240524T121500Z (20240524T120000Z + 15 min.)',
    );
  });

  it('honours a custom maxSkewMs', async () => {
    const verifier = new SigV4Verifier({ maxSkewMs: 5 * MIN });
    check(await sign({ at: NOW - 4 * MIN }), { verifier });
    const req = await sign();
    check(req, { verifier, now: NOW + 5 * MIN });
    assertKmsError(
      () => check(req, { verifier, now: NOW + 6 * MIN }),
      'InvalidSignatureException',
      /^Signature expired: .* \(20240524T120600Z - 5 min\.\)$/,
    );
  });
});

describe('SigV4 Date header and AWS test-suite vectors (2011 suite, service "host")', () => {
  // From the published AWS SigV4 test suite: secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY,
  // Date: Mon, 09 Sep 2011 23:36:00 GMT, Host: host.foo.com, SignedHeaders=date;host.
  const vectorNow = Date.UTC(2011, 8, 9, 23, 36, 0);
  const vector = (method: string, rawUrl: string, signature: string): IncomingSignedRequest => ({
    method,
    rawUrl,
    headers: {
      host: 'host.foo.com',
      date: 'Mon, 09 Sep 2011 23:36:00 GMT',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20110909/us-east-1/host/aws4_request, ' +
        `SignedHeaders=date;host, Signature=${signature}`,
    },
    body: Buffer.alloc(0),
  });
  const vectors: [string, IncomingSignedRequest][] = [
    ['get-vanilla', vector('GET', '/', 'b27ccfbfa7df52a200ff74193ca6e32d4b48b8856fab7ebf1c595d0670a7e470')],
    ['get-relative', vector('GET', '/foo/..', 'b27ccfbfa7df52a200ff74193ca6e32d4b48b8856fab7ebf1c595d0670a7e470')],
    ['get-relative-relative', vector('GET', '/foo/bar/../..', 'b27ccfbfa7df52a200ff74193ca6e32d4b48b8856fab7ebf1c595d0670a7e470')],
    [
      'get-unreserved',
      vector(
        'GET',
        '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
        '830cc36d03f0f84e6ee4953fbe701c1c8b71a0372c63af9255aa364dd183281e',
      ),
    ],
    ['get-vanilla-query-order-key', vector('GET', '/?b=foo&a=foo', '0dc122f3b28b831ab48ba65cb47300de53fbe91b577fe113edac383730254a3b')],
    ['post-vanilla', vector('POST', '/', '22902d79e148b64e7571c3565769328423fe276eae4b26f83afceda9e767f726')],
  ];
  for (const [name, req] of vectors) {
    it(`verifies ${name}`, () => {
      const auth = check(req, { now: vectorNow, secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' });
      assert.equal(auth.amzDate, '20110909T233600Z');
    });
  }

  it('fails a test-suite vector with the wrong method', () => {
    const req = { ...vectors[0][1], method: 'POST' };
    assertKmsError(
      () => check(req, { now: vectorNow, secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }),
      'InvalidSignatureException',
      MISMATCH,
    );
  });

  it('rejects an unparseable Date header', () => {
    const req = withHeaders(vectors[0][1], { date: 'yesterday' });
    assertKmsError(() => parseAuthorization(req), 'IncompleteSignatureException', /^Date must be in ISO-8601 'basic format'. Got 'yesterday'/);
  });
});

describe('SigV4 presigned (query-string) authentication', () => {
  it('accepts a presigned request and rejects a tampered one', async () => {
    const req = await presign({ sessionToken: 'tok', expiresIn: 300 });
    assert.equal(req.headers.authorization, undefined);
    const auth = check(req);
    assert.equal(auth.securityToken, 'tok');
    assert.equal(auth.accessKeyId, AKID);
    assertKmsError(() => check({ ...req, body: Buffer.from('{}') }), 'InvalidSignatureException', MISMATCH);
    assertKmsError(
      () => check({ ...req, rawUrl: req.rawUrl.replace('X-Amz-Expires=300', 'X-Amz-Expires=600') }),
      'InvalidSignatureException',
      MISMATCH,
    );
  });

  it('honours X-Amz-Expires', async () => {
    const req = await presign({ expiresIn: 1800, at: NOW - 20 * MIN });
    check(req); // 20 min old but valid for 30
    assertKmsError(() => check(req, { now: NOW + 11 * MIN }), 'InvalidSignatureException', /^Signature expired: 20240524T114000Z /);
  });

  it('lists missing presign parameters', async () => {
    const req = await presign();
    const noSig = req.rawUrl.replace(/&?X-Amz-Signature=[0-9a-f]+/, '');
    assertKmsError(
      () => parseAuthorization({ ...req, rawUrl: noSig }),
      'IncompleteSignatureException',
      "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters.",
    );
  });
});

describe('SigV4 signing-key cache', () => {
  it('gives the same answers with a tiny or disabled cache, and never mixes secrets up', async () => {
    const secrets = ['secret-a', 'secret-b', 'secret-c'];
    const reqs = await Promise.all(secrets.map((secret) => sign({ secret })));
    for (const size of [0, 1, 2, 1000]) {
      const verifier = new SigV4Verifier({ signingKeyCacheSize: size });
      for (let round = 0; round < 3; round++) {
        reqs.forEach((req, i) => {
          check(req, { verifier, secret: secrets[i] });
          assertKmsError(() => check(req, { verifier, secret: secrets[(i + 1) % 3] }), 'InvalidSignatureException', MISMATCH);
        });
      }
    }
  });
});

describe('SigV4 with the real KMS client', () => {
  it('verifies the request @aws-sdk/client-kms actually sends', async () => {
    let captured: { method: string; path: string; query?: Record<string, unknown>; headers: Record<string, string>; body?: unknown } | undefined;
    const client = new KMSClient({
      region: REGION,
      endpoint: 'http://localhost:8080',
      credentials: { accessKeyId: AKID, secretAccessKey: SECRET, sessionToken: 'session' },
      maxAttempts: 1,
      requestHandler: {
        handle: async (request: typeof captured) => {
          captured = request;
          throw new Error('captured');
        },
      },
    });
    await assert.rejects(client.send(new EncryptCommand({ KeyId: 'alias/app', Plaintext: Buffer.from('hello') })), /captured/);
    assert.ok(captured);
    const req = toIncoming(captured);
    const auth = parseAuthorization(req);
    assert.equal(auth.service, 'kms');
    assert.equal(auth.securityToken, 'session');
    assert.equal(req.headers['x-amz-target'], 'TrentService.Encrypt');
    assert.ok(auth.signedHeaders.includes('x-amz-content-sha256'));
    const now = Date.parse(auth.amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    new SigV4Verifier().verify(req, auth, SECRET, now);
    assertKmsError(() => new SigV4Verifier().verify(req, auth, 'wrong', now), 'InvalidSignatureException', MISMATCH);
  });
});
