/**
 * HMAC keys through @aws-sdk/client-kms against a real server: CreateKey and
 * DescribeKey as recorded against AWS, GenerateMac checked against node:crypto
 * with the key's material, VerifyMac, and every refusal.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateMacCommand,
  GetPublicKeyCommand,
  SignCommand,
  VerifyMacCommand,
  type KeyMetadata,
  type KMSClient,
  type MacAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { awsError, startTestServer, TEST_ACCOUNT, TEST_REGION, type TestServer } from '../helpers/trent.js';
import { signedRequest } from '../helpers/raw-request.js';

const SPECS = [
  ['HMAC_224', 'HMAC_SHA_224', 'sha224', 28],
  ['HMAC_256', 'HMAC_SHA_256', 'sha256', 32],
  ['HMAC_384', 'HMAC_SHA_384', 'sha384', 48],
  ['HMAC_512', 'HMAC_SHA_512', 'sha512', 64],
] as const;
const MESSAGE = Buffer.from('some important message');

describe('HMAC keys', () => {
  let server: TestServer;
  let kms: KMSClient;
  const keys = new Map<string, KeyMetadata>();
  let symmetric: KeyMetadata;

  /** The key's plaintext material, read from the server's memory: the oracle's key. */
  async function materialOf(md: KeyMetadata): Promise<Buffer> {
    return (await server.trent.deps.materials.get(TEST_ACCOUNT, TEST_REGION, md.KeyId!, 1))!.material;
  }

  before(async () => {
    server = await startTestServer();
    kms = server.kms();
    for (const [spec] of SPECS) {
      keys.set(spec, (await kms.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: 'GENERATE_VERIFY_MAC', Description: 'test key' }))).KeyMetadata!);
    }
    symmetric = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
  });
  after(() => server.close());

  it('CreateKey and DescribeKey show exactly the members AWS records for HMAC keys', async () => {
    for (const [spec, mac] of SPECS) {
      const created = keys.get(spec)!;
      const described = (await kms.send(new DescribeKeyCommand({ KeyId: created.KeyId }))).KeyMetadata!;
      assert.deepEqual(described, created);
      const members = Object.keys(described).filter((k) => (described as unknown as Record<string, unknown>)[k] !== undefined).sort();
      assert.deepEqual(members, [
        'AWSAccountId',
        'Arn',
        'CreationDate',
        'CustomerMasterKeySpec',
        'Description',
        'Enabled',
        'KeyId',
        'KeyManager',
        'KeySpec',
        'KeyState',
        'KeyUsage',
        'MacAlgorithms',
        'MultiRegion',
        'Origin',
      ]);
      assert.deepEqual([described.KeySpec, described.CustomerMasterKeySpec, described.KeyUsage, described.MacAlgorithms], [spec, spec, 'GENERATE_VERIFY_MAC', [mac]]);
    }
  });

  for (const [spec, mac, hash, bytes] of SPECS) {
    it(`${spec}: GenerateMac is HMAC-${hash} under a ${bytes}-byte key; VerifyMac accepts it and nothing else`, async () => {
      const md = keys.get(spec)!;
      const key = await materialOf(md);
      assert.equal(key.length, bytes);
      for (const message of [MESSAGE, Buffer.alloc(1), randomBytes(4096)]) {
        const out = await kms.send(new GenerateMacCommand({ KeyId: md.KeyId, Message: message, MacAlgorithm: mac }));
        assert.deepEqual([out.KeyId, out.MacAlgorithm], [md.Arn, mac]);
        const expected = createHmac(hash, key).update(message).digest();
        assert.deepEqual(Buffer.from(out.Mac!), expected);
        const ok = await kms.send(new VerifyMacCommand({ KeyId: md.Arn, Message: message, MacAlgorithm: mac, Mac: out.Mac }));
        assert.deepEqual([ok.KeyId, ok.MacValid, ok.MacAlgorithm], [md.Arn, true, mac]);
      }
      const good = createHmac(hash, key).update(MESSAGE).digest();
      const tampered = Buffer.from(good);
      tampered[0] ^= 0x80;
      for (const [message, candidate] of [
        [MESSAGE, tampered],
        [Buffer.from('some different important message'), good],
        [MESSAGE, good.subarray(0, good.length - 1)],
        [MESSAGE, Buffer.concat([good, Buffer.alloc(1)])],
      ]) {
        const e = await awsError(() => kms.send(new VerifyMacCommand({ KeyId: md.KeyId, Message: message, MacAlgorithm: mac, Mac: candidate })));
        assert.equal(e.name, 'KMSInvalidMacException');
      }
    });
  }

  it('KMSInvalidMacException carries an empty message on the wire, as AWS sends it', async () => {
    const md = keys.get('HMAC_256')!;
    const res = await signedRequest(server.url, 'VerifyMac', { KeyId: md.KeyId, Message: MESSAGE.toString('base64'), MacAlgorithm: 'HMAC_SHA_256', Mac: randomBytes(32).toString('base64') });
    assert.equal(res.status, 400);
    assert.deepEqual(JSON.parse(res.body), { __type: 'KMSInvalidMacException', message: '' });
  });

  it('refuses another spec\'s MAC algorithm (recorded messages) and unknown ones', async () => {
    let e = await awsError(() => kms.send(new GenerateMacCommand({ KeyId: keys.get('HMAC_224')!.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' })));
    assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', 'Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.']);
    const md = keys.get('HMAC_256')!;
    const mac = (await kms.send(new GenerateMacCommand({ KeyId: md.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }))).Mac!;
    e = await awsError(() => kms.send(new VerifyMacCommand({ KeyId: md.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_512', Mac: mac })));
    assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', 'Algorithm HMAC_SHA_512 is incompatible with key spec HMAC_256.']);
    e = await awsError(() => kms.send(new VerifyMacCommand({ KeyId: md.KeyId, Message: MESSAGE, MacAlgorithm: 'INVALID' as MacAlgorithmSpec, Mac: mac })));
    assert.equal(e.name, 'ValidationException');
    assert.match(e.message, /^1 validation error detected: Value 'INVALID' at 'macAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: \[/);
  });

  it('refuses messages over 4096 bytes and unknown keys (recorded message)', async () => {
    const md = keys.get('HMAC_384')!;
    let e = await awsError(() => kms.send(new GenerateMacCommand({ KeyId: md.KeyId, Message: randomBytes(4097), MacAlgorithm: 'HMAC_SHA_384' })));
    assert.equal(e.name, 'ValidationException');
    assert.match(e.message, /Member must have length less than or equal to 4096/);
    e = await awsError(() => kms.send(new GenerateMacCommand({ KeyId: 'key_id', Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_384' })));
    assert.deepEqual([e.name, e.message], ['NotFoundException', "Invalid keyId 'key_id'"]);
  });

  it('refuses keys and operations of the wrong usage (recorded messages)', async () => {
    let e = await awsError(() => kms.send(new GenerateMacCommand({ KeyId: symmetric.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_224' })));
    assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `${symmetric.Arn} key usage is ENCRYPT_DECRYPT which is not valid for GenerateMac.`]);
    const md = keys.get('HMAC_224')!;
    e = await awsError(() => kms.send(new SignCommand({ KeyId: md.KeyId, Message: MESSAGE, MessageType: 'RAW', SigningAlgorithm: 'RSASSA_PSS_SHA_256' })));
    assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `${md.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for Sign.`]);
    e = await awsError(() => kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: MESSAGE })));
    assert.deepEqual([e.name, e.message], ['InvalidKeyUsageException', `${md.Arn} key usage is GENERATE_VERIFY_MAC which is not valid for Encrypt.`]);
    e = await awsError(() => kms.send(new GetPublicKeyCommand({ KeyId: md.KeyId })));
    assert.equal(e.name, 'UnsupportedOperationException');
  });

  it('answers DryRun, and refuses disabled keys', async () => {
    const md = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_512', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!;
    let e = await awsError(() => kms.send(new GenerateMacCommand({ KeyId: md.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_512', DryRun: true })));
    assert.equal(e.name, 'DryRunOperationException');
    const mac = (await kms.send(new GenerateMacCommand({ KeyId: md.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_512' }))).Mac!;
    e = await awsError(() => kms.send(new VerifyMacCommand({ KeyId: md.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_512', Mac: mac, DryRun: true })));
    assert.equal(e.name, 'DryRunOperationException');
    await kms.send(new DisableKeyCommand({ KeyId: md.KeyId }));
    e = await awsError(() => kms.send(new GenerateMacCommand({ KeyId: md.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_512' })));
    assert.deepEqual([e.name, e.message], ['DisabledException', `${md.Arn} is disabled.`]);
  });

  it('each HMAC key has its own random material', async () => {
    const a = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!;
    const b = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!;
    const macA = (await kms.send(new GenerateMacCommand({ KeyId: a.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256' }))).Mac!;
    const e = await awsError(() => kms.send(new VerifyMacCommand({ KeyId: b.KeyId, Message: MESSAGE, MacAlgorithm: 'HMAC_SHA_256', Mac: macA })));
    assert.equal(e.name, 'KMSInvalidMacException');
  });
});
