/**
 * Replays, byte for byte where it matters, what HashiCorp Vault / OpenBao's
 * `awskms` seal (go-kms-wrapping, aws-sdk-go v1) sends to KMS:
 *
 *   startup: DescribeKey {"KeyId": <configured id>}       -> keeps KeyMetadata.Arn
 *   seal:    Encrypt {"KeyId": <configured id>, "Plaintext": <32 random bytes>}
 *                                                          -> keeps the response KeyId
 *   unseal:  Decrypt {"CiphertextBlob": ...}               (no KeyId, no context)
 *                                                          -> compares KeyId to the stored ARN
 *
 * Requests are signed with @smithy/signature-v4 over the header set aws-sdk-go v1
 * signs (content-length, content-type, host, x-amz-date, x-amz-target; no
 * x-amz-content-sha256), and sent with node:http with Go's header spelling.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { randomBytes } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_REGION, TEST_SECRET, startTestServer, type TestServer } from '../helpers/trent.js';

const USER_AGENT = 'aws-sdk-go/1.44.334 (go1.21.5; linux; amd64)';
const JSON_11 = 'application/x-amz-json-1.1';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  text: string;
}

const signer = new SignatureV4({
  credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET },
  region: TEST_REGION,
  service: 'kms',
  sha256: Sha256,
  applyChecksum: false, // aws-sdk-go v1 sends no X-Amz-Content-Sha256 for KMS
});

/** Sends one KMS call the way aws-sdk-go v1 puts it on the wire. */
async function goSdkCall(url: string, operation: string, input: object, withSigner = signer): Promise<RawResponse> {
  const endpoint = new URL(url);
  const body = JSON.stringify(input);
  const signed = await withSigner.sign({
    method: 'POST',
    protocol: endpoint.protocol,
    hostname: endpoint.hostname,
    port: Number(endpoint.port),
    path: '/',
    query: {},
    headers: {
      'Content-Length': String(Buffer.byteLength(body)),
      'Content-Type': JSON_11,
      Host: endpoint.host,
      'User-Agent': USER_AGENT,
      'X-Amz-Target': `TrentService.${operation}`,
    },
    body,
  });
  const h = signed.headers;
  const pick = (name: string) => {
    const k = Object.keys(h).find((x) => x.toLowerCase() === name.toLowerCase());
    assert.ok(k, `the signer did not produce ${name}`);
    return h[k];
  };
  const authorization = pick('Authorization');
  // The header set aws-sdk-go v1 signs for KMS (User-Agent is never signed).
  assert.match(
    authorization,
    /SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
    `unexpected signed header set: ${authorization}`,
  );
  // Go's canonical header spelling, in the order net/http writes them (Host first),
  // plus the Accept-Encoding that Go's transport adds after signing.
  const wire: Record<string, string> = {
    Host: endpoint.host,
    'User-Agent': USER_AGENT,
    'Content-Length': pick('Content-Length'),
    Authorization: authorization,
    'Content-Type': JSON_11,
    'X-Amz-Date': pick('X-Amz-Date'),
    'X-Amz-Target': `TrentService.${operation}`,
    'Accept-Encoding': 'gzip',
  };
  return new Promise((resolve, reject) => {
    const req = request(
      { method: 'POST', host: endpoint.hostname, port: Number(endpoint.port), path: '/', headers: wire, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch {
            reject(new Error(`${operation}: response is not JSON (HTTP ${res.statusCode}): ${text}`));
            return;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function assertAwsJsonResponse(r: RawResponse, what: string): void {
  assert.equal(r.headers['content-type'], JSON_11, `${what}: content-type`);
  const requestId = r.headers['x-amzn-requestid'];
  assert.equal(typeof requestId, 'string', `${what}: no x-amzn-RequestId header`);
  assert.match(requestId as string, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, `${what}: x-amzn-RequestId`);
}

function assertOk(r: RawResponse, what: string): any {
  assert.equal(r.status, 200, `${what}: HTTP ${r.status} ${r.text}`);
  assertAwsJsonResponse(r, what);
  return r.body;
}

/** The awskms seal's state: the ARN learnt at startup. */
class AwsKmsSeal {
  currentKeyId = '';
  constructor(
    private readonly url: string,
    readonly configuredKeyId: string,
  ) {}

  async init(): Promise<void> {
    const out = assertOk(await goSdkCall(this.url, 'DescribeKey', { KeyId: this.configuredKeyId }), 'DescribeKey');
    assert.equal(typeof out.KeyMetadata?.Arn, 'string', `DescribeKey returned no KeyMetadata.Arn: ${JSON.stringify(out)}`);
    this.currentKeyId = out.KeyMetadata.Arn;
  }

  async seal(plaintext: Buffer): Promise<{ keyId: string; wrapped: string }> {
    const r = await goSdkCall(this.url, 'Encrypt', { KeyId: this.configuredKeyId, Plaintext: plaintext.toString('base64') });
    const out = assertOk(r, 'Encrypt');
    assert.equal(typeof out.CiphertextBlob, 'string');
    assert.equal(typeof out.KeyId, 'string');
    this.currentKeyId = out.KeyId;
    return { keyId: out.KeyId, wrapped: out.CiphertextBlob };
  }

  unsealRaw(wrapped: string): Promise<RawResponse> {
    return goSdkCall(this.url, 'Decrypt', { CiphertextBlob: wrapped });
  }
}

describe('Vault/OpenBao awskms seal against Trent', () => {
  let server: TestServer;
  let keyId = '';
  let keyArn = '';

  before(async () => {
    server = await startTestServer();
    const created = assertOk(await goSdkCall(server.url, 'CreateKey', { Description: 'vault unseal key' }), 'CreateKey');
    keyId = created.KeyMetadata.KeyId;
    keyArn = created.KeyMetadata.Arn;
    assert.equal(keyArn, `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/${keyId}`);
    assertOk(await goSdkCall(server.url, 'CreateAlias', { AliasName: 'alias/vault-unseal', TargetKeyId: keyId }), 'CreateAlias');
  });

  after(async () => {
    await server?.close();
  });

  const configs: Array<[string, () => string]> = [
    ['key id', () => keyId],
    ['key ARN', () => keyArn],
    ['alias name', () => 'alias/vault-unseal'],
    ['alias ARN', () => `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:alias/vault-unseal`],
  ];
  for (const [label, configured] of configs) {
    it(`seals and unseals with kms_key_id set to the ${label}`, async () => {
      const seal = new AwsKmsSeal(server.url, configured());
      await seal.init();
      assert.equal(seal.currentKeyId, keyArn, 'DescribeKey KeyMetadata.Arn');

      const rootKey = randomBytes(32);
      const sealed = await seal.seal(rootKey);
      assert.equal(sealed.keyId, keyArn, 'Encrypt KeyId must be the full key ARN');
      assert.ok(!Buffer.from(sealed.wrapped, 'base64').includes(rootKey), 'the wrapped key contains the plaintext');

      const r = await seal.unsealRaw(sealed.wrapped);
      const out = assertOk(r, 'Decrypt');
      assert.equal(out.KeyId, keyArn, 'Decrypt KeyId must be the full key ARN');
      assert.equal(out.KeyId, seal.currentKeyId, 'Decrypt KeyId differs from the ARN stored at startup');
      assert.equal(out.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
      assert.deepEqual(Buffer.from(out.Plaintext, 'base64'), rootKey);
    });
  }

  it('a seal key configured by an unknown alias fails at startup with NotFoundException', async () => {
    const r = await goSdkCall(server.url, 'DescribeKey', { KeyId: 'alias/no-such-alias' });
    assert.equal(r.status, 400);
    assertAwsJsonResponse(r, 'DescribeKey');
    assert.equal(r.body.__type, 'NotFoundException');
    assert.equal(typeof r.body.message, 'string');
  });

  it('unseal fails with DisabledException (HTTP 400) while the key is disabled, and works again after EnableKey', async () => {
    const seal = new AwsKmsSeal(server.url, 'alias/vault-unseal');
    await seal.init();
    const rootKey = randomBytes(32);
    const sealed = await seal.seal(rootKey);

    assertOk(await goSdkCall(server.url, 'DisableKey', { KeyId: keyId }), 'DisableKey');
    try {
      const r = await seal.unsealRaw(sealed.wrapped);
      assert.equal(r.status, 400, `Decrypt of a disabled key: HTTP ${r.status} ${r.text}`);
      assertAwsJsonResponse(r, 'Decrypt (disabled)');
      assert.equal(r.body.__type, 'DisabledException', r.text);
      assert.equal(r.headers['x-amzn-errortype'] ?? 'DisabledException', 'DisabledException');
      assert.match(r.body.message, new RegExp(keyArn.replace(/[/.*+?^${}()|[\]\\]/g, '\\$&')), 'the message names the key ARN');
      assert.equal(r.body.Plaintext, undefined);

      const enc = await goSdkCall(server.url, 'Encrypt', { KeyId: seal.configuredKeyId, Plaintext: rootKey.toString('base64') });
      assert.equal(enc.status, 400);
      assert.equal(enc.body.__type, 'DisabledException');
    } finally {
      assertOk(await goSdkCall(server.url, 'EnableKey', { KeyId: keyId }), 'EnableKey');
    }
    const out = assertOk(await seal.unsealRaw(sealed.wrapped), 'Decrypt (re-enabled)');
    assert.deepEqual(Buffer.from(out.Plaintext, 'base64'), rootKey);
  });

  it('a tampered wrapped key fails with InvalidCiphertextException (HTTP 400)', async () => {
    const seal = new AwsKmsSeal(server.url, keyId);
    await seal.init();
    const sealed = await seal.seal(randomBytes(32));
    const blob = Buffer.from(sealed.wrapped, 'base64');
    blob[blob.length - 1] ^= 0x01;
    const r = await seal.unsealRaw(blob.toString('base64'));
    assert.equal(r.status, 400, r.text);
    assertAwsJsonResponse(r, 'Decrypt (tampered)');
    assert.equal(r.body.__type, 'InvalidCiphertextException', r.text);
  });

  it('requests signed with a wrong secret are refused (HTTP 400 InvalidSignatureException)', async () => {
    const bad = new SignatureV4({
      credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: 'wrong-secret-0123456789abcdef' },
      region: TEST_REGION,
      service: 'kms',
      sha256: Sha256,
      applyChecksum: false,
    });
    const r = await goSdkCall(server.url, 'DescribeKey', { KeyId: keyId }, bad);
    assert.equal(r.status, 400, r.text);
    assertAwsJsonResponse(r, 'DescribeKey (bad signature)');
    assert.equal(r.body.__type, 'InvalidSignatureException', r.text);
    assert.equal(r.body.KeyMetadata, undefined);
  });
});
