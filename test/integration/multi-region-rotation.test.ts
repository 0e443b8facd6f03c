/**
 * Rotation of multi-Region keys in one deployment, with @aws-sdk/client-kms:
 * replicas refuse to change rotation and report the primary's settings; an
 * on-demand or automatic rotation of the primary reaches every replica at
 * once (current material follows), and ciphertext of every version decrypts
 * in every region; UpdatePrimaryRegion hands the settings to the new primary.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  ListKeyRotationsCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
  UpdatePrimaryRegionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { awsError, startTestServer, TEST_ACCOUNT, type TestServer } from '../helpers/trent.js';

const DAY = 86_400_000;
const TOKYO = 'ap-northeast-1';
const OREGON = 'us-west-2';
const DUBLIN = 'eu-west-1';

describe('multi-Region keys: rotation', () => {
  let server: TestServer;
  let kms: Record<string, KMSClient>;
  before(async () => {
    server = await startTestServer();
    kms = { [TOKYO]: server.kms({ region: TOKYO }), [OREGON]: server.kms({ region: OREGON }), [DUBLIN]: server.kms({ region: DUBLIN }) };
  });
  after(async () => server.close());

  async function mrk(): Promise<string> {
    const keyId = (await kms[TOKYO].send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
    await kms[TOKYO].send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: OREGON }));
    await kms[TOKYO].send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: DUBLIN }));
    return keyId;
  }
  const arn = (region: string, keyId: string) => `arn:aws:kms:${region}:${TEST_ACCOUNT}:key/${keyId}`;
  const current = async (region: string, keyId: string) => (await kms[region].send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.CurrentKeyMaterialId;
  async function status(region: string, keyId: string) {
    const { $metadata, ...out } = await kms[region].send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    return out;
  }
  async function decryptsEverywhere(blob: Uint8Array, plaintext: string): Promise<void> {
    for (const region of [TOKYO, OREGON, DUBLIN]) {
      const out = await kms[region].send(new DecryptCommand({ CiphertextBlob: blob }));
      assert.equal(Buffer.from(out.Plaintext!).toString(), plaintext, `decrypts in ${region}`);
    }
  }

  it('replicas refuse EnableKeyRotation, DisableKeyRotation and RotateKeyOnDemand, and report the primary settings', async () => {
    const keyId = await mrk();
    for (const send of [
      () => kms[OREGON].send(new EnableKeyRotationCommand({ KeyId: keyId })),
      () => kms[OREGON].send(new DisableKeyRotationCommand({ KeyId: keyId })),
      () => kms[OREGON].send(new RotateKeyOnDemandCommand({ KeyId: keyId })),
    ]) {
      const e = await awsError(send);
      assert.deepEqual([e.name, e.message], ['UnsupportedOperationException', `${arn(OREGON, keyId)} is not a multi-region primary key.`]);
    }
    assert.deepEqual(await status(OREGON, keyId), { KeyId: arn(OREGON, keyId), KeyRotationEnabled: false });

    const enabledAt = server.clock.now();
    await kms[TOKYO].send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 180 }));
    for (const region of [TOKYO, OREGON, DUBLIN]) {
      const s = await status(region, keyId);
      assert.deepEqual([s.KeyId, s.KeyRotationEnabled, s.RotationPeriodInDays, s.NextRotationDate!.getTime()], [arn(region, keyId), true, 180, enabledAt + 180 * DAY]);
    }
    await kms[TOKYO].send(new DisableKeyRotationCommand({ KeyId: keyId }));
    assert.equal((await status(DUBLIN, keyId)).KeyRotationEnabled, false);
  });

  it('RotateKeyOnDemand on the primary adds the version to every replica; old and new ciphertext decrypt in every region', async () => {
    const keyId = await mrk();
    const first = await current(TOKYO, keyId);
    const before = await kms[TOKYO].send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('before') }));
    await kms[TOKYO].send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const second = await current(TOKYO, keyId);
    assert.notEqual(second, first);
    assert.equal(await current(OREGON, keyId), second);
    assert.equal(await current(DUBLIN, keyId), second);
    const listed = (await kms[OREGON].send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations!;
    assert.deepEqual(listed.map((r) => [r.KeyMaterialId, r.RotationType, r.KeyMaterialState]), [[second, 'ON_DEMAND', 'CURRENT']]);

    const fromTokyo = await kms[TOKYO].send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('after') }));
    const fromOregon = await kms[OREGON].send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('oregon after') }));
    await decryptsEverywhere(before.CiphertextBlob!, 'before');
    await decryptsEverywhere(fromTokyo.CiphertextBlob!, 'after');
    await decryptsEverywhere(fromOregon.CiphertextBlob!, 'oregon after');
  });

  it('automatic rotation of the primary (scheduler, time moved) reaches the replicas', async () => {
    const keyId = await mrk();
    await kms[TOKYO].send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    const before = await kms[DUBLIN].send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('dublin before') }));
    server.clock.advance(90 * DAY + 1000);
    const report = await server.trent.runScheduler();
    assert.ok((report['key-rotation'] as number) >= 1, 'the primary rotated');
    const rotated = await current(TOKYO, keyId);
    for (const region of [OREGON, DUBLIN]) {
      assert.equal(await current(region, keyId), rotated);
      const listed = (await kms[region].send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations!;
      assert.deepEqual(listed.map((r) => [r.KeyMaterialId, r.RotationType]), [[rotated, 'AUTOMATIC']]);
    }
    const s = await status(OREGON, keyId);
    assert.equal(s.NextRotationDate!.getTime(), server.clock.now() + 90 * DAY);
    const after = await kms[OREGON].send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('oregon after') }));
    await decryptsEverywhere(before.CiphertextBlob!, 'dublin before');
    await decryptsEverywhere(after.CiphertextBlob!, 'oregon after');
  });

  it('UpdatePrimaryRegion moves the rotation settings with the primary role', async () => {
    const keyId = await mrk();
    const enabledAt = server.clock.now();
    await kms[TOKYO].send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 365 }));
    await kms[TOKYO].send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: OREGON }));
    for (const region of [TOKYO, OREGON, DUBLIN]) {
      const s = await status(region, keyId);
      assert.deepEqual([s.KeyRotationEnabled, s.RotationPeriodInDays, s.NextRotationDate!.getTime()], [true, 365, enabledAt + 365 * DAY]);
    }
    const e = await awsError(() => kms[TOKYO].send(new RotateKeyOnDemandCommand({ KeyId: keyId })));
    assert.equal(e.name, 'UnsupportedOperationException');
    await kms[OREGON].send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const rotated = await current(OREGON, keyId);
    assert.equal(await current(TOKYO, keyId), rotated);
    assert.equal(await current(DUBLIN, keyId), rotated);
    // The schedule is the new primary's: it rotates when due; the old primary (now a replica) does not rotate on its own.
    server.clock.set(enabledAt + 365 * DAY + 1000);
    await server.trent.runScheduler();
    const auto = (await kms[OREGON].send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations!;
    assert.deepEqual(auto.map((r) => r.RotationType), ['ON_DEMAND', 'AUTOMATIC']);
    const inTokyo = (await kms[TOKYO].send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations!;
    assert.deepEqual(inTokyo.map((r) => r.KeyMaterialId), auto.map((r) => r.KeyMaterialId));
  });
});
