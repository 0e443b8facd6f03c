/**
 * AWS JSON 1.1 framing through a real server, with raw HTTP: request ids and
 * content types on every response, error body shape, target handling, body
 * parsing, member type checks, body size limits, unsupported operations,
 * non-POST requests and concurrency.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { MAX_BODY_BYTES } from '../../src/adapters/http/server.js';
import { KMS_HANDLERS } from '../../src/operations/registry.js';
import { OPERATION_NAMES } from '../../src/domain/validation/validate.js';
import { startTestServer, TEST_ACCESS_KEY_ID, TEST_SECRET, type TestServer } from '../helpers/trent.js';

const JSON_11 = 'application/x-amz-json-1.1';

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** Sent in one piece with a Content-Length (unless headers say otherwise). */
  body?: string | Buffer;
  /** Sent with chunked transfer encoding, one write per element. */
  chunks?: Buffer[];
}

/** One request on a fresh connection; resolves with the whole response. */
function send(baseUrl: string, o: SendOptions): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      headers['content-length'] = String(Buffer.byteLength(o.body));
    }
    if (o.chunks) headers['transfer-encoding'] = 'chunked';
    let answered = false;
    const req = httpRequest(
      { hostname: url.hostname, port: url.port, method: o.method ?? 'POST', path: o.path ?? '/', headers, agent: false },
      (res) => {
        answered = true;
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error('request timed out')));
    req.on('error', (e) => {
      // The server may answer (e.g. 413) and close before the whole body was written;
      // a write error after the response arrived is expected, not a failure.
      if (!answered) reject(e);
    });
    if (o.chunks) {
      for (const c of o.chunks) req.write(c);
      req.end();
    } else {
      req.end(o.body);
    }
  });
}

interface SignedOptions {
  target?: string | null;
  body?: string;
  contentType?: string;
  /** Leave Content-Length out (for chunked transfer encoding). */
  chunked?: boolean;
}

/** Headers of a request signed with @smithy/signature-v4 for the test account's root key. */
async function signedHeaders(baseUrl: string, o: SignedOptions): Promise<Record<string, string>> {
  const url = new URL(baseUrl);
  const body = o.body ?? '';
  const headers: Record<string, string> = {
    host: url.host,
    'content-type': o.contentType ?? JSON_11,
  };
  if (!o.chunked) headers['content-length'] = String(Buffer.byteLength(body));
  if (o.target !== null) headers['x-amz-target'] = o.target ?? 'TrentService.GenerateRandom';
  const signer = new SignatureV4({
    credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET },
    region: 'us-east-1',
    service: 'kms',
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers,
    body,
  });
  return signed.headers as Record<string, string>;
}

async function call(baseUrl: string, target: string | null, body: string, extra: Record<string, string> = {}): Promise<RawResponse> {
  const headers = await signedHeaders(baseUrl, { target, body });
  return send(baseUrl, { headers: { ...headers, ...extra }, body });
}

/** Asserts the common response framing: request id and JSON 1.1 content type. */
function assertFraming(res: RawResponse): void {
  const id = res.headers['x-amzn-requestid'];
  assert.equal(typeof id, 'string', `x-amzn-RequestId missing (status ${res.status}, body ${res.body})`);
  assert.ok((id as string).length > 0, 'x-amzn-RequestId is empty');
  assert.equal(res.headers['content-type'], JSON_11);
}

/** Asserts an AWS JSON error: status, framing, and a body of exactly {__type, message}. */
function assertError(res: RawResponse, status: number, type: string, message?: string | RegExp): { __type: string; message: string } {
  assertFraming(res);
  assert.equal(res.status, status, `expected ${status} ${type}, got ${res.status}: ${res.body}`);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(res.body) as Record<string, unknown>;
  } catch {
    assert.fail(`error body is not JSON: ${JSON.stringify(res.body)}`);
  }
  assert.deepEqual(Object.keys(parsed).sort(), ['__type', 'message'], `error body has other members: ${res.body}`);
  assert.equal(typeof parsed.message, 'string');
  assert.equal(parsed.__type, type, `expected ${type}, got ${res.body}`);
  if (typeof message === 'string') assert.equal(parsed.message, message);
  else if (message) assert.match(parsed.message as string, message);
  const typeHeader = res.headers['x-amzn-errortype'];
  if (typeHeader !== undefined) assert.match(String(typeHeader), new RegExp(`^${type}(:|$)`));
  return parsed as { __type: string; message: string };
}

