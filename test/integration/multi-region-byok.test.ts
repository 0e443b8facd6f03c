/**
 * Multi-Region keys with imported key material, the AWS way, with OpenSSL
 * and the AWS CLI: ReplicateKey of an EXTERNAL primary makes a PendingImport
 * replica without material; the same material (made and wrapped by OpenSSL)
 * is imported into each region separately, anything else is refused;
 * ciphertext crosses regions once both have it; expiry is per region.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { startTestServer, tempDir, TEST_ACCESS_KEY_ID, TEST_SECRET, type TestServer } from '../helpers/trent.js';
import { cleanEnv } from '../helpers/aws-cli.js';
import { kmsCli } from '../helpers/kms-cli.js';

const TOKYO = 'ap-northeast-1';
const OREGON = 'us-west-2';
const DAY = 86_400_000;

describe('multi-Region keys with imported key material (OpenSSL and the AWS CLI)', () => {
  let server: TestServer;
  let work: string;
  let env: NodeJS.ProcessEnv;
  const cli = kmsCli(() => server.url, () => env, () => work);
  const { aws, awsFails, newMaterial, path } = cli;
  /** get-parameters-for-import in `region`, OpenSSL RSAES-OAEP-SHA256 wrapping, import-key-material. */
  const importInto = (region: string, keyId: string, material: string, expiry: string[] = ['--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE']) =>
    cli.importArgs(region, keyId, material, ...expiry);
  const state = async (region: string, keyId: string) => (await aws(region, 'describe-key', '--key-id', keyId)).KeyMetadata;

  before(async () => {
    work = tempDir('trent-mrk-byok-');
    env = { ...cleanEnv(), AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET, AWS_CONFIG_FILE: path('none'), AWS_SHARED_CREDENTIALS_FILE: path('none2') };
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('the replica of an EXTERNAL primary is PendingImport; only the same material imports into it; ciphertext crosses once both have it; expiry is per region', async () => {
    const created = (await aws(TOKYO, 'create-key', '--origin', 'EXTERNAL', '--multi-region', '--description', 'byok mrk')).KeyMetadata;
    assert.match(created.KeyId, /^mrk-/);
    assert.deepEqual([created.KeyState, created.Origin, created.MultiRegion], ['PendingImport', 'EXTERNAL', true]);
    const material = await newMaterial();
    const imported = await aws(TOKYO, ...(await importInto(TOKYO, created.KeyId, material)));
    const replicated = await aws(TOKYO, 'replicate-key', '--key-id', created.KeyId, '--replica-region', OREGON);
    assert.equal(replicated.ReplicaKeyMetadata.Origin, 'EXTERNAL');
    const replica = await state(OREGON, created.KeyId);
    assert.deepEqual([replica.KeyState, replica.MultiRegionConfiguration.MultiRegionKeyType, replica.ExpirationModel], ['PendingImport', 'REPLICA', undefined]);

    const secret = Buffer.from('imported across regions');
    writeFileSync(path('secret.bin'), secret);
    const enc = await aws(TOKYO, 'encrypt', '--key-id', created.KeyId, '--plaintext', `fileb://${path('secret.bin')}`);
    writeFileSync(path('secret.enc'), Buffer.from(enc.CiphertextBlob, 'base64'));
    await awsFails('KMSInvalidStateException', OREGON, 'decrypt', '--ciphertext-blob', `fileb://${path('secret.enc')}`);

    // Different material is refused; the same material imports, with its own expiry.
    await awsFails('IncorrectKeyMaterialException', OREGON, ...(await importInto(OREGON, created.KeyId, await newMaterial())));
    const validTo = Math.floor((server.clock.now() + 2 * DAY) / 1000);
    const same = await aws(OREGON, ...(await importInto(OREGON, created.KeyId, material, ['--expiration-model', 'KEY_MATERIAL_EXPIRES', '--valid-to', String(validTo)])));
    assert.equal(same.KeyMaterialId, imported.KeyMaterialId);
    const enabled = await state(OREGON, created.KeyId);
    assert.deepEqual([enabled.KeyState, enabled.ExpirationModel, enabled.CurrentKeyMaterialId], ['Enabled', 'KEY_MATERIAL_EXPIRES', imported.KeyMaterialId]);
    assert.equal((await state(TOKYO, created.KeyId)).ExpirationModel, 'KEY_MATERIAL_DOES_NOT_EXPIRE');

    const dec = await aws(OREGON, 'decrypt', '--ciphertext-blob', `fileb://${path('secret.enc')}`);
    assert.deepEqual(Buffer.from(dec.Plaintext, 'base64'), secret);
    const back = await aws(OREGON, 'encrypt', '--key-id', created.KeyId, '--plaintext', `fileb://${path('secret.bin')}`);
    writeFileSync(path('back.enc'), Buffer.from(back.CiphertextBlob, 'base64'));
    assert.deepEqual(Buffer.from((await aws(TOKYO, 'decrypt', '--ciphertext-blob', `fileb://${path('back.enc')}`)).Plaintext, 'base64'), secret);

    // The replica's material expires; the primary's does not.
    server.clock.advance(3 * DAY);
    await server.trent.runScheduler();
    assert.equal((await state(OREGON, created.KeyId)).KeyState, 'PendingImport');
    assert.equal((await state(TOKYO, created.KeyId)).KeyState, 'Enabled');
    assert.deepEqual(Buffer.from((await aws(TOKYO, 'decrypt', '--ciphertext-blob', `fileb://${path('back.enc')}`)).Plaintext, 'base64'), secret);
    await awsFails('UnsupportedOperationException', OREGON, 'enable-key-rotation', '--key-id', created.KeyId);
  });

  it('a primary replicated before its first import: whichever region imports first fixes the material for the other', async () => {
    const created = (await aws(TOKYO, 'create-key', '--origin', 'EXTERNAL', '--multi-region')).KeyMetadata;
    await aws(TOKYO, 'replicate-key', '--key-id', created.KeyId, '--replica-region', OREGON);
    assert.equal((await state(OREGON, created.KeyId)).KeyState, 'PendingImport');
    const material = await newMaterial();
    const first = await aws(OREGON, ...(await importInto(OREGON, created.KeyId, material)));
    await awsFails('IncorrectKeyMaterialException', TOKYO, ...(await importInto(TOKYO, created.KeyId, await newMaterial())));
    const second = await aws(TOKYO, ...(await importInto(TOKYO, created.KeyId, material)));
    assert.equal(second.KeyMaterialId, first.KeyMaterialId);
    writeFileSync(path('x.bin'), 'x');
    const enc = await aws(TOKYO, 'encrypt', '--key-id', created.KeyId, '--plaintext', `fileb://${path('x.bin')}`);
    writeFileSync(path('x.enc'), Buffer.from(enc.CiphertextBlob, 'base64'));
    assert.equal(Buffer.from((await aws(OREGON, 'decrypt', '--ciphertext-blob', `fileb://${path('x.enc')}`)).Plaintext, 'base64').toString(), 'x');
  });
});
