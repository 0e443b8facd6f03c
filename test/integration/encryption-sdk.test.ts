/**
 * The AWS Encryption SDK for JavaScript (@aws-crypto/client-node) with its KMS
 * keyrings, every KMS call sent to Trent through a custom clientProvider.
 *
 * The SDK checks KMS's answers itself: GenerateDataKey/Encrypt/Decrypt must
 * return a KeyId, and a Decrypt response's KeyId must equal the ARN recorded in
 * the encrypted data key (the EDK's providerInfo), so ARNs must be exact.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  AwsKmsMrkAwareSymmetricDiscoveryKeyringNode,
  CommitmentPolicy,
  KmsKeyringNode,
  buildAwsKmsMrkAwareStrictMultiKeyringNode,
  buildClient,
} from '@aws-crypto/client-node';
import { CreateKeyCommand, DisableKeyCommand, EnableKeyCommand, KMS } from '@aws-sdk/client-kms';
import { TEST_ACCESS_KEY_ID, TEST_ACCOUNT, TEST_REGION, TEST_SECRET, startTestServer, type TestServer } from '../helpers/trent.js';

interface KmsCall {
  operation: string;
  hostname: string;
  port: number | undefined;
  keyId: string | undefined;
}

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

const CONTEXT = { tenant: 'acme', purpose: 'esdk-integration' };

describe('AWS Encryption SDK (KMS keyrings) against Trent', () => {
  let server: TestServer;
  let keyA = ''; // generator
  let keyB = ''; // additional wrapping key
  let keyC = ''; // unrelated key
  const calls: KmsCall[] = [];
  const clients: KMS[] = [];
  const requestedRegions: string[] = [];

  /** A KMS client (aggregated, as the keyrings need) whose every request is recorded. */
  function recordedClient(region: string): KMS {
    const client = new KMS({
      endpoint: server.url,
      region,
      credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET },
      maxAttempts: 1,
    });
    client.middlewareStack.add(
      (next: any, context: any) => async (args: any) => {
        calls.push({
          operation: String(context.commandName).replace(/Command$/, ''),
          hostname: args.request.hostname,
          port: args.request.port,
          keyId: args.input?.KeyId,
        });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'trentCallRecorder' },
    );
    clients.push(client);
    return client;
  }

  /** The clientProvider handed to the keyrings: every region's client points at Trent. */
  const clientProvider = (region: string) => {
    requestedRegions.push(region);
    return recordedClient(region || TEST_REGION);
  };

  /** Runs fn and returns the KMS calls it made, all checked to have gone to Trent. */
  async function kmsCallsOf<T>(fn: () => Promise<T>): Promise<{ result: T; calls: KmsCall[] }> {
    const start = calls.length;
    const result = await fn();
    const made = calls.slice(start);
    const port = Number(new URL(server.url).port);
    for (const c of made) {
      assert.equal(c.hostname, '127.0.0.1', `a KMS call went elsewhere: ${JSON.stringify(c)}`);
      assert.equal(Number(c.port), port, `a KMS call went elsewhere: ${JSON.stringify(c)}`);
    }
    return { result, calls: made };
  }

  async function rejectsWithoutPlaintext(p: Promise<unknown>, what: string): Promise<Error> {
    try {
      await p;
    } catch (e) {
      return e as Error;
    }
    assert.fail(`${what}: decrypt succeeded but should have failed`);
  }

  before(async () => {
    server = await startTestServer();
    const admin = server.kms();
    const make = async (d: string) => (await admin.send(new CreateKeyCommand({ Description: d }))).KeyMetadata!.Arn!;
    keyA = await make('esdk generator');
    keyB = await make('esdk second key');
    keyC = await make('esdk unrelated key');
    for (const arn of [keyA, keyB, keyC]) assert.match(arn, new RegExp(`^arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/`));
  });

  after(async () => {
    for (const c of clients) c.destroy();
    await server?.close();
  });

  let message: Buffer;
  const plaintext = randomBytes(10_000);

  it('encrypts with a generator key and a second key: one EDK per key, ARNs exact', async () => {
    const keyring = new KmsKeyringNode({ generatorKeyId: keyA, keyIds: [keyB], clientProvider });
    const { result, calls: made } = await kmsCallsOf(() => encrypt(keyring, plaintext, { encryptionContext: CONTEXT }));
    assert.deepEqual(
      made.map((c) => [c.operation, c.keyId]),
      [
        ['GenerateDataKey', keyA],
        ['Encrypt', keyB],
      ],
    );
    assert.ok(requestedRegions.every((r) => r === TEST_REGION), `regions asked of clientProvider: ${requestedRegions}`);
    const edks = result.messageHeader.encryptedDataKeys;
    assert.deepEqual(
      edks.map((e) => [e.providerId, e.providerInfo]),
      [
        ['aws-kms', keyA],
        ['aws-kms', keyB],
      ],
    );
    for (const [k, v] of Object.entries(CONTEXT)) assert.equal(result.messageHeader.encryptionContext[k], v);
    assert.ok(!result.result.includes(plaintext.subarray(0, 64)), 'the message contains the plaintext');
    message = result.result;
  });

  it('decrypts with the same keyring and returns the encryption context', async () => {
    const keyring = new KmsKeyringNode({ generatorKeyId: keyA, keyIds: [keyB], clientProvider });
    const { result, calls: made } = await kmsCallsOf(() => decrypt(keyring, message));
    assert.deepEqual(result.plaintext, plaintext);
    assert.deepEqual(made.map((c) => [c.operation, c.keyId]), [['Decrypt', keyA]]);
    for (const [k, v] of Object.entries(CONTEXT)) assert.equal(result.messageHeader.encryptionContext[k], v);
    // The signing algorithm suite adds its public key to the context sent to KMS.
    assert.ok('aws-crypto-public-key' in result.messageHeader.encryptionContext);
  });

  it("decrypts with a keyring holding only the second key (the second key's EDK works)", async () => {
    const keyring = new KmsKeyringNode({ keyIds: [keyB], clientProvider });
    const { result, calls: made } = await kmsCallsOf(() => decrypt(keyring, message));
    assert.deepEqual(result.plaintext, plaintext);
    assert.deepEqual(made.map((c) => [c.operation, c.keyId]), [['Decrypt', keyB]]);
    assert.equal(result.messageHeader.encryptionContext.tenant, 'acme');
  });

  it('fails to decrypt with a keyring naming a different key', async () => {
    const keyring = new KmsKeyringNode({ generatorKeyId: keyC, clientProvider });
    const { result: e, calls: made } = await kmsCallsOf(() => rejectsWithoutPlaintext(decrypt(keyring, message), 'keyring with key C'));
    assert.match(e.message, /unencryptedDataKey|decrypt|data key/i, String(e));
    // The keyring only tries EDKs of the keys it names: no KMS call is made.
    assert.deepEqual(made, []);
  });

  it('fails when KMS refuses: a Decrypt of key A naming key C is an IncorrectKeyException from Trent', async () => {
    // What a keyring would hit if it asked KMS to unwrap A's EDK with key C.
    const header = (await decrypt(new KmsKeyringNode({ keyIds: [keyB], clientProvider }), message)).messageHeader;
    const edkA = header.encryptedDataKeys.find((e) => e.providerInfo === keyA)!;
    const kms = recordedClient(TEST_REGION);
    const err = await kms
      .decrypt({ CiphertextBlob: edkA.encryptedDataKey, KeyId: keyC, EncryptionContext: header.encryptionContext })
      .then(
        () => undefined,
        (x: Error) => x,
      );
    assert.ok(err, 'Decrypt naming the wrong key succeeded');
    assert.equal(err.name, 'IncorrectKeyException');
  });

  it('decrypts with a discovery keyring (discovery: true), with and without a discovery filter', async () => {
    const open = new KmsKeyringNode({ discovery: true, clientProvider });
    const { result, calls: made } = await kmsCallsOf(() => decrypt(open, message));
    assert.deepEqual(result.plaintext, plaintext);
    assert.deepEqual(made.map((c) => [c.operation, c.keyId]), [['Decrypt', keyA]]);

    const filtered = new KmsKeyringNode({
      discovery: true,
      discoveryFilter: { accountIDs: [TEST_ACCOUNT], partition: 'aws' },
      clientProvider,
    });
    assert.deepEqual((await decrypt(filtered, message)).plaintext, plaintext);

    const otherAccount = new KmsKeyringNode({
      discovery: true,
      discoveryFilter: { accountIDs: ['999999999999'], partition: 'aws' },
      clientProvider,
    });
    const { calls: none } = await kmsCallsOf(() => rejectsWithoutPlaintext(decrypt(otherAccount, message), 'filter for another account'));
    assert.deepEqual(none, []);
  });

  it('a discovery keyring falls back to the second EDK when the generator key is disabled', async () => {
    const admin = server.kms();
    await admin.send(new DisableKeyCommand({ KeyId: keyA }));
    try {
      const open = new KmsKeyringNode({ discovery: true, clientProvider });
      const { result, calls: made } = await kmsCallsOf(() => decrypt(open, message));
      assert.deepEqual(result.plaintext, plaintext);
      assert.deepEqual(
        made.map((c) => [c.operation, c.keyId]),
        [
          ['Decrypt', keyA],
          ['Decrypt', keyB],
        ],
      );

      await admin.send(new DisableKeyCommand({ KeyId: keyB }));
      const e = await rejectsWithoutPlaintext(decrypt(open, message), 'both keys disabled');
      // The SDK collects each KMS error; Trent's must be DisabledException.
      assert.match(String(e.message), /DisabledException|disabled/i, String(e.message));
    } finally {
      await admin.send(new EnableKeyCommand({ KeyId: keyA }));
      await admin.send(new EnableKeyCommand({ KeyId: keyB }));
    }
    assert.deepEqual((await decrypt(new KmsKeyringNode({ keyIds: [keyA], clientProvider }), message)).plaintext, plaintext);
  });

  it('works with the MRK-aware keyrings too (strict multi-keyring to encrypt, MRK discovery keyring to decrypt)', async () => {
    const strict = buildAwsKmsMrkAwareStrictMultiKeyringNode({ generatorKeyId: keyB, keyIds: [keyA], clientProvider });
    const context = { app: 'mrk' };
    const enc = await kmsCallsOf(() => encrypt(strict, plaintext, { encryptionContext: context }));
    assert.deepEqual(
      enc.calls.map((c) => [c.operation, c.keyId]),
      [
        ['GenerateDataKey', keyB],
        ['Encrypt', keyA],
      ],
    );
    assert.deepEqual(enc.result.messageHeader.encryptedDataKeys.map((e) => e.providerInfo), [keyB, keyA]);

    const discovery = new AwsKmsMrkAwareSymmetricDiscoveryKeyringNode({
      client: recordedClient(TEST_REGION),
      discoveryFilter: { accountIDs: [TEST_ACCOUNT], partition: 'aws' },
    });
    const dec = await kmsCallsOf(() => decrypt(discovery, enc.result.result));
    assert.deepEqual(dec.result.plaintext, plaintext);
    assert.equal(dec.result.messageHeader.encryptionContext.app, 'mrk');
    assert.deepEqual(dec.calls.map((c) => [c.operation, c.keyId]), [['Decrypt', keyB]]);

    const strictDecrypt = buildAwsKmsMrkAwareStrictMultiKeyringNode({ keyIds: [keyA], clientProvider });
    assert.deepEqual((await decrypt(strictDecrypt, enc.result.result)).plaintext, plaintext);
  });

  it('a message whose header context was altered does not decrypt', async () => {
    // Flip one byte inside the serialized context value "acme" in the header.
    const at = message.indexOf(Buffer.from('acme'));
    assert.ok(at > 0, 'context value not found in the message header');
    const altered = Buffer.from(message);
    altered[at] ^= 0x20; // "acme" -> "Acme"
    const keyring = new KmsKeyringNode({ keyIds: [keyB], clientProvider });
    const { result: e, calls: made } = await kmsCallsOf(() => rejectsWithoutPlaintext(decrypt(keyring, altered), 'altered context'));
    // The data key is unwrapped with the (altered) header context, so KMS itself refuses it.
    assert.deepEqual(made.map((c) => [c.operation, c.keyId]), [['Decrypt', keyB]]);
    assert.match(String(e.message), /InvalidCiphertextException/, String(e.message));
  });
});
