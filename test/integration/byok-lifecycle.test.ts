/**
 * Imported key material through the SDK: key states and DescribeKey fields
 * across import, deletion and expiry (time travel on the server's clock);
 * reimport of the same material restoring old ciphertext; the errors for
 * different material, tampered, foreign and expired import tokens, and bad
 * expiration parameters; the DeleteExpiredKeyMaterial service event.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createCipheriv, publicEncrypt, randomBytes } from 'node:crypto';
import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  ScheduleKeyDeletionCommand,
  type AlgorithmSpec,
  type KMSClient,
  type WrappingKeySpec,
} from '@aws-sdk/client-kms';
import { API_MODEL } from '../../src/domain/validation/api-model.generated.js';
import { awsError, startTestServer, TEST_ACCOUNT, TEST_REGION, type TestServer } from '../helpers/trent.js';
import { trailEvents } from './audit-support.js';

const DAY = 86_400_000;

/** Wraps `material` for the public key as a client would (RSAES-OAEP, or RSA-OAEP of an AES key + RFC 5649 key wrap). */
function wrapFor(algorithm: AlgorithmSpec, publicKeyDer: Uint8Array, material: Buffer): Buffer {
  const key = { key: Buffer.from(publicKeyDer), format: 'der' as const, type: 'spki' as const };
  const oaepHash = algorithm.endsWith('SHA_1') ? 'sha1' : 'sha256';
  const rsa = (data: Buffer) => publicEncrypt({ ...key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, data);
  if (algorithm.startsWith('RSAES_OAEP')) return rsa(material);
  const aes = randomBytes(32);
  const kwp = createCipheriv('id-aes256-wrap-pad', aes, Buffer.from('a65959a6', 'hex'));
  return Buffer.concat([rsa(aes), kwp.update(material), kwp.final()]);
}

describe('imported key material lifecycle', () => {
  let server: TestServer;
  let kms: KMSClient;

  async function params(keyId: string, algorithm: AlgorithmSpec = 'RSAES_OAEP_SHA_256', spec: WrappingKeySpec = 'RSA_2048') {
    return kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: algorithm, WrappingKeySpec: spec }));
  }

  async function importInto(keyId: string, material: Buffer, expiry: { ValidTo?: Date; ExpirationModel?: 'KEY_MATERIAL_EXPIRES' | 'KEY_MATERIAL_DOES_NOT_EXPIRE' } = { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }) {
    const p = await params(keyId);
    return kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapFor('RSAES_OAEP_SHA_256', p.PublicKey!, material), ...expiry }));
  }

  async function describe_(keyId: string) {
    return (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
  }

  before(async () => {
    server = await startTestServer();
    kms = server.kms();
  });
  after(async () => server?.close());

  it('GetParametersForImport: ARN, DER public key of the spec, 24-hour validity, a token within the model limit for RSA_4096', async () => {
    const k = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
    const p = await params(k.KeyId!, 'RSA_AES_KEY_WRAP_SHA_256', 'RSA_4096');
    assert.equal(p.KeyId, k.Arn);
    assert.equal(p.ParametersValidTo!.getTime(), server.clock.now() + DAY);
    const { createPublicKey } = await import('node:crypto');
    assert.equal(createPublicKey({ key: Buffer.from(p.PublicKey!), format: 'der', type: 'spki' }).asymmetricKeyDetails!.modulusLength, 4096);
    assert.ok(p.ImportToken!.length <= API_MODEL.shapes.CiphertextType.max!, `token of ${p.ImportToken!.length} bytes`);
    const material = randomBytes(32);
    const done = await kms.send(new ImportKeyMaterialCommand({
      KeyId: k.KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapFor('RSA_AES_KEY_WRAP_SHA_256', p.PublicKey!, material), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
    }));
    assert.deepEqual([done.KeyId, (await describe_(k.KeyId!)).CurrentKeyMaterialId], [k.Arn, done.KeyMaterialId]);
  });

  it('GetParametersForImport refuses keys of origin AWS_KMS, deprecated and China-only wrapping, and keys pending deletion', async () => {
    const aws = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const e = await awsError(() => params(aws.KeyId!));
    assert.deepEqual([e.name, e.message], ['UnsupportedOperationException', `${aws.Arn} origin is AWS_KMS which is not valid for this operation.`]);
    const ext = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
    assert.equal((await awsError(() => params(ext.KeyId!, 'RSAES_PKCS1_V1_5'))).name, 'ValidationException');
    assert.equal((await awsError(() => params(ext.KeyId!, 'SM2PKE', 'SM2'))).name, 'UnsupportedOperationException');
    const p521 = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: 'ECC_NIST_P521', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
    assert.equal((await awsError(() => params(p521.KeyId!, 'RSAES_OAEP_SHA_256', 'RSA_2048'))).name, 'ValidationException');
    await params(p521.KeyId!, 'RSAES_OAEP_SHA_256', 'RSA_3072');
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: ext.KeyId, PendingWindowInDays: 7 }));
    const pending = await awsError(() => params(ext.KeyId!));
    assert.deepEqual([pending.name, pending.message], ['KMSInvalidStateException', `${ext.Arn} is pending deletion.`]);
  });

  it('expiry by time travel: PendingImport, then the same material restores old ciphertext; different material is refused', async () => {
    const k = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
    const material = randomBytes(32);
    const validTo = new Date(Math.floor((server.clock.now() + 10 * DAY) / 1000) * 1000);
    const first = await importInto(k.KeyId!, material, { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo });
    let md = await describe_(k.KeyId!);
    assert.deepEqual([md.KeyState, md.ExpirationModel, md.ValidTo?.getTime()], ['Enabled', 'KEY_MATERIAL_EXPIRES', validTo.getTime()]);
    const enc = await kms.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('before expiry') }));

    server.clock.advance(10 * DAY - 1000);
    await server.trent.sweep();
    assert.equal((await describe_(k.KeyId!)).KeyState, 'Enabled');
    server.clock.advance(2000);
    await server.trent.sweep();
    md = await describe_(k.KeyId!);
    assert.deepEqual(
      [md.KeyState, md.Enabled, md.ExpirationModel, md.ValidTo, md.CurrentKeyMaterialId],
      ['PendingImport', false, undefined, undefined, first.KeyMaterialId],
    );
    const d = await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })));
    assert.deepEqual([d.name, d.message], ['KMSInvalidStateException', `${k.Arn} is pending import.`]);
    assert.equal(await server.trent.deps.store.getMaterial(TEST_ACCOUNT, TEST_REGION, k.KeyId!, 1), undefined);

    const expired = (await trailEvents(server, { eventName: 'DeleteExpiredKeyMaterial' })).filter((e) => e.resources?.[0].ARN === k.Arn);
    assert.equal(expired.length, 1);
    assert.deepEqual([expired[0].eventType, expired[0].additionalEventData], ['AwsServiceEvent', { keyMaterialId: first.KeyMaterialId }]);

    const other = await awsError(() => importInto(k.KeyId!, randomBytes(32)));
    assert.equal(other.name, 'IncorrectKeyMaterialException');
    const again = await importInto(k.KeyId!, material);
    assert.equal(again.KeyMaterialId, first.KeyMaterialId);
    md = await describe_(k.KeyId!);
    assert.deepEqual([md.KeyState, md.ExpirationModel, md.ValidTo], ['Enabled', 'KEY_MATERIAL_DOES_NOT_EXPIRE', undefined]);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    assert.equal(Buffer.from(dec.Plaintext!).toString(), 'before expiry');
    server.clock.advance(400 * DAY);
    await server.trent.sweep();
    assert.equal((await describe_(k.KeyId!)).KeyState, 'Enabled', 'material that does not expire stays');
  });

  it('DeleteImportedKeyMaterial: PendingImport (a Disabled key too), a key pending deletion stays so and cancels to PendingImport', async () => {
    const k = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
    const material = randomBytes(32);
    const imported = await importInto(k.KeyId!, material);
    await kms.send(new DisableKeyCommand({ KeyId: k.KeyId }));
    const del = await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: k.KeyId }));
    assert.deepEqual([del.KeyId, del.KeyMaterialId], [k.Arn, imported.KeyMaterialId]);
    assert.equal((await describe_(k.KeyId!)).KeyState, 'PendingImport');
    await importInto(k.KeyId!, material);
    assert.equal((await describe_(k.KeyId!)).KeyState, 'Enabled');

    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: k.KeyId }));
    assert.equal((await describe_(k.KeyId!)).KeyState, 'PendingDeletion');
    await kms.send(new CancelKeyDeletionCommand({ KeyId: k.KeyId }));
    assert.equal((await describe_(k.KeyId!)).KeyState, 'PendingImport');

    const aws = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
    const e = await awsError(() => kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: aws.KeyId })));
    assert.deepEqual([e.name, e.message], ['UnsupportedOperationException', `${aws.Arn} origin is AWS_KMS which is not valid for this operation.`]);
  });

  it('import tokens: tampered or for another key is InvalidImportTokenException, after 24 hours ExpiredImportTokenException', async () => {
    const a = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
    const b = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
    const material = randomBytes(32);
    const p = await params(a.KeyId!);
    const wrapped = wrapFor('RSAES_OAEP_SHA_256', p.PublicKey!, material);
    const send = (keyId: string, token: Uint8Array) =>
      kms.send(new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: token, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' }));
    const tampered = Buffer.from(p.ImportToken!);
    tampered[40] ^= 1;
    assert.equal((await awsError(() => send(a.KeyId!, tampered))).name, 'InvalidImportTokenException');
    assert.equal((await awsError(() => send(b.KeyId!, p.ImportToken!))).name, 'InvalidImportTokenException');
    const wrongCiphertext = await awsError(() =>
      kms.send(new ImportKeyMaterialCommand({ KeyId: a.KeyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: randomBytes(256), ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE' })),
    );
    assert.equal(wrongCiphertext.name, 'InvalidCiphertextException');
    server.clock.advance(DAY + 1000);
    assert.equal((await awsError(() => send(a.KeyId!, p.ImportToken!))).name, 'ExpiredImportTokenException');
    assert.equal((await describe_(a.KeyId!)).KeyState, 'PendingImport');
  });

  it('ExpirationModel and ValidTo are checked as AWS checks them; material of the wrong size is refused', async () => {
    const k = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
    const material = randomBytes(32);
    let e = await awsError(() => importInto(k.KeyId!, material, {}));
    assert.deepEqual([e.name, e.message], ['ValidationException', 'A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES']);
    e = await awsError(() => importInto(k.KeyId!, material, { ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ValidTo: new Date(server.clock.now() + DAY) }));
    assert.equal(e.name, 'ValidationException');
    e = await awsError(() => importInto(k.KeyId!, material, { ValidTo: new Date(server.clock.now() - DAY) }));
    assert.equal(e.name, 'ValidationException');
    e = await awsError(() => importInto(k.KeyId!, material, { ValidTo: new Date(server.clock.now() + 366 * DAY) }));
    assert.equal(e.name, 'ValidationException');
    e = await awsError(() => importInto(k.KeyId!, randomBytes(16)));
    assert.equal(e.name, 'ValidationException');
    assert.equal((await describe_(k.KeyId!)).KeyState, 'PendingImport');
    await importInto(k.KeyId!, material, { ValidTo: new Date(server.clock.now() + 365 * DAY) });
    assert.equal((await describe_(k.KeyId!)).KeyState, 'Enabled');
  });
});
