/**
 * Key rotation through the AWS CLI: enable-key-rotation with a period,
 * get-key-rotation-status, rotate-key-on-demand, list-key-rotations, and a
 * ciphertext from before the rotation decrypting after it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isolatedCliEnv, runAws } from '../helpers/aws-cli.js';
import { startTestServer, tempDir, TEST_ACCESS_KEY_ID, TEST_REGION, TEST_SECRET, type TestServer } from '../helpers/trent.js';

const DAY = 86_400_000;

describe('key rotation with the AWS CLI', () => {
  let server: TestServer;
  let work: string;
  let env: NodeJS.ProcessEnv;

  async function kms(...args: string[]): Promise<any> {
    const r = await runAws(['kms', ...args, '--endpoint-url', server.url, '--output', 'json'], env);
    assert.equal(r.code, 0, `aws kms ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout);
  }

  before(async () => {
    server = await startTestServer({ sweepIntervalMs: 3_600_000 });
    work = tempDir('trent-rotation-cli-');
    env = isolatedCliEnv(work, TEST_REGION, { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET });
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('enable-key-rotation, get-key-rotation-status, rotate-key-on-demand, list-key-rotations', async () => {
    const key = (await kms('create-key', '--description', 'rotated by the CLI')).KeyMetadata;
    const plain = join(work, 'plain.txt');
    writeFileSync(plain, 'rotate me');
    const before = await kms('encrypt', '--key-id', key.KeyId, '--plaintext', `fileb://${plain}`);
    const cipher = join(work, 'cipher.bin');
    writeFileSync(cipher, Buffer.from(before.CiphertextBlob, 'base64'));

    assert.deepEqual(await kms('enable-key-rotation', '--key-id', key.KeyId, '--rotation-period-in-days', '180'), {});
    const s = await kms('get-key-rotation-status', '--key-id', key.KeyId);
    assert.equal(s.KeyId, key.Arn);
    assert.equal(s.KeyRotationEnabled, true);
    assert.equal(s.RotationPeriodInDays, 180);
    assert.ok(Math.abs(s.NextRotationDate * 1000 - (server.clock.now() + 180 * DAY)) < 2000);

    const rotated = await kms('rotate-key-on-demand', '--key-id', key.KeyId);
    assert.equal(rotated.KeyId, key.Arn);
    const listed = await kms('list-key-rotations', '--key-id', key.KeyId);
    assert.equal(listed.Rotations.length, 1);
    assert.equal(listed.Rotations[0].RotationType, 'ON_DEMAND');
    assert.equal(listed.Rotations[0].KeyMaterialState, 'CURRENT');
    const described = (await kms('describe-key', '--key-id', key.KeyId)).KeyMetadata;
    assert.equal(listed.Rotations[0].KeyMaterialId, described.CurrentKeyMaterialId);
    assert.notEqual(described.CurrentKeyMaterialId, key.CurrentKeyMaterialId);

    // Automatic rotation when the date comes.
    server.clock.advance(181 * DAY);
    await server.trent.runScheduler();
    const all = await kms('list-key-rotations', '--key-id', key.KeyId, '--include-key-material', 'ALL_KEY_MATERIAL');
    assert.deepEqual(all.Rotations.map((r: any) => [r.RotationType, r.KeyMaterialState]), [
      [undefined, 'NON_CURRENT'],
      ['ON_DEMAND', 'NON_CURRENT'],
      ['AUTOMATIC', 'CURRENT'],
    ]);

    const dec = await kms('decrypt', '--ciphertext-blob', `fileb://${cipher}`);
    assert.equal(Buffer.from(dec.Plaintext, 'base64').toString(), 'rotate me');
    assert.equal(dec.KeyId, key.Arn);

    assert.deepEqual(await kms('disable-key-rotation', '--key-id', key.KeyId), {});
    assert.equal((await kms('get-key-rotation-status', '--key-id', key.KeyId)).KeyRotationEnabled, false);

    const bad = await runAws(['kms', 'enable-key-rotation', '--key-id', key.KeyId, '--rotation-period-in-days', '30', '--endpoint-url', server.url], env);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /ValidationException|Invalid value for parameter|valid range/);
  });
});
