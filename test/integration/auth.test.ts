/**
 * SigV4 authentication through a real server: missing and incomplete
 * authorization, unknown access keys, signature mismatches, clock skew,
 * regions as key namespaces, and development mode.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GenerateRandomCommand,
  ListKeysCommand,
} from '@aws-sdk/client-kms';
import { awsError, startTestServer, TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_SECRET, type TestServer } from '../helpers/trent.js';

const JSON_11 = 'application/x-amz-json-1.1';
const MIN = 60_000;
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const AMZ_DATE = String.raw`\d{8}T\d{6}Z`;

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(baseUrl: string, headers: Record<string, string>, body: string): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { hostname: url.hostname, port: url.port, method: 'POST', path: '/', headers, agent: false },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

interface SignOptions {
  target?: string;
  body?: string;
  accessKeyId?: string;
  secret?: string;
  sessionToken?: string;
  region?: string;
  service?: string;
  signingDate?: Date;
  /** Send X-Amz-Content-Sha256 (the SDK signer's default). */
  applyChecksum?: boolean;
}

/** Headers of a POST / signed with @smithy/signature-v4. */
async function sign(baseUrl: string, o: SignOptions = {}): Promise<Record<string, string>> {
  const url = new URL(baseUrl);
  const body = o.body ?? '{"NumberOfBytes":8}';
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: o.accessKeyId ?? TEST_ACCESS_KEY_ID,
      secretAccessKey: o.secret ?? TEST_SECRET,
      sessionToken: o.sessionToken,
    },
    region: o.region ?? 'us-east-1',
    service: o.service ?? 'kms',
    sha256: Sha256,
    applyChecksum: o.applyChecksum ?? true,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: '/',
      query: {},
      headers: {
        host: url.host,
        'content-type': JSON_11,
        'content-length': String(Buffer.byteLength(body)),
        'x-amz-target': o.target ?? 'TrentService.GenerateRandom',
      },
      body,
    },
    { signingDate: o.signingDate ?? new Date() },
  );
  return signed.headers as Record<string, string>;
}

async function signedCall(baseUrl: string, o: SignOptions = {}): Promise<RawResponse> {
  const body = o.body ?? '{"NumberOfBytes":8}';
  return send(baseUrl, await sign(baseUrl, { ...o, body }), body);
}

function parseError(res: RawResponse, status: number, type: string): { __type: string; message: string } {
  assert.equal(res.status, status, `expected ${status} ${type}, got ${res.status} ${res.body}`);
  assert.equal(res.headers['content-type'], JSON_11);
  assert.ok(res.headers['x-amzn-requestid'], 'x-amzn-RequestId missing');
  const e = JSON.parse(res.body) as { __type: string; message: string };
  assert.deepEqual(Object.keys(e).sort(), ['__type', 'message'], res.body);
  assert.equal(e.__type, type, res.body);
  return e;
}

function assertOk(res: RawResponse): Record<string, unknown> {
  assert.equal(res.status, 200, res.body);
  assert.equal(res.headers['content-type'], JSON_11);
  return JSON.parse(res.body) as Record<string, unknown>;
}

