/** Encrypt, Decrypt, ReEncrypt, GenerateDataKey* and GenerateRandom through @aws-sdk/client-kms. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DisableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  GenerateRandomCommand,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
  type KMSClient,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { TEST_ACCOUNT, awsError, startTestServer, type TestServer } from '../helpers/trent.js';

describe('cryptographic operations', () => {
  let server: TestServer;
  let kms: KMSClient;
  let key: KeyMetadata;
  let other: KeyMetadata;
  before(async () => {
    server = await startTestServer();
    kms = server.kms();
    key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    other = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/crypto', TargetKeyId: key.KeyId }));
  });
  after(() => server.close());

  const plaintext = Buffer.from('attack at dawn');

  it('Encrypt then Decrypt round-trips, naming the key by id, ARN, alias and alias ARN', async () => {
    const aliasArn = `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:alias/crypto`;
    for (const id of [key.KeyId!, key.Arn!, 'alias/crypto', aliasArn]) {
      const enc = await kms.send(new EncryptCommand({ KeyId: id, Plaintext: plaintext }));
      assert.equal(enc.KeyId, key.Arn);
      assert.equal(enc.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
      assert.equal(dec.KeyId, key.Arn);
      assert.equal(dec.EncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
      assert.equal(dec.KeyMaterialId, key.CurrentKeyMaterialId);
      assert.deepEqual(Buffer.from(dec.Plaintext!), plaintext);
      const named = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, KeyId: id }));
      assert.deepEqual(Buffer.from(named.Plaintext!), plaintext);
    }
  });

  it('Encrypt accepts 1 to 4096 bytes', async () => {
    for (const size of [1, 4096]) {
      const data = Buffer.alloc(size, 7);
      const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: data }));
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
      assert.deepEqual(Buffer.from(dec.Plaintext!), data);
    }
    const e = await awsError(() => kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.alloc(4097) })));
    assert.deepEqual(
      [e.name, e.message],
      ['ValidationException', "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096"],
    );
  });

  it('the same plaintext encrypts to different ciphertexts', async () => {
    const a = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext }));
    const b = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext }));
    assert.notDeepEqual(Buffer.from(a.CiphertextBlob!), Buffer.from(b.CiphertextBlob!));
  });

  it('the encryption context must match exactly', async () => {
    const context = { app: 'payroll', tenant: 'acme' };
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext, EncryptionContext: context }));
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { tenant: 'acme', app: 'payroll' } }));
    assert.deepEqual(Buffer.from(dec.Plaintext!), plaintext);
    const wrongs: (Record<string, string> | undefined)[] = [undefined, {}, { app: 'payroll' }, { app: 'payroll', tenant: 'acme', extra: '1' }, { app: 'payroll', tenant: 'ACME' }];
    for (const wrong of wrongs) {
      const e = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: wrong })));
      assert.equal(e.name, 'InvalidCiphertextException');
      assert.equal(e.status, 400);
    }
  });

  it('contexts {"a":"bc"} and {"ab":"c"} do not collide', async () => {
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext, EncryptionContext: { a: 'bc' } }));
    const e = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { ab: 'c' } })));
    assert.equal(e.name, 'InvalidCiphertextException');
  });

  it('Decrypt with the wrong KeyId answers IncorrectKeyException', async () => {
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext }));
    const e = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, KeyId: other.KeyId })));
    assert.deepEqual(
      [e.name, e.message],
      ['IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.'],
    );
  });

  it('Decrypt of garbage or truncated blobs answers InvalidCiphertextException', async () => {
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext }));
    const blob = Buffer.from(enc.CiphertextBlob!);
    for (const bad of [Buffer.from('not a ciphertext at all, not even close to one.....'), blob.subarray(0, blob.length - 1), blob.subarray(0, 40)]) {
      const e = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: bad })));
      assert.equal(e.name, 'InvalidCiphertextException');
    }
  });

  it('a ciphertext edited in any single byte fails to decrypt', async () => {
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext, EncryptionContext: { k: 'v' } }));
    const blob = Buffer.from(enc.CiphertextBlob!);
    for (let i = 0; i < blob.length; i++) {
      const edited = Buffer.from(blob);
      edited[i] ^= 0x01;
      const e = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: edited, EncryptionContext: { k: 'v' } })));
      assert.ok(['InvalidCiphertextException', 'AccessDeniedException'].includes(e.name), `byte ${i}: ${e.name}`);
    }
  });

  it('a ciphertext whose key does not exist here answers AccessDeniedException', async () => {
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext }));
    const e = await awsError(() => server.kms({ region: 'eu-west-1' }).send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })));
    assert.deepEqual(
      [e.name, e.message],
      ['AccessDeniedException', 'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.'],
    );
  });

  it('Decrypt refuses a disabled or pending-deletion key', async () => {
    const k = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const enc = await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: plaintext }));
    await kms.send(new DisableKeyCommand({ KeyId: k.KeyId }));
    let e = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })));
    assert.deepEqual([e.name, e.message], ['DisabledException', `${k.Arn} is disabled.`]);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    e = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })));
    assert.deepEqual([e.name, e.message], ['KMSInvalidStateException', `${k.Arn} is pending deletion.`]);
  });

  it('Encrypt and Decrypt refuse a non-symmetric algorithm for a symmetric key', async () => {
    const e = await awsError(() =>
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' })),
    );
    assert.equal(e.name, 'InvalidKeyUsageException');
  });

  it('DryRun answers DryRunOperationException without acting', async () => {
    const e = await awsError(() => kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext, DryRun: true })));
    assert.deepEqual([e.name, e.message], ['DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.']);
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext }));
    const d = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, DryRun: true })));
    assert.equal(d.name, 'DryRunOperationException');
    const g = await awsError(() => kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: 'AES_256', DryRun: true })));
    assert.equal(g.name, 'DryRunOperationException');
  });

  it('ReEncrypt moves ciphertext to another key and context', async () => {
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext, EncryptionContext: { from: 'a' } }));
    const re = await kms.send(
      new ReEncryptCommand({
        CiphertextBlob: enc.CiphertextBlob,
        SourceEncryptionContext: { from: 'a' },
        DestinationKeyId: other.KeyId,
        DestinationEncryptionContext: { to: 'b' },
      }),
    );
    assert.equal(re.SourceKeyId, key.Arn);
    assert.equal(re.KeyId, other.Arn);
    assert.equal(re.SourceEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    assert.equal(re.DestinationEncryptionAlgorithm, 'SYMMETRIC_DEFAULT');
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { to: 'b' } }));
    assert.equal(dec.KeyId, other.Arn);
    assert.deepEqual(Buffer.from(dec.Plaintext!), plaintext);
    const e = await awsError(() => kms.send(new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: other.KeyId })));
    assert.equal(e.name, 'InvalidCiphertextException');
    const wrongSource = await awsError(() =>
      kms.send(new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, SourceEncryptionContext: { from: 'a' }, SourceKeyId: other.KeyId, DestinationKeyId: key.KeyId })),
    );
    assert.equal(wrongSource.name, 'IncorrectKeyException');
  });

  it('GenerateDataKey returns a plaintext key and its ciphertext, by KeySpec or NumberOfBytes', async () => {
    for (const [input, size] of [[{ KeySpec: 'AES_256' as const }, 32], [{ KeySpec: 'AES_128' as const }, 16], [{ NumberOfBytes: 1 }, 1], [{ NumberOfBytes: 1024 }, 1024]] as const) {
      const r = await kms.send(new GenerateDataKeyCommand({ KeyId: 'alias/crypto', EncryptionContext: { purpose: 'test' }, ...input }));
      assert.equal(r.KeyId, key.Arn);
      assert.equal(r.Plaintext!.length, size);
      assert.equal(r.KeyMaterialId, key.CurrentKeyMaterialId);
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: r.CiphertextBlob, EncryptionContext: { purpose: 'test' } }));
      assert.deepEqual(Buffer.from(dec.Plaintext!), Buffer.from(r.Plaintext!));
    }
  });

  it('GenerateDataKey needs exactly one of KeySpec and NumberOfBytes', async () => {
    for (const input of [{}, { KeySpec: 'AES_256' as const, NumberOfBytes: 32 }]) {
      const e = await awsError(() => kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, ...input })));
      assert.deepEqual([e.name, e.message], ['ValidationException', 'Please specify either number of bytes or key spec.']);
    }
    const e = await awsError(() => kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, NumberOfBytes: 1025 })));
    assert.equal(e.message, "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
  });

  it('GenerateDataKeyWithoutPlaintext returns only the ciphertext', async () => {
    const r = await kms.send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: key.KeyId, KeySpec: 'AES_256' }));
    assert.equal(r.KeyId, key.Arn);
    assert.equal((r as { Plaintext?: unknown }).Plaintext, undefined);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: r.CiphertextBlob }));
    assert.equal(dec.Plaintext!.length, 32);
  });

  it('GenerateRandom returns 1 to 1024 random bytes with AWS validation messages', async () => {
    for (const n of [1, 12, 1024]) {
      const r = await kms.send(new GenerateRandomCommand({ NumberOfBytes: n }));
      assert.equal(r.Plaintext!.length, n);
    }
    const a = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
    const b = await kms.send(new GenerateRandomCommand({ NumberOfBytes: 32 }));
    assert.notDeepEqual(a.Plaintext, b.Plaintext);
    let e = await awsError(() => kms.send(new GenerateRandomCommand({})));
    assert.deepEqual([e.name, e.message], ['ValidationException', 'NumberOfBytes is required.']);
    e = await awsError(() => kms.send(new GenerateRandomCommand({ NumberOfBytes: 0 })));
    assert.equal(e.message, "1 validation error detected: Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1");
    e = await awsError(() => kms.send(new GenerateRandomCommand({ NumberOfBytes: 1025 })));
    assert.equal(e.message, "1 validation error detected: Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024");
  });
});
