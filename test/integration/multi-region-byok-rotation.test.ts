/**
 * On-demand rotation of multi-Region keys with imported key material, with
 * OpenSSL and the AWS CLI: new material (NEW_KEY_MATERIAL) goes into the
 * primary only; each replica imports the same material with
 * EXISTING_KEY_MATERIAL and its KeyMaterialId (nothing else); the material is
 * PENDING_MULTI_REGION_IMPORT_AND_ROTATION in every region until every
 * replica has it, then PENDING_ROTATION; RotateKeyOnDemand on the primary is
 * refused until then and afterwards makes it current in every region;
 * deleting the primary's pending material deletes it from the replicas.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { startTestServer, tempDir, TEST_ACCESS_KEY_ID, TEST_SECRET, type TestServer } from '../helpers/trent.js';
import { cleanEnv } from '../helpers/aws-cli.js';
import { kmsCli } from '../helpers/kms-cli.js';

const TOKYO = 'ap-northeast-1';
const OREGON = 'us-west-2';
const IRELAND = 'eu-west-1';
const NEVER = ['--expiration-model', 'KEY_MATERIAL_DOES_NOT_EXPIRE'];

describe('rotation of multi-Region keys with imported key material (OpenSSL and the AWS CLI)', () => {
  let server: TestServer;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let n = 0;
  const cli = kmsCli(() => server.url, () => env, () => work);
  const { aws, awsFails, newMaterial, path } = cli;
  /** import-key-material arguments: parameters from `region`, material wrapped by OpenSSL (RSAES_OAEP_SHA_256). */
  const importArgs = (region: string, keyId: string, material: string, ...extra: string[]) => cli.importArgs(region, keyId, material, ...NEVER, ...extra);
  const imports = async (region: string, keyId: string, material: string, ...extra: string[]) => aws(region, ...(await importArgs(region, keyId, material, ...extra)));
  const existing = (id: string) => ['--import-type', 'EXISTING_KEY_MATERIAL', '--key-material-id', id];
  /** [KeyMaterialId, ImportState, KeyMaterialState] of every material of the key in `region`. */
  async function materials(region: string, keyId: string): Promise<string[][]> {
    const out = await aws(region, 'list-key-rotations', '--key-id', keyId, '--include-key-material', 'ALL_KEY_MATERIAL');
    return out.Rotations.map((r: any) => [r.KeyMaterialId, r.ImportState, r.KeyMaterialState]);
  }
  const current = async (region: string, keyId: string) => (await aws(region, 'describe-key', '--key-id', keyId)).KeyMetadata.CurrentKeyMaterialId;
  async function encrypt(region: string, keyId: string, text: string): Promise<string> {
    const file = path(`plain${++n}.bin`);
    writeFileSync(file, text);
    const enc = await aws(region, 'encrypt', '--key-id', keyId, '--plaintext', `fileb://${file}`);
    writeFileSync(`${file}.enc`, Buffer.from(enc.CiphertextBlob, 'base64'));
    return `${file}.enc`;
  }
  async function decrypt(region: string, blob: string): Promise<string> {
    return Buffer.from((await aws(region, 'decrypt', '--ciphertext-blob', `fileb://${blob}`)).Plaintext, 'base64').toString();
  }
  /** An EXTERNAL multi-Region primary in Tokyo with replicas in `replicas`, the same first material imported everywhere. */
  async function keyWithReplicas(...replicas: string[]): Promise<{ keyId: string; first: string; material: string }> {
    const keyId = (await aws(TOKYO, 'create-key', '--origin', 'EXTERNAL', '--multi-region')).KeyMetadata.KeyId;
    const material = await newMaterial();
    const first = (await imports(TOKYO, keyId, material)).KeyMaterialId;
    for (const region of replicas) {
      await aws(TOKYO, 'replicate-key', '--key-id', keyId, '--replica-region', region);
      await imports(region, keyId, material);
    }
    return { keyId, first, material };
  }

  before(async () => {
    work = tempDir('trent-mrk-byok-rotation-');
    env = { ...cleanEnv(), AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: TEST_SECRET, AWS_CONFIG_FILE: path('none'), AWS_SHARED_CREDENTIALS_FILE: path('none2') };
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('new material goes into the primary, then each replica; rotation waits for every replica and switches every region', async () => {
    const { keyId, first } = await keyWithReplicas(OREGON, IRELAND);
    const m2 = await newMaterial();

    const refused = await awsFails('ValidationException', OREGON, ...(await importArgs(OREGON, keyId, m2, '--import-type', 'NEW_KEY_MATERIAL')));
    assert.match(refused, /cannot be imported into the replica key arn:aws:kms:us-west-2:\d{12}:key\/mrk-[0-9a-f]{32}\. Import it into the primary key/);
    // Before the primary has new material, a replica takes none beyond its own.
    await awsFails('IncorrectKeyMaterialException', OREGON, ...(await importArgs(OREGON, keyId, m2, '--import-type', 'EXISTING_KEY_MATERIAL')));

    const second = (await imports(TOKYO, keyId, m2, '--import-type', 'NEW_KEY_MATERIAL', '--key-material-description', 'second')).KeyMaterialId;
    assert.notEqual(second, first);
    const waiting = 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION';
    assert.deepEqual(await materials(TOKYO, keyId), [[first, 'IMPORTED', 'CURRENT'], [second, 'IMPORTED', waiting]]);
    assert.deepEqual(await materials(OREGON, keyId), [[first, 'IMPORTED', 'CURRENT'], [second, 'PENDING_IMPORT', waiting]]);
    const notYet = await awsFails('KMSInvalidStateException', TOKYO, 'rotate-key-on-demand', '--key-id', keyId);
    assert.match(notYet, new RegExp(`Key material \\(id: ${second}\\) pending rotation .*\\(missing in eu-west-1, us-west-2\\)`));

    // A replica takes only the primary's pending material, and only under its id.
    await awsFails('IncorrectKeyMaterialException', OREGON, ...(await importArgs(OREGON, keyId, await newMaterial(), '--import-type', 'EXISTING_KEY_MATERIAL')));
    await awsFails('IncorrectKeyMaterialException', OREGON, ...(await importArgs(OREGON, keyId, m2, ...existing(first))));
    assert.equal((await imports(OREGON, keyId, m2, ...existing(second))).KeyMaterialId, second);
    assert.deepEqual(await materials(OREGON, keyId), [[first, 'IMPORTED', 'CURRENT'], [second, 'IMPORTED', waiting]]);
    assert.deepEqual((await materials(TOKYO, keyId))[1], [second, 'IMPORTED', waiting]);
    assert.match(await awsFails('KMSInvalidStateException', TOKYO, 'rotate-key-on-demand', '--key-id', keyId), /missing in eu-west-1\)/);
    assert.equal(await current(OREGON, keyId), first, 'pending material is not used');
    const underFirst = await encrypt(OREGON, keyId, 'under the first material');

    await imports(IRELAND, keyId, m2, '--import-type', 'EXISTING_KEY_MATERIAL');
    for (const region of [TOKYO, OREGON, IRELAND]) {
      assert.deepEqual(await materials(region, keyId), [[first, 'IMPORTED', 'CURRENT'], [second, 'IMPORTED', 'PENDING_ROTATION']], region);
    }
    await awsFails('UnsupportedOperationException', OREGON, 'rotate-key-on-demand', '--key-id', keyId);
    await aws(TOKYO, 'rotate-key-on-demand', '--key-id', keyId);
    for (const region of [TOKYO, OREGON, IRELAND]) {
      assert.equal(await current(region, keyId), second, region);
      assert.deepEqual(await materials(region, keyId), [[first, 'IMPORTED', 'NON_CURRENT'], [second, 'IMPORTED', 'CURRENT']], region);
      const rotated = (await aws(region, 'list-key-rotations', '--key-id', keyId)).Rotations;
      assert.deepEqual(rotated.map((r: any) => [r.KeyMaterialId, r.RotationType]), [[second, 'ON_DEMAND']], region);
    }
    const underSecond = await encrypt(IRELAND, keyId, 'under the second material');
    for (const region of [TOKYO, OREGON, IRELAND]) {
      assert.equal(await decrypt(region, underFirst), 'under the first material', region);
      assert.equal(await decrypt(region, underSecond), 'under the second material', region);
    }
    // The new material is permanently associated: a replica that loses it is PendingImport until it has it again.
    await aws(IRELAND, 'delete-imported-key-material', '--key-id', keyId, '--key-material-id', second);
    assert.equal((await aws(IRELAND, 'describe-key', '--key-id', keyId)).KeyMetadata.KeyState, 'PendingImport');
    assert.equal((await aws(TOKYO, 'describe-key', '--key-id', keyId)).KeyMetadata.KeyState, 'Enabled');
    await imports(IRELAND, keyId, m2, ...existing(second));
    assert.equal(await decrypt(IRELAND, underSecond), 'under the second material');
  });

  it("deleting the primary's pending material deletes it from the replicas; a replica's own deletion stays there", async () => {
    const { keyId, first } = await keyWithReplicas(OREGON, IRELAND);
    const m2 = await newMaterial();
    const second = (await imports(TOKYO, keyId, m2, '--import-type', 'NEW_KEY_MATERIAL')).KeyMaterialId;
    await imports(OREGON, keyId, m2, ...existing(second));
    await imports(IRELAND, keyId, m2, ...existing(second));

    // A replica deleting its copy: only that replica lacks it, and rotation waits again.
    await aws(OREGON, 'delete-imported-key-material', '--key-id', keyId, '--key-material-id', second);
    assert.deepEqual((await materials(OREGON, keyId))[1], [second, 'PENDING_IMPORT', 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION']);
    assert.deepEqual((await materials(IRELAND, keyId))[1], [second, 'IMPORTED', 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION']);
    await awsFails('KMSInvalidStateException', TOKYO, 'rotate-key-on-demand', '--key-id', keyId);
    await imports(OREGON, keyId, m2, ...existing(second));

    const deleted = await aws(TOKYO, 'delete-imported-key-material', '--key-id', keyId, '--key-material-id', second);
    assert.equal(deleted.KeyMaterialId, second);
    for (const region of [TOKYO, OREGON, IRELAND]) {
      assert.deepEqual(await materials(region, keyId), [[first, 'IMPORTED', 'CURRENT']], region);
      assert.equal((await aws(region, 'describe-key', '--key-id', keyId)).KeyMetadata.KeyState, 'Enabled', region);
    }
    await awsFails('IncorrectKeyMaterialException', OREGON, ...(await importArgs(OREGON, keyId, m2, '--import-type', 'EXISTING_KEY_MATERIAL')));
    assert.match(await awsFails('KMSInvalidStateException', TOKYO, 'rotate-key-on-demand', '--key-id', keyId), /No available key material pending rotation/);

    // Other material may take its place, and the replicas follow it.
    const m3 = await newMaterial();
    const third = (await imports(TOKYO, keyId, m3, '--import-type', 'NEW_KEY_MATERIAL')).KeyMaterialId;
    await awsFails('IncorrectKeyMaterialException', OREGON, ...(await importArgs(OREGON, keyId, m2, '--import-type', 'EXISTING_KEY_MATERIAL')));
    await imports(OREGON, keyId, m3, ...existing(third));
    await imports(IRELAND, keyId, m3, ...existing(third));
    await aws(TOKYO, 'rotate-key-on-demand', '--key-id', keyId);
    for (const region of [TOKYO, OREGON, IRELAND]) assert.equal(await current(region, keyId), third, region);
  });

  it('a replica created while new material is pending lists it for import and holds rotation back until it has it', async () => {
    const { keyId, first, material: m1 } = await keyWithReplicas(OREGON);
    const m2 = await newMaterial();
    const second = (await imports(TOKYO, keyId, m2, '--import-type', 'NEW_KEY_MATERIAL')).KeyMaterialId;
    await imports(OREGON, keyId, m2, ...existing(second));
    assert.deepEqual((await materials(TOKYO, keyId))[1], [second, 'IMPORTED', 'PENDING_ROTATION']);

    await aws(TOKYO, 'replicate-key', '--key-id', keyId, '--replica-region', IRELAND);
    assert.deepEqual(await materials(IRELAND, keyId), [[first, 'PENDING_IMPORT', 'CURRENT'], [second, 'PENDING_IMPORT', 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION']]);
    assert.deepEqual((await materials(TOKYO, keyId))[1], [second, 'IMPORTED', 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION']);
    await awsFails('KMSInvalidStateException', TOKYO, 'rotate-key-on-demand', '--key-id', keyId);
    await imports(IRELAND, keyId, m1);
    await imports(IRELAND, keyId, m2, ...existing(second));
    await aws(TOKYO, 'rotate-key-on-demand', '--key-id', keyId);
    assert.equal(await current(IRELAND, keyId), second);
    assert.equal((await aws(IRELAND, 'describe-key', '--key-id', keyId)).KeyMetadata.KeyState, 'Enabled');
  });
});
