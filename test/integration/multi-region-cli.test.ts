/**
 * The disaster-recovery workflow with multi-Region keys, through the AWS CLI:
 * a primary in ap-northeast-1, a replica in us-west-2, ciphertext made in
 * Tokyo (with an encryption context) decrypted in Oregon from a file; then
 * the primary rotates and ciphertext of both versions decrypts in both.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, runAws } from '../helpers/aws-cli.js';
import { startTestServer, tempDir, TEST_ACCESS_KEY_ID, TEST_SECRET, type TestServer } from '../helpers/trent.js';

const PRIMARY = 'ap-northeast-1';
const REPLICA = 'us-west-2';

describe('multi-Region keys through the AWS CLI', () => {
  let server: TestServer;
  let work: string;
  let env: NodeJS.ProcessEnv;

  /** `aws kms <args> --region <region>`, parsed; fails the test on a non-zero exit. */
  async function kms(region: string, ...args: string[]): Promise<any> {
    const r = await runAws(['kms', ...args, '--region', region, '--endpoint-url', server.url, '--output', 'json'], env);
    assert.equal(r.code, 0, `aws kms ${args.join(' ')} exited ${r.code}\nstderr: ${r.stderr}`);
    return r.stdout.trim() === '' ? {} : JSON.parse(r.stdout);
  }
  function file(name: string, content: Buffer): string {
    const path = join(work, name);
    writeFileSync(path, content);
    return path;
  }

  before(async () => {
    work = tempDir('trent-mrk-cli-');
    env = {
      ...cleanEnv(),
      AWS_ACCESS_KEY_ID: TEST_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: TEST_SECRET,
      AWS_CONFIG_FILE: join(work, 'no-such-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-such-credentials'),
    };
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('create in ap-northeast-1, replicate to us-west-2, encrypt in Tokyo, decrypt the file in Oregon', async () => {
    const created = (await kms(PRIMARY, 'create-key', '--multi-region', '--description', 'dr')).KeyMetadata;
    assert.match(created.KeyId, /^mrk-/);
    const replicated = await kms(PRIMARY, 'replicate-key', '--key-id', created.KeyId, '--replica-region', REPLICA, '--description', 'dr replica');
    assert.equal(replicated.ReplicaKeyMetadata.Arn, `arn:aws:kms:${REPLICA}:111122223333:key/${created.KeyId}`);
    const described = (await kms(REPLICA, 'describe-key', '--key-id', created.KeyId)).KeyMetadata;
    assert.deepEqual(
      [described.KeyState, described.MultiRegionConfiguration.MultiRegionKeyType, described.MultiRegionConfiguration.PrimaryKey.Region],
      ['Enabled', 'REPLICA', PRIMARY],
    );

    const secret = Buffer.from('database password \u0000\u00ff', 'latin1');
    const enc = await kms(
      PRIMARY, 'encrypt', '--key-id', created.KeyId,
      '--plaintext', `fileb://${file('secret.bin', secret)}`,
      '--encryption-context', 'app=billing,env=prod',
    );
    assert.equal(enc.KeyId, created.Arn);
    const blob = file('secret.enc', Buffer.from(enc.CiphertextBlob, 'base64'));
    const dec = await kms(REPLICA, 'decrypt', '--ciphertext-blob', `fileb://${blob}`, '--encryption-context', 'app=billing,env=prod');
    assert.deepEqual(Buffer.from(dec.Plaintext, 'base64'), secret);
    assert.equal(dec.KeyId, replicated.ReplicaKeyMetadata.Arn);

    const wrongContext = await runAws(
      ['kms', 'decrypt', '--ciphertext-blob', `fileb://${blob}`, '--encryption-context', 'app=billing', '--region', REPLICA, '--endpoint-url', server.url],
      env,
    );
    assert.notEqual(wrongContext.code, 0);
    assert.match(wrongContext.stderr, /InvalidCiphertextException/);

    // Rotate the primary; the new version reaches the replica, and ciphertext of both versions decrypts in both regions.
    await kms(PRIMARY, 'rotate-key-on-demand', '--key-id', created.KeyId);
    const rotated = (await kms(PRIMARY, 'describe-key', '--key-id', created.KeyId)).KeyMetadata.CurrentKeyMaterialId;
    assert.notEqual(rotated, described.CurrentKeyMaterialId);
    assert.equal((await kms(REPLICA, 'describe-key', '--key-id', created.KeyId)).KeyMetadata.CurrentKeyMaterialId, rotated);
    const refused = await runAws(['kms', 'rotate-key-on-demand', '--key-id', created.KeyId, '--region', REPLICA, '--endpoint-url', server.url], env);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /UnsupportedOperationException.*is not a multi-region primary key/);
    const secret2 = Buffer.from('rotated secret');
    const enc2 = await kms(
      PRIMARY, 'encrypt', '--key-id', created.KeyId,
      '--plaintext', `fileb://${file('secret2.bin', secret2)}`,
      '--encryption-context', 'app=billing,env=prod',
    );
    const blob2 = file('secret2.enc', Buffer.from(enc2.CiphertextBlob, 'base64'));
    for (const region of [PRIMARY, REPLICA]) {
      for (const [path, expected] of [[blob, secret], [blob2, secret2]] as const) {
        const out = await kms(region, 'decrypt', '--ciphertext-blob', `fileb://${path}`, '--encryption-context', 'app=billing,env=prod');
        assert.deepEqual(Buffer.from(out.Plaintext, 'base64'), expected);
      }
    }
    const rotations = (await kms(REPLICA, 'list-key-rotations', '--key-id', created.KeyId)).Rotations;
    assert.deepEqual(rotations.map((r: any) => [r.KeyMaterialId, r.RotationType]), [[rotated, 'ON_DEMAND']]);

    await kms(PRIMARY, 'update-primary-region', '--key-id', created.KeyId, '--primary-region', REPLICA);
    const after = (await kms(PRIMARY, 'describe-key', '--key-id', created.KeyId)).KeyMetadata;
    assert.equal(after.MultiRegionConfiguration.MultiRegionKeyType, 'REPLICA');
    const again = await kms(PRIMARY, 'decrypt', '--ciphertext-blob', `fileb://${blob}`, '--encryption-context', 'app=billing,env=prod');
    assert.deepEqual(Buffer.from(again.Plaintext, 'base64'), secret);
  });
});