async function assertStillServing(baseUrl: string): Promise<void> {
  const res = await call(baseUrl, 'TrentService.GenerateRandom', JSON.stringify({ NumberOfBytes: 16 }));
  assertFraming(res);
  assert.equal(res.status, 200, res.body);
  assert.equal(Buffer.from(JSON.parse(res.body).Plaintext, 'base64').length, 16);
}

describe('AWS JSON 1.1 protocol over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
  });

  describe('response framing', () => {
    it('a successful response carries x-amzn-RequestId, the JSON 1.1 content type and a JSON body', async () => {
      const res = await call(server.url, 'TrentService.GenerateRandom', JSON.stringify({ NumberOfBytes: 32 }));
      assert.equal(res.status, 200, res.body);
      assertFraming(res);
      const body = JSON.parse(res.body);
      assert.deepEqual(Object.keys(body), ['Plaintext']);
      assert.equal(Buffer.from(body.Plaintext, 'base64').length, 32);
      assert.equal(Number(res.headers['content-length']), Buffer.byteLength(res.body));
    });

    it('CreateKey answers 200 with KeyMetadata and framing', async () => {
      const res = await call(server.url, 'TrentService.CreateKey', JSON.stringify({ Description: 'protocol test' }));
      assert.equal(res.status, 200, res.body);
      assertFraming(res);
      const meta = JSON.parse(res.body).KeyMetadata;
      assert.equal(meta.Description, 'protocol test');
      assert.match(meta.KeyId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    });

    it('every response gets a distinct request id', async () => {
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++) {
        const ok = await call(server.url, 'TrentService.GenerateRandom', '{"NumberOfBytes":1}');
        const bad = await call(server.url, 'TrentService.NoSuchOp', '{}');
        ids.add(String(ok.headers['x-amzn-requestid']));
        ids.add(String(bad.headers['x-amzn-requestid']));
      }
      assert.equal(ids.size, 10);
    });

    it('an error response carries the request id, the JSON 1.1 content type and exactly {__type, message}', async () => {
      const res = await call(server.url, 'TrentService.DescribeKey', JSON.stringify({ KeyId: '00000000-0000-0000-0000-000000000000' }));
      assertError(
        res,
        400,
        'NotFoundException',
        "Key 'arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000' does not exist",
      );
    });

    it('an unsigned request is rejected with the same framing', async () => {
      const body = '{"NumberOfBytes":8}';
      const res = await send(server.url, {
        headers: { 'content-type': JSON_11, 'x-amz-target': 'TrentService.GenerateRandom' },
        body,
      });
      assertError(res, 400, 'MissingAuthenticationTokenException');
    });
  });

  describe('X-Amz-Target', () => {
    it('an unknown operation TrentService.NoSuchOp is 400 UnknownOperationException', async () => {
      assertError(await call(server.url, 'TrentService.NoSuchOp', '{}'), 400, 'UnknownOperationException');
    });

    it('a missing X-Amz-Target header is UnknownOperationException', async () => {
      assertError(await call(server.url, null, '{"NumberOfBytes":8}'), 400, 'UnknownOperationException');
    });

    for (const target of ['GenerateRandom', 'TrentService.', 'TrentService', 'DynamoDB_20120810.GenerateRandom', 'trentservice.GenerateRandom', '!!garbage!!', '']) {
      it(`a garbled X-Amz-Target ${JSON.stringify(target)} is UnknownOperationException`, async () => {
        assertError(await call(server.url, target, '{"NumberOfBytes":8}'), 400, 'UnknownOperationException');
      });
    }

    it('the operation name is case-sensitive (TrentService.generaterandom is unknown)', async () => {
      assertError(await call(server.url, 'TrentService.generaterandom', '{"NumberOfBytes":8}'), 400, 'UnknownOperationException');
    });
  });

  describe('request bodies', () => {
    for (const body of ['{"NumberOfBytes": ', '{NumberOfBytes: 8}', 'not json at all', '{"NumberOfBytes": 8}}', '\u0000\u0001']) {
      it(`malformed JSON ${JSON.stringify(body)} is 400 SerializationException`, async () => {
        assertError(await call(server.url, 'TrentService.GenerateRandom', body), 400, 'SerializationException');
      });
    }

    it('NumberOfBytes given as a string is 400 ValidationException', async () => {
      const res = await call(server.url, 'TrentService.GenerateRandom', JSON.stringify({ NumberOfBytes: '32' }));
      const e = assertError(res, 400, 'ValidationException');
      assert.match(e.message, /numberOfBytes/);
    });

    it('KeyId given as a number is 400 ValidationException', async () => {
      const res = await call(server.url, 'TrentService.DescribeKey', JSON.stringify({ KeyId: 12345 }));
      const e = assertError(res, 400, 'ValidationException');
      assert.match(e.message, /keyId/);
    });

    it('KeyId given as an object for Encrypt is 400 ValidationException', async () => {
      const res = await call(server.url, 'TrentService.Encrypt', JSON.stringify({ KeyId: { a: 1 }, Plaintext: 'aGVsbG8=' }));
      assertError(res, 400, 'ValidationException');
    });

    it('an empty body for GenerateRandom is ValidationException "NumberOfBytes is required."', async () => {
      assertError(await call(server.url, 'TrentService.GenerateRandom', ''), 400, 'ValidationException', 'NumberOfBytes is required.');
    });

    it('an empty JSON object for GenerateRandom is the same ValidationException', async () => {
      assertError(await call(server.url, 'TrentService.GenerateRandom', '{}'), 400, 'ValidationException', 'NumberOfBytes is required.');
    });

    it('a JSON body that is not an object is a clean 400, not a 500', async () => {
      for (const body of ['[]', '"text"', '42', 'null']) {
        const res = await call(server.url, 'TrentService.GenerateRandom', body);
        assertFraming(res);
        assert.equal(res.status, 400, `${body}: ${res.body}`);
        const e = JSON.parse(res.body);
        assert.ok(['ValidationException', 'SerializationException'].includes(e.__type), `${body}: ${res.body}`);
      }
    });
  });

  describe('deeply nested JSON', () => {
    const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const cases: Array<[string, string]> = [
      ['TrentService.CreateKey', `{"Description":${deep(20_000)}}`],
      ['TrentService.CreateKey', `{"Tags":${deep(20_000)}}`],
      ['TrentService.Encrypt', `{"KeyId":"alias/x","Plaintext":"aGk=","EncryptionContext":{"a":${deep(20_000)}}}`],
      ['TrentService.GenerateRandom', `{"NumberOfBytes":${deep(20_000)}}`],
    ];
    for (const [target, body] of cases) {
      it(`a member nested 20000 deep (${target}, ${body.slice(0, 30)}...) is a 400, not a 500`, async () => {
        assert.ok(Buffer.byteLength(body) < MAX_BODY_BYTES);
        const res = await call(server.url, target, body);
        assertFraming(res);
        assert.equal(res.status, 400, res.body);
        const e = JSON.parse(res.body);
        assert.ok(['ValidationException', 'SerializationException'].includes(e.__type), res.body);
      });
    }

    it('a top-level body nested 100000 deep is a 400, not a 500', async () => {
      const res = await call(server.url, 'TrentService.GenerateRandom', deep(100_000));
      assertFraming(res);
      assert.equal(res.status, 400, res.body);
    });
  });

  describe('check order (AWS/Coral: JSON body, then X-Amz-Target, then authentication)', () => {
    it('an unsigned request naming an unknown operation is UnknownOperationException', async () => {
      const res = await send(server.url, { headers: { 'content-type': JSON_11, 'x-amz-target': 'TrentService.NoSuchOp' }, body: '{}' });
      assertError(res, 400, 'UnknownOperationException');
    });

    it('an unsigned request with a malformed JSON body is SerializationException', async () => {
      const res = await send(server.url, { headers: { 'content-type': JSON_11, 'x-amz-target': 'TrentService.GenerateRandom' }, body: '{"NumberOfBytes":' });
      assertError(res, 400, 'SerializationException');
    });
  });

  describe('body size limit', () => {
    it('MAX_BODY_BYTES is a sane limit', () => {
      assert.ok(Number.isInteger(MAX_BODY_BYTES) && MAX_BODY_BYTES >= 64 * 1024, String(MAX_BODY_BYTES));
    });

    it('a body of exactly MAX_BODY_BYTES is not rejected as too large', async () => {
      const prefix = '{"NumberOfBytes":8,"Pad":"';
      const body = prefix + 'x'.repeat(MAX_BODY_BYTES - prefix.length - 2) + '"}';
      assert.equal(Buffer.byteLength(body), MAX_BODY_BYTES);
      const res = await call(server.url, 'TrentService.GenerateRandom', body);
      assertFraming(res);
      assert.equal(res.status, 200, res.body);
    });

    it('a body over the limit with a truthful Content-Length gets a clean 413 JSON error, then the server keeps serving', async () => {
      const body = '{"Pad":"' + 'x'.repeat(MAX_BODY_BYTES + 1024) + '"}';
      const headers = await signedHeaders(server.url, { body });
      const res = await send(server.url, { headers, body });
      const e = assertError(res, 413, e413Type(res));
      assert.ok(e.message.length > 0);
      await assertStillServing(server.url);
    });

    it('a body of MAX_BODY_BYTES + 1 with a Content-Length is 413', async () => {
      const body = 'x'.repeat(MAX_BODY_BYTES + 1);
      const headers = await signedHeaders(server.url, { body });
      const res = await send(server.url, { headers, body });
      assertError(res, 413, e413Type(res));
      await assertStillServing(server.url);
    });

    it('a body over the limit sent with chunked transfer encoding gets a clean 413 JSON error, then the server keeps serving', async () => {
      const chunk = Buffer.alloc(16 * 1024, 'y');
      const chunks: Buffer[] = [];
      for (let n = 0; n <= MAX_BODY_BYTES + chunk.length; n += chunk.length) chunks.push(chunk);
      const headers = await signedHeaders(server.url, { body: '', chunked: true });
      const res = await send(server.url, { headers, chunks });
      const e = assertError(res, 413, e413Type(res));
      assert.ok(e.message.length > 0);
      await assertStillServing(server.url);
    });

    it('a much larger chunked body (4 MiB) is also a clean 413 and does not stall the server', async () => {
      const chunk = Buffer.alloc(64 * 1024, 'z');
      const chunks = Array.from({ length: 64 }, () => chunk);
      const headers = await signedHeaders(server.url, { body: '', chunked: true });
      const res = await send(server.url, { headers, chunks });
      assertError(res, 413, e413Type(res));
      await assertStillServing(server.url);
    });

    it('a small body sent with chunked transfer encoding is accepted', async () => {
      const body = JSON.stringify({ NumberOfBytes: 24 });
      const headers = await signedHeaders(server.url, { body, chunked: true });
      const res = await send(server.url, { headers, chunks: [Buffer.from(body.slice(0, 5)), Buffer.from(body.slice(5))] });
      assert.equal(res.status, 200, res.body);
      assertFraming(res);
      assert.equal(Buffer.from(JSON.parse(res.body).Plaintext, 'base64').length, 24);
    });
  });

  describe('operations in the API model without an implementation', () => {
    const inputs: Record<string, object> = {
      Sign: { KeyId: 'alias/anything', Message: 'aGVsbG8=', SigningAlgorithm: 'RSASSA_PSS_SHA_256' },
      CreateGrant: {
        KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
        GranteePrincipal: 'arn:aws:iam::111122223333:role/app',
        Operations: ['Decrypt'],
      },
      Verify: { KeyId: 'alias/anything', Message: 'aGVsbG8=', Signature: 'aGVsbG8=', SigningAlgorithm: 'RSASSA_PSS_SHA_256' },
      ListGrants: { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' },
      GetPublicKey: { KeyId: 'alias/anything' },
      DescribeCustomKeyStores: {},
    };

    it('are in the model, and answer 400 UnsupportedOperationException', async () => {
      let tested = 0;
      for (const [op, input] of Object.entries(inputs)) {
        assert.ok(OPERATION_NAMES.includes(op), `${op} is not in the API model`);
        if (KMS_HANDLERS[op]) continue; // implemented meanwhile
        tested++;
        const res = await call(server.url, `TrentService.${op}`, JSON.stringify(input));
        const e = assertError(res, 400, 'UnsupportedOperationException');
        assert.ok(e.message.length > 0, `${op}: empty message`);
      }
      assert.ok(tested > 0, 'every candidate operation is implemented; pick another unimplemented one');
    });
  });

  describe('non-POST requests', () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']) {
      it(`${method} / is a clean error, not a crash`, async () => {
        const res = await send(server.url, { method, headers: { 'x-amz-target': 'TrentService.ListKeys' } });
        assert.ok(res.status >= 400 && res.status < 500, `${method}: status ${res.status}`);
        assert.ok(res.headers['x-amzn-requestid'], `${method}: no request id`);
        assert.equal(res.headers['content-type'], JSON_11);
        if (method !== 'HEAD') {
          const e = JSON.parse(res.body);
          assert.deepEqual(Object.keys(e).sort(), ['__type', 'message']);
          assert.equal(typeof e.__type, 'string');
        }
        await assertStillServing(server.url);
      });
    }

    it('GET with a path and query string is a clean error too', async () => {
      const res = await send(server.url, { method: 'GET', path: '/some/path?Action=ListKeys' });
      assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
      assertFraming(res);
      const e = JSON.parse(res.body);
      assert.equal(typeof e.__type, 'string');
    });
  });

  describe('concurrency', () => {
    it('50 concurrent signed requests all succeed', async () => {
      const created = await call(server.url, 'TrentService.CreateKey', '{}');
      assert.equal(created.status, 200, created.body);
      const keyId = JSON.parse(created.body).KeyMetadata.KeyId as string;
      const requests = Array.from({ length: 50 }, (_, i) => {
        switch (i % 3) {
          case 0:
            return call(server.url, 'TrentService.GenerateRandom', JSON.stringify({ NumberOfBytes: 1 + i }));
          case 1:
            return call(server.url, 'TrentService.Encrypt', JSON.stringify({ KeyId: keyId, Plaintext: Buffer.from(`m${i}`).toString('base64') }));
          default:
            return call(server.url, 'TrentService.DescribeKey', JSON.stringify({ KeyId: keyId }));
        }
      });
      const results = await Promise.all(requests);
      const ids = new Set<string>();
      results.forEach((res, i) => {
        assert.equal(res.status, 200, `request ${i}: ${res.status} ${res.body}`);
        assertFraming(res);
        ids.add(String(res.headers['x-amzn-requestid']));
        const body = JSON.parse(res.body);
        if (i % 3 === 0) assert.equal(Buffer.from(body.Plaintext, 'base64').length, 1 + i);
        else if (i % 3 === 1) assert.ok(body.CiphertextBlob);
        else assert.equal(body.KeyMetadata.KeyId, keyId);
      });
      assert.equal(ids.size, 50);
    });
  });
});

/** The 413 error type: whatever the server chose, it must be a non-empty name ending in Exception. */
function e413Type(res: RawResponse): string {
  let t = '';
  try {
    t = String(JSON.parse(res.body).__type ?? '');
  } catch {
    // assertError reports the unparsable body
  }
  assert.match(t, /^[A-Za-z]+Exception$/, `413 body: ${res.body.slice(0, 200)}`);
  return t;
}