describe('SigV4 authentication', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server?.close();
  });

  describe('missing or incomplete authorization', () => {
    it('no Authorization header is 400 MissingAuthenticationTokenException', async () => {
      const res = await send(server.url, { 'content-type': JSON_11, 'x-amz-target': 'TrentService.GenerateRandom' }, '{"NumberOfBytes":8}');
      parseError(res, 400, 'MissingAuthenticationTokenException');
    });

    it("no Authorization header: the message is AWS's 'Request is missing Authentication Token'", async () => {
      const res = await send(server.url, { 'content-type': JSON_11, 'x-amz-target': 'TrentService.GenerateRandom' }, '{"NumberOfBytes":8}');
      const e = parseError(res, 400, 'MissingAuthenticationTokenException');
      assert.equal(e.message, 'Request is missing Authentication Token');
    });

    it('an empty Authorization header is MissingAuthenticationTokenException', async () => {
      const headers = await sign(server.url);
      const res = await send(server.url, { ...headers, authorization: '' }, '{"NumberOfBytes":8}');
      parseError(res, 400, 'MissingAuthenticationTokenException');
    });

    it('an Authorization header of another scheme (not AWS4-) is MissingAuthenticationTokenException', async () => {
      const headers = await sign(server.url);
      const res = await send(server.url, { ...headers, authorization: 'Bearer abc.def.ghi' }, '{"NumberOfBytes":8}');
      const e = parseError(res, 400, 'MissingAuthenticationTokenException');
      assert.equal(e.message, 'Request is missing Authentication Token');
    });

    it('an unsigned CreateKey is rejected and creates nothing', async () => {
      const before = await countKeys(server);
      const res = await send(server.url, { 'content-type': JSON_11, 'x-amz-target': 'TrentService.CreateKey' }, '{}');
      parseError(res, 400, 'MissingAuthenticationTokenException');
      assert.equal(await countKeys(server), before, 'an unsigned CreateKey created a key');
    });

    it('Authorization without SignedHeaders and Signature is IncompleteSignatureException naming both', async () => {
      const headers = await sign(server.url);
      const date = headers['x-amz-date'];
      const auth = `AWS4-HMAC-SHA256 Credential=${TEST_ACCESS_KEY_ID}/${date.slice(0, 8)}/us-east-1/kms/aws4_request`;
      const res = await send(server.url, { ...headers, authorization: auth }, '{"NumberOfBytes":8}');
      const e = parseError(res, 400, 'IncompleteSignatureException');
      assert.equal(
        e.message,
        "Authorization header requires 'Signature' parameter. " +
          "Authorization header requires 'SignedHeaders' parameter. " +
          `Authorization=${auth}`,
      );
    });

    it('Authorization without Credential is IncompleteSignatureException', async () => {
      const headers = await sign(server.url);
      const auth = headers.authorization.replace(/Credential=[^,]*,\s*/, '');
      assert.ok(!auth.includes('Credential='));
      const res = await send(server.url, { ...headers, authorization: auth }, '{"NumberOfBytes":8}');
      const e = parseError(res, 400, 'IncompleteSignatureException');
      assert.equal(e.message, `Authorization header requires 'Credential' parameter. Authorization=${auth}`);
    });

    it('a signed request without X-Amz-Date or Date is IncompleteSignatureException', async () => {
      const headers = await sign(server.url);
      delete headers['x-amz-date'];
      const res = await send(server.url, headers, '{"NumberOfBytes":8}');
      const e = parseError(res, 400, 'IncompleteSignatureException');
      assert.equal(
        e.message,
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. " +
          `Authorization=${headers.authorization}`,
      );
    });

    it('a credential scope with too few parts is IncompleteSignatureException', async () => {
      const headers = await sign(server.url);
      const auth = headers.authorization.replace(/Credential=[^,]*/, `Credential=${TEST_ACCESS_KEY_ID}/us-east-1/kms`);
      const res = await send(server.url, { ...headers, authorization: auth }, '{"NumberOfBytes":8}');
      const e = parseError(res, 400, 'IncompleteSignatureException');
      assert.match(e.message, /^Credential must have exactly 5 slash-delimited elements/);
    });
  });

  describe('credentials and signatures', () => {
    it('a correctly signed request for service kms works', async () => {
      const body = assertOk(await signedCall(server.url, { service: 'kms', body: '{"NumberOfBytes":12}' }));
      assert.equal(Buffer.from(body.Plaintext as string, 'base64').length, 12);
    });

    it("an unknown access key id is 400 UnrecognizedClientException 'The security token included in the request is invalid.'", async () => {
      const res = await signedCall(server.url, { accessKeyId: 'AKIAUNKNOWNUNKNOWN00' });
      const e = parseError(res, 400, 'UnrecognizedClientException');
      assert.equal(e.message, INVALID_TOKEN);
    });

    it('the SDK sees an unknown access key id as UnrecognizedClientException', async () => {
      const e = await awsError(() => server.kms({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00' }).send(new GenerateRandomCommand({ NumberOfBytes: 8 })));
      assert.equal(e.name, 'UnrecognizedClientException');
      assert.equal(e.message, INVALID_TOKEN);
      assert.equal(e.status, 400);
    });

    it("a wrong secret is 400 InvalidSignatureException with AWS's message", async () => {
      const res = await signedCall(server.url, { secret: TEST_SECRET + 'x' });
      const e = parseError(res, 400, 'InvalidSignatureException');
      assert.equal(e.message, MISMATCH);
    });

    it('the SDK sees a wrong secret as InvalidSignatureException', async () => {
      const e = await awsError(() => server.kms({ secretAccessKey: 'not-the-secret-0123456789' }).send(new GenerateRandomCommand({ NumberOfBytes: 8 })));
      assert.equal(e.name, 'InvalidSignatureException');
      assert.equal(e.message, MISMATCH);
      assert.equal(e.status, 400);
    });

    it('a body changed after signing is InvalidSignatureException (signed X-Amz-Content-Sha256 present)', async () => {
      const headers = await sign(server.url, { body: '{"NumberOfBytes":8}' });
      assert.ok(headers['x-amz-content-sha256'], 'the signer was expected to add X-Amz-Content-Sha256');
      const res = await send(server.url, headers, '{"NumberOfBytes":9}');
      parseError(res, 400, 'InvalidSignatureException');
    });

    it('a body changed after signing is InvalidSignatureException (no X-Amz-Content-Sha256)', async () => {
      const headers = await sign(server.url, { body: '{"NumberOfBytes":8}', applyChecksum: false });
      assert.equal(headers['x-amz-content-sha256'], undefined);
      const res = await send(server.url, headers, '{"NumberOfBytes":9}');
      const e = parseError(res, 400, 'InvalidSignatureException');
      assert.equal(e.message, MISMATCH);
    });

    it('a correctly signed request without X-Amz-Content-Sha256 works', async () => {
      assertOk(await signedCall(server.url, { applyChecksum: false }));
    });

    it('an X-Amz-Target changed after signing is InvalidSignatureException', async () => {
      const before = await countKeys(server);
      const headers = await sign(server.url, { target: 'TrentService.GenerateRandom', body: '{}' });
      const res = await send(server.url, { ...headers, 'x-amz-target': 'TrentService.CreateKey' }, '{}');
      parseError(res, 400, 'InvalidSignatureException');
      assert.equal(await countKeys(server), before, 'a request with a bad signature created a key');
    });

    it('a garbled signature value is InvalidSignatureException', async () => {
      const headers = await sign(server.url);
      const auth = headers.authorization.replace(/Signature=[0-9a-f]+/, 'Signature=' + 'g'.repeat(64));
      const res = await send(server.url, { ...headers, authorization: auth }, '{"NumberOfBytes":8}');
      parseError(res, 400, 'InvalidSignatureException');
    });

    it('a session token with long-term credentials is UnrecognizedClientException', async () => {
      const res = await signedCall(server.url, { sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' });
      parseError(res, 400, 'UnrecognizedClientException');
    });
  });

  describe('clock skew', () => {
    it("a request signed 16 minutes in the past is InvalidSignatureException 'Signature expired'", async () => {
      const signingDate = new Date(Date.now() - 16 * MIN);
      const headers = await sign(server.url, { signingDate });
      const before = Date.now();
      const res = await send(server.url, headers, '{"NumberOfBytes":8}');
      const e = parseError(res, 400, 'InvalidSignatureException');
      const m = new RegExp(`^Signature expired: (${AMZ_DATE}) is now earlier than (${AMZ_DATE}) \\((${AMZ_DATE}) - (\\d+) min\\.\\)$`).exec(e.message);
      assert.ok(m, `unexpected message: ${e.message}`);
      assert.equal(m[1], headers['x-amz-date']);
      const window = Number(m[4]) * MIN;
      assert.ok(window > 10 * MIN && window < 16 * MIN, `window ${m[4]} min`);
      const serverNow = amzToMs(m[3]);
      assert.ok(Math.abs(serverNow - before) < 60_000, `server time ${m[3]} far from ours`);
      assert.equal(amzToMs(m[2]), serverNow - window);
    });

    it("a request signed 16 minutes in the future is InvalidSignatureException 'Signature not yet current'", async () => {
      const signingDate = new Date(Date.now() + 16 * MIN);
      const headers = await sign(server.url, { signingDate });
      const before = Date.now();
      const res = await send(server.url, headers, '{"NumberOfBytes":8}');
      const e = parseError(res, 400, 'InvalidSignatureException');
      const m = new RegExp(`^Signature not yet current: (${AMZ_DATE}) is still later than (${AMZ_DATE}) \\((${AMZ_DATE}) \\+ (\\d+) min\\.\\)$`).exec(e.message);
      assert.ok(m, `unexpected message: ${e.message}`);
      assert.equal(m[1], headers['x-amz-date']);
      const window = Number(m[4]) * MIN;
      assert.ok(window > 10 * MIN && window < 16 * MIN, `window ${m[4]} min`);
      const serverNow = amzToMs(m[3]);
      assert.ok(Math.abs(serverNow - before) < 60_000, `server time ${m[3]} far from ours`);
      assert.equal(amzToMs(m[2]), serverNow + window);
    });

    it('a request signed 10 minutes in the past is accepted', async () => {
      assertOk(await signedCall(server.url, { signingDate: new Date(Date.now() - 10 * MIN) }));
    });

    it('a request signed 10 minutes in the future is accepted', async () => {
      assertOk(await signedCall(server.url, { signingDate: new Date(Date.now() + 10 * MIN) }));
    });

    it('the SDK with its clock 16 minutes off is rejected (retries disabled)', async () => {
      const client = server.kms();
      client.config.systemClockOffset = -16 * MIN;
      const e = await awsError(() => client.send(new GenerateRandomCommand({ NumberOfBytes: 8 })));
      assert.equal(e.name, 'InvalidSignatureException');
      assert.match(e.message, /^Signature expired: /);
    });
  });

  describe('regions', () => {
    it('a key created through a client for eu-west-1 lives in eu-west-1', async () => {
      const eu = server.kms({ region: 'eu-west-1' });
      const created = await eu.send(new CreateKeyCommand({ Description: 'eu key' }));
      const meta = created.KeyMetadata!;
      assert.equal(meta.AWSAccountId, TEST_ACCOUNT);
      assert.equal(meta.Arn, `arn:aws:kms:eu-west-1:${TEST_ACCOUNT}:key/${meta.KeyId}`);
      const described = await eu.send(new DescribeKeyCommand({ KeyId: meta.KeyId }));
      assert.equal(described.KeyMetadata?.Arn, meta.Arn);
      assert.equal(described.KeyMetadata?.Description, 'eu key');
      const listed = await eu.send(new ListKeysCommand({}));
      assert.ok(listed.Keys?.some((k) => k.KeyId === meta.KeyId));
      const enc = await eu.send(new EncryptCommand({ KeyId: meta.KeyId, Plaintext: Buffer.from('bonjour') }));
      assert.equal(enc.KeyId, meta.Arn);
      const dec = await eu.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
      assert.equal(Buffer.from(dec.Plaintext!).toString(), 'bonjour');
    });

    it('a key created in us-east-1 is not visible from eu-west-1', async () => {
      const us = server.kms({ region: 'us-east-1' });
      const eu = server.kms({ region: 'eu-west-1' });
      const created = await us.send(new CreateKeyCommand({}));
      const keyId = created.KeyMetadata!.KeyId!;
      assert.match(created.KeyMetadata!.Arn!, /^arn:aws:kms:us-east-1:/);

      const byId = await awsError(() => eu.send(new DescribeKeyCommand({ KeyId: keyId })));
      assert.equal(byId.name, 'NotFoundException');
      assert.equal(byId.status, 400);
      assert.equal(byId.message, `Key 'arn:aws:kms:eu-west-1:${TEST_ACCOUNT}:key/${keyId}' does not exist`);

      const enc = await awsError(() => eu.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('x') })));
      assert.equal(enc.name, 'NotFoundException');

      const euKeys = await eu.send(new ListKeysCommand({}));
      assert.ok(!euKeys.Keys?.some((k) => k.KeyId === keyId), 'us-east-1 key listed in eu-west-1');
      const usKeys = await us.send(new ListKeysCommand({}));
      assert.ok(usKeys.Keys?.some((k) => k.KeyId === keyId));
    });

    it('a us-east-1 key ARN used from eu-west-1 is NotFoundException', async () => {
      const us = server.kms({ region: 'us-east-1' });
      const eu = server.kms({ region: 'eu-west-1' });
      const arn = (await us.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
      const e = await awsError(() => eu.send(new DescribeKeyCommand({ KeyId: arn })));
      assert.equal(e.name, 'NotFoundException');
      assert.equal(e.message, 'Invalid arn us-east-1');
      assert.equal(e.status, 400);
    });

    it('ciphertext from a us-east-1 key cannot be decrypted from eu-west-1', async () => {
      const us = server.kms({ region: 'us-east-1' });
      const eu = server.kms({ region: 'eu-west-1' });
      const keyId = (await us.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
      const enc = await us.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('secret') }));
      const e = await awsError(() => eu.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })));
      assert.equal(e.name, 'AccessDeniedException');
      assert.equal(
        e.message,
        'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.',
      );
      assert.equal(e.status, 400);
      const ok = await us.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
      assert.equal(Buffer.from(ok.Plaintext!).toString(), 'secret');
    });

    it('a raw request signed for eu-west-1 is served in eu-west-1', async () => {
      const body = assertOk(await signedCall(server.url, { region: 'eu-west-1', target: 'TrentService.CreateKey', body: '{}' }));
      const meta = body.KeyMetadata as { Arn: string };
      assert.match(meta.Arn, new RegExp(`^arn:aws:kms:eu-west-1:${TEST_ACCOUNT}:key/`));
    });

    it('a signature computed for another region than the scope claims is rejected', async () => {
      // Signed for us-east-1, then the credential scope is edited to say eu-west-1.
      const headers = await sign(server.url);
      const auth = headers.authorization.replace('/us-east-1/kms/', '/eu-west-1/kms/');
      const res = await send(server.url, { ...headers, authorization: auth }, '{"NumberOfBytes":8}');
      const e = parseError(res, 400, 'InvalidSignatureException');
      assert.equal(e.message, MISMATCH);
    });
  });
});

