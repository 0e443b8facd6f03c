/**
 * Rotation of keys with imported key material through the SDK: material
 * imported with ImportType NEW_KEY_MATERIAL waits PENDING_ROTATION until
 * RotateKeyOnDemand makes it current; ListKeyRotations and DescribeKey follow;
 * ciphertext of every version decrypts; deleting or expiring (time travel on
 * the server's clock) one version makes the key PendingImport until that
 * same material is imported again; a version pending rotation is forgotten
 * instead. AWS's errors for each mismatch.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import {
  CreateKeyCommand,
  DecryptCommand,
  DeleteImportedKeyMaterialCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  ListKeyRotationsCommand,
  RotateKeyOnDemandCommand,
  type ImportKeyMaterialCommandInput,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { awsError, startTestServer, TEST_ACCOUNT, TEST_REGION, type TestServer } from '../helpers/trent.js';
import { trailEvents } from './audit-support.js';

const DAY = 86_400_000;

type ImportOptions = Omit<ImportKeyMaterialCommandInput, 'KeyId' | 'ImportToken' | 'EncryptedKeyMaterial'>;

describe('rotation of keys with imported key material', () => {
  let server: TestServer;
  let kms: KMSClient;

  async function importInto(keyId: string, material: Buffer, options: ImportOptions = {}) {
    const p = await kms.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
    const wrapped = publicEncrypt({ key: createPublicKey({ key: Buffer.from(p.PublicKey!), format: 'der', type: 'spki' }), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material);
    return kms.send(
      new ImportKeyMaterialCommand({ KeyId: keyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ...options }),
    );
  }

  async function describe_(keyId: string) {
    return (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
  }

  async function rotations(keyId: string, all = true) {
    const out = await kms.send(new ListKeyRotationsCommand({ KeyId: keyId, ...(all ? { IncludeKeyMaterial: 'ALL_KEY_MATERIAL' as const } : {}) }));
    return out.Rotations!;
  }

  /** [id, import state, material state] of every listed version. */
  async function states(keyId: string) {
    return (await rotations(keyId)).map((r) => [r.KeyMaterialId, r.ImportState, r.KeyMaterialState]);
  }

  async function encrypt(keyId: string, text: string) {
    return (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text) }))).CiphertextBlob!;
  }

  async function decrypt(blob: Uint8Array) {
    return Buffer.from((await kms.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString();
  }

  async function externalKey() {
    return (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!;
  }

  before(async () => {
    server = await startTestServer();
    kms = server.kms();
  });
  after(async () => server?.close());

  it('NEW_KEY_MATERIAL waits PENDING_ROTATION; RotateKeyOnDemand makes it current; ciphertext of both versions decrypts', async () => {
    const k = await externalKey();
    const v1 = await importInto(k.KeyId!, randomBytes(32), { KeyMaterialDescription: 'first material' });
    assert.equal((await describe_(k.KeyId!)).CurrentKeyMaterialId, v1.KeyMaterialId);
    const c1 = await encrypt(k.KeyId!, 'under v1');

    const m2 = randomBytes(32);
    const v2 = await importInto(k.KeyId!, m2, { ImportType: 'NEW_KEY_MATERIAL', KeyMaterialDescription: 'second material' });
    assert.notEqual(v2.KeyMaterialId, v1.KeyMaterialId);
    assert.match(v2.KeyMaterialId!, /^[0-9a-f]{64}$/);
    assert.deepEqual(await states(k.KeyId!), [
      [v1.KeyMaterialId, 'IMPORTED', 'CURRENT'],
      [v2.KeyMaterialId, 'IMPORTED', 'PENDING_ROTATION'],
    ]);
    assert.deepEqual(await rotations(k.KeyId!, false), [], 'ROTATIONS_ONLY lists no rotation before one happened');
    const pending = (await rotations(k.KeyId!))[1];
    assert.deepEqual([pending.KeyMaterialDescription, pending.ExpirationModel, pending.RotationDate, pending.RotationType], ['second material', 'KEY_MATERIAL_DOES_NOT_EXPIRE', undefined, undefined]);
    assert.equal((await describe_(k.KeyId!)).CurrentKeyMaterialId, v1.KeyMaterialId, 'pending material is not used yet');
    const stillV1 = await encrypt(k.KeyId!, 'still v1');

    const again = await awsError(() => importInto(k.KeyId!, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' }));
    assert.equal(again.name, 'KMSInvalidStateException');
    assert.match(again.message, new RegExp(`^New key material \\(id: [0-9a-f]{64}\\) cannot be imported into KMS key ${k.KeyId}, because another key material \\(id: ${v2.KeyMaterialId}\\) is pending rotation\\.$`));

    const rotatedAt = server.clock.now();
    assert.deepEqual(await kms.send(new RotateKeyOnDemandCommand({ KeyId: k.KeyId })).then((r) => r.KeyId), k.Arn);
    const md = await describe_(k.KeyId!);
    assert.deepEqual([md.KeyState, md.CurrentKeyMaterialId, md.ExpirationModel], ['Enabled', v2.KeyMaterialId, 'KEY_MATERIAL_DOES_NOT_EXPIRE']);
    const c2 = await encrypt(k.KeyId!, 'under v2');
    assert.deepEqual([await decrypt(c1), await decrypt(stillV1), await decrypt(c2)], ['under v1', 'still v1', 'under v2']);
    assert.deepEqual(await states(k.KeyId!), [
      [v1.KeyMaterialId, 'IMPORTED', 'NON_CURRENT'],
      [v2.KeyMaterialId, 'IMPORTED', 'CURRENT'],
    ]);
    const [first, rotated] = await rotations(k.KeyId!);
    assert.deepEqual([first.KeyMaterialDescription, first.RotationType, first.RotationDate], ['first material', undefined, undefined]);
    assert.deepEqual([rotated.RotationType, rotated.RotationDate?.getTime()], ['ON_DEMAND', rotatedAt]);
    assert.deepEqual((await rotations(k.KeyId!, false)).map((r) => r.KeyMaterialId), [v2.KeyMaterialId]);

    const p = await kms.send(new ListKeyRotationsCommand({ KeyId: k.KeyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Limit: 1 }));
    assert.deepEqual([p.Rotations!.map((r) => r.KeyMaterialId), p.Truncated], [[v1.KeyMaterialId], true]);
    const q = await kms.send(new ListKeyRotationsCommand({ KeyId: k.KeyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Marker: p.NextMarker }));
    assert.deepEqual([q.Rotations!.map((r) => r.KeyMaterialId), q.Truncated], [[v2.KeyMaterialId], false]);

    // Reimporting a version keeps its description unless a new one is given.
    await importInto(k.KeyId!, m2, { KeyMaterialId: v2.KeyMaterialId });
    assert.equal((await rotations(k.KeyId!))[1].KeyMaterialDescription, 'second material');
  });

  it('RotateKeyOnDemand without pending material, before any import, and automatic rotation: AWS errors', async () => {
    const k = await externalKey();
    const pendingImport = await awsError(() => kms.send(new RotateKeyOnDemandCommand({ KeyId: k.KeyId })));
    assert.deepEqual([pendingImport.name, pendingImport.message], ['KMSInvalidStateException', `${k.Arn} is pending import.`]);
    await importInto(k.KeyId!, randomBytes(32));
    const none = await awsError(() => kms.send(new RotateKeyOnDemandCommand({ KeyId: k.KeyId })));
    assert.deepEqual([none.name, none.message], ['KMSInvalidStateException', `No available key material pending rotation for the key: ${k.Arn}.`]);
    const automatic = await awsError(() => kms.send(new EnableKeyRotationCommand({ KeyId: k.KeyId })));
    assert.deepEqual([automatic.name, automatic.message], ['UnsupportedOperationException', `${k.Arn} origin is EXTERNAL which is not valid for this operation.`]);
  });

  it('ImportType and KeyMaterialId mismatches: IncorrectKeyMaterialException and ValidationException as AWS', async () => {
    const k = await externalKey();
    const m1 = randomBytes(32);
    const v1 = await importInto(k.KeyId!, m1);
    const other = await awsError(() => importInto(k.KeyId!, randomBytes(32)));
    assert.deepEqual(
      [other.name, other.message],
      ['IncorrectKeyMaterialException', 'The key material in the request is different from the key material previously imported into this KMS key.'],
    );
    const wrongId = await awsError(() => importInto(k.KeyId!, m1, { ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: 'a'.repeat(64) }));
    assert.equal(wrongId.name, 'IncorrectKeyMaterialException');
    const newWithId = await awsError(() => importInto(k.KeyId!, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL', KeyMaterialId: v1.KeyMaterialId }));
    assert.equal(newWithId.name, 'ValidationException');
    const sameAsNew = await awsError(() => importInto(k.KeyId!, m1, { ImportType: 'NEW_KEY_MATERIAL' }));
    assert.equal(sameAsNew.name, 'IncorrectKeyMaterialException');
    const badDescription = await awsError(() => importInto(k.KeyId!, m1, { KeyMaterialDescription: 'no;semicolons' }));
    assert.equal(badDescription.name, 'ValidationException');
    assert.deepEqual(await states(k.KeyId!), [[v1.KeyMaterialId, 'IMPORTED', 'CURRENT']], 'nothing refused was stored');

    const hmac = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!;
    const m = randomBytes(32);
    await importInto(hmac.KeyId!, m);
    const second = await awsError(() => importInto(hmac.KeyId!, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' }));
    assert.equal(second.name, 'ValidationException');
    const rotate = await awsError(() => kms.send(new RotateKeyOnDemandCommand({ KeyId: hmac.KeyId })));
    assert.equal(rotate.name, 'UnsupportedOperationException');
  });

  it('deleting pending material forgets it; deleting a non-current version makes the key PendingImport until it is reimported', async () => {
    const k = await externalKey();
    const m1 = randomBytes(32);
    const v1 = await importInto(k.KeyId!, m1);
    const c1 = await encrypt(k.KeyId!, 'one');

    const dropped = await importInto(k.KeyId!, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' });
    const del = await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: k.KeyId, KeyMaterialId: dropped.KeyMaterialId }));
    assert.deepEqual([del.KeyId, del.KeyMaterialId], [k.Arn, dropped.KeyMaterialId]);
    assert.equal((await describe_(k.KeyId!)).KeyState, 'Enabled', 'pending material is not permanently associated');
    assert.deepEqual(await states(k.KeyId!), [[v1.KeyMaterialId, 'IMPORTED', 'CURRENT']]);
    const gone = await awsError(() => kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: k.KeyId, KeyMaterialId: dropped.KeyMaterialId })));
    assert.deepEqual([gone.name, gone.message], ['NotFoundException', `Key material ${dropped.KeyMaterialId} is not associated with ${k.Arn}.`]);

    const v2 = await importInto(k.KeyId!, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL' });
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: k.KeyId }));
    const c2 = await encrypt(k.KeyId!, 'two');

    await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: k.KeyId, KeyMaterialId: v1.KeyMaterialId }));
    const md = await describe_(k.KeyId!);
    assert.deepEqual([md.KeyState, md.CurrentKeyMaterialId, md.ExpirationModel], ['PendingImport', v2.KeyMaterialId, 'KEY_MATERIAL_DOES_NOT_EXPIRE']);
    assert.deepEqual(await states(k.KeyId!), [
      [v1.KeyMaterialId, 'PENDING_IMPORT', 'NON_CURRENT'],
      [v2.KeyMaterialId, 'IMPORTED', 'CURRENT'],
    ]);
    assert.equal(await server.trent.deps.store.getMaterial(TEST_ACCOUNT, TEST_REGION, k.KeyId!, 1), undefined, 'the version 1 row is gone');
    for (const blob of [c1, c2]) {
      const e = await awsError(() => decrypt(blob));
      assert.deepEqual([e.name, e.message], ['KMSInvalidStateException', `${k.Arn} is pending import.`]);
    }

    const back = await importInto(k.KeyId!, m1, { ImportType: 'EXISTING_KEY_MATERIAL', KeyMaterialId: v1.KeyMaterialId });
    assert.equal(back.KeyMaterialId, v1.KeyMaterialId);
    assert.equal((await describe_(k.KeyId!)).KeyState, 'Enabled');
    assert.deepEqual([await decrypt(c1), await decrypt(c2)], ['one', 'two']);
    assert.equal(await encrypt(k.KeyId!, 'x').then((b) => kms.send(new DecryptCommand({ CiphertextBlob: b }))).then((d) => d.KeyMaterialId), v2.KeyMaterialId);

    // Deleting the current version (no KeyMaterialId) does the same.
    const cur = await kms.send(new DeleteImportedKeyMaterialCommand({ KeyId: k.KeyId }));
    assert.equal(cur.KeyMaterialId, v2.KeyMaterialId);
    assert.equal((await describe_(k.KeyId!)).KeyState, 'PendingImport');
  });

  it('each version expires on its own ValidTo (time travel); pending material that expires is forgotten', async () => {
    const k = await externalKey();
    const m1 = randomBytes(32);
    const m2 = randomBytes(32);
    const v1 = await importInto(k.KeyId!, m1, { ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(server.clock.now() + 30 * DAY) });
    const validTo2 = new Date(Math.floor((server.clock.now() + 5 * DAY) / 1000) * 1000);
    const v2 = await importInto(k.KeyId!, m2, { ImportType: 'NEW_KEY_MATERIAL', ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: validTo2 });
    const c1 = await encrypt(k.KeyId!, 'one');
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: k.KeyId }));
    const c2 = await encrypt(k.KeyId!, 'two');
    let md = await describe_(k.KeyId!);
    assert.deepEqual([md.ExpirationModel, md.ValidTo?.getTime()], ['KEY_MATERIAL_EXPIRES', validTo2.getTime()], 'the earliest expiry of the associated versions');
    assert.equal((await rotations(k.KeyId!))[1].ValidTo?.getTime(), validTo2.getTime());

    server.clock.advance(5 * DAY + 1000);
    await server.trent.sweep();
    md = await describe_(k.KeyId!);
    assert.deepEqual([md.KeyState, md.CurrentKeyMaterialId], ['PendingImport', v2.KeyMaterialId]);
    assert.deepEqual(await states(k.KeyId!), [
      [v1.KeyMaterialId, 'IMPORTED', 'NON_CURRENT'],
      [v2.KeyMaterialId, 'PENDING_IMPORT', 'CURRENT'],
    ]);
    const events = (await trailEvents(server, { eventName: 'DeleteExpiredKeyMaterial' })).filter((e) => e.resources?.[0].ARN === k.Arn);
    assert.deepEqual(events.map((e) => e.additionalEventData), [{ keyMaterialId: v2.KeyMaterialId }]);
    assert.equal((await awsError(() => decrypt(c1))).name, 'KMSInvalidStateException');

    await importInto(k.KeyId!, m2, { KeyMaterialId: v2.KeyMaterialId });
    assert.equal((await describe_(k.KeyId!)).KeyState, 'Enabled');
    assert.deepEqual([await decrypt(c1), await decrypt(c2)], ['one', 'two']);

    // A version pending rotation with the earliest expiry: it goes alone, the key stays Enabled.
    const v3 = await importInto(k.KeyId!, randomBytes(32), { ImportType: 'NEW_KEY_MATERIAL', ExpirationModel: 'KEY_MATERIAL_EXPIRES', ValidTo: new Date(server.clock.now() + DAY) });
    md = await describe_(k.KeyId!);
    assert.ok(md.ValidTo!.getTime() > server.clock.now() + 20 * DAY, 'DescribeKey ValidTo ignores material pending rotation');
    server.clock.advance(DAY + 1000);
    await server.trent.sweep();
    assert.equal((await describe_(k.KeyId!)).KeyState, 'Enabled');
    assert.deepEqual((await states(k.KeyId!)).map((s) => s[0]), [v1.KeyMaterialId, v2.KeyMaterialId]);
    assert.ok(!(await states(k.KeyId!)).some((s) => s[0] === v3.KeyMaterialId));

    // The first version's own ValidTo still applies.
    server.clock.advance(30 * DAY);
    await server.trent.sweep();
    assert.deepEqual(await states(k.KeyId!), [
      [v1.KeyMaterialId, 'PENDING_IMPORT', 'NON_CURRENT'],
      [v2.KeyMaterialId, 'IMPORTED', 'CURRENT'],
    ]);
    assert.equal((await describe_(k.KeyId!)).KeyState, 'PendingImport');
  });
});