describe('development mode', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ dev: true });
  });
  after(async () => {
    await server?.close();
  });

  it('accepts any credentials', async () => {
    const client = server.kms({ accessKeyId: 'AKIAWHATEVERWHATEVER', secretAccessKey: 'anything-at-all' });
    const r = await client.send(new GenerateRandomCommand({ NumberOfBytes: 16 }));
    assert.equal(r.Plaintext?.length, 16);
  });

  it('accepts the configured root access key with a wrong secret', async () => {
    const client = server.kms({ accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: 'wrong-secret-wrong-secret' });
    const r = await client.send(new GenerateRandomCommand({ NumberOfBytes: 4 }));
    assert.equal(r.Plaintext?.length, 4);
  });

  it('a 12-digit access key id selects that account', async () => {
    const client = server.kms({ accessKeyId: '123456789012', secretAccessKey: 'x' });
    const created = await client.send(new CreateKeyCommand({ Description: 'acct 1234' }));
    assert.equal(created.KeyMetadata?.AWSAccountId, '123456789012');
    assert.equal(created.KeyMetadata?.Arn, `arn:aws:kms:us-east-1:123456789012:key/${created.KeyMetadata?.KeyId}`);
    const described = await client.send(new DescribeKeyCommand({ KeyId: created.KeyMetadata!.KeyId }));
    assert.equal(described.KeyMetadata?.AWSAccountId, '123456789012');
  });

  it("keys of one account are not listed for, or visible to, another", async () => {
    const a = server.kms({ accessKeyId: '222233334444', secretAccessKey: 'x' });
    const b = server.kms({ accessKeyId: '555566667777', secretAccessKey: 'y' });
    const keyA = (await a.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const keyB = (await b.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!;
    const listA = (await a.send(new ListKeysCommand({}))).Keys?.map((k) => k.KeyId) ?? [];
    const listB = (await b.send(new ListKeysCommand({}))).Keys?.map((k) => k.KeyId) ?? [];
    assert.ok(listA.includes(keyA) && !listA.includes(keyB), `account A lists ${listA}`);
    assert.ok(listB.includes(keyB) && !listB.includes(keyA), `account B lists ${listB}`);
    const e = await awsError(() => b.send(new DescribeKeyCommand({ KeyId: keyA })));
    assert.equal(e.name, 'NotFoundException');
  });

  it('other access key ids map to account 000000000000', async () => {
    for (const accessKeyId of ['AKIADEVELOPMENT00001', '12345', '1234567890123', 'test']) {
      const client = server.kms({ accessKeyId, secretAccessKey: 'test' });
      const created = await client.send(new CreateKeyCommand({}));
      assert.equal(created.KeyMetadata?.AWSAccountId, '000000000000', `access key ${accessKeyId}`);
    }
  });

  it('the signing region is honoured', async () => {
    const client = server.kms({ region: 'ap-southeast-2', accessKeyId: '123456789012', secretAccessKey: 'x' });
    const created = await client.send(new CreateKeyCommand({}));
    assert.match(created.KeyMetadata!.Arn!, /^arn:aws:kms:ap-southeast-2:123456789012:key\//);
  });

  it('accepts unsigned requests (account 000000000000, us-east-1)', async () => {
    const res = await send(server.url, { 'content-type': JSON_11, 'x-amz-target': 'TrentService.CreateKey' }, '{"Description":"unsigned"}');
    const body = assertOk(res);
    const meta = body.KeyMetadata as { AWSAccountId: string; Arn: string; Description: string };
    assert.equal(meta.AWSAccountId, '000000000000');
    assert.match(meta.Arn, /^arn:aws:kms:us-east-1:000000000000:key\//);
    assert.equal(meta.Description, 'unsigned');
    assert.ok(res.headers['x-amzn-requestid']);
  });

  it('still rejects malformed requests with the usual protocol errors', async () => {
    const res = await send(server.url, { 'content-type': JSON_11, 'x-amz-target': 'TrentService.NoSuchOp' }, '{}');
    parseError(res, 400, 'UnknownOperationException');
    const bad = await send(server.url, { 'content-type': JSON_11, 'x-amz-target': 'TrentService.GenerateRandom' }, '{oops');
    parseError(bad, 400, 'SerializationException');
  });
});

function amzToMs(s: string): number {
  return Date.UTC(+s.slice(0, 4), +s.slice(4, 6) - 1, +s.slice(6, 8), +s.slice(9, 11), +s.slice(11, 13), +s.slice(13, 15));
}

async function countKeys(server: TestServer): Promise<number> {
  const listed = await server.kms().send(new ListKeysCommand({ Limit: 1000 }));
  return listed.Keys?.length ?? 0;
}
