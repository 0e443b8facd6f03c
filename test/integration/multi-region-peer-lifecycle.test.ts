/**
 * Multi-Region keys across two Trent deployments beyond replication:
 * rotation settings reaching the peer's replica, UpdatePrimaryRegion to the
 * peer's region, and a primary's PendingReplicaDeletion waiting for the
 * replica in the peer. Deployment A (ap-northeast-1, the primaries) is a
 * `bin/trent server` process; deployment B (us-west-2) runs in this process
 * so that its clock and scheduler can be driven. B starts without a link
 * back to A, then is restarted with one (`replicationPeers` for A's region,
 * signed as a principal A's operator created for B).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  UpdatePrimaryRegionCommand,
} from '@aws-sdk/client-kms';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { spawnServer, TRENT_BIN, type ChildServer } from '../helpers/child-server.js';
import { awsError, rootEnv, startTestServer, tempDir, TEST_ACCESS_KEY_ID, TEST_SECRET, type TestServer } from '../helpers/trent.js';
import { ManualClock } from '../../src/ports/clock.js';

const run = promisify(execFile);
const TOKYO = 'ap-northeast-1';
const OREGON = 'us-west-2';
const DAY = 86_400_000;

async function publicKeyOf(dataDir: string): Promise<string> {
  const { stdout } = await run(process.execPath, [TRENT_BIN, 'admin', 'replication-public-key', '--data-dir', dataDir], { env: { ...process.env, ...rootEnv() } });
  return stdout.trim();
}

/** An IAM user in the deployment at `url` with `actions` on every key, and its access key. */
async function peerPrincipal(url: string, name: string, actions: string[]): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const iam = new IAMClient({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }, maxAttempts: 1 });
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(new PutUserPolicyCommand({
    UserName: name,
    PolicyName: 'peer',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] }),
  }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
  iam.destroy();
  return { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
}

describe('multi-Region keys across Trent deployments: settings, primary moves, deletion', () => {
  const dirA = tempDir('trent-peer-life-a-');
  const dirB = tempDir('trent-peer-life-b-');
  const clockB = new ManualClock(Date.now());
  let a: ChildServer;
  let b: TestServer;
  let bPort: number;
  const clients: KMSClient[] = [];
  const tokyo = () => {
    const c = new KMSClient({ endpoint: a.url, region: TOKYO, credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const oregon = () => b.kms({ region: OREGON });

  let aArgs: string[];
  let aEnv: NodeJS.ProcessEnv;

  before(async () => {
    b = await startTestServer({ dataDir: dirB, clock: clockB });
    bPort = Number(new URL(b.url).port);
    const tokyoReplicator = await peerPrincipal(b.url, 'tokyo-replicator', ['kms:CreateKey', 'kms:UpdatePrimaryRegion']);
    // One worker: what A's responses show is what A's store holds (no other worker's cache to wait for).
    aArgs = ['--workers', '1', '--data-dir', dirA, '--replication-peer', `${OREGON}=${b.url},${await publicKeyOf(dirB)}`];
    aEnv = { ...rootEnv(), TRENT_REPLICATION_ACCESS_KEY_ID: tokyoReplicator.accessKeyId, TRENT_REPLICATION_SECRET_ACCESS_KEY: tokyoReplicator.secretAccessKey };
    a = await spawnServer(['--listen', '127.0.0.1:0', ...aArgs], aEnv);
  });

  after(async () => {
    for (const c of clients) c.destroy();
    await b?.close();
    if (a) {
      a.child.kill('SIGTERM');
      await a.exited;
    }
    rmSync(dirA, { recursive: true, force: true });
    rmSync(dirB, { recursive: true, force: true });
  });

  /** Restarts B on its port with a link back to A's region. */
  async function linkBToA(): Promise<void> {
    const oregonReplicator = await peerPrincipal(a.url, 'oregon-replicator', ['kms:CreateKey', 'kms:UpdatePrimaryRegion']);
    const publicKeyDer = Buffer.from(await publicKeyOf(dirA), 'base64');
    await b.close();
    b = await startTestServer({
      dataDir: dirB,
      clock: clockB,
      port: bPort,
      replicationPeers: [{ region: TOKYO, endpoint: a.url, publicKeyDer, ...oregonReplicator }],
    });
  }

  async function replicated(): Promise<string> {
    const keyId = (await tokyo().send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
    await tokyo().send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: OREGON }));
    return keyId;
  }

  it("the peer's replica reports the primary's rotation settings as soon as they change", async () => {
    const keyId = await replicated();
    assert.equal((await oregon().send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled, false);
    await tokyo().send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
    const primary = await tokyo().send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    const replica = await oregon().send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    assert.deepEqual(
      [replica.KeyRotationEnabled, replica.RotationPeriodInDays, replica.NextRotationDate?.getTime()],
      [true, 90, primary.NextRotationDate!.getTime()],
    );
    await tokyo().send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 365 }));
    assert.equal((await oregon().send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).RotationPeriodInDays, 365);
    await tokyo().send(new DisableKeyRotationCommand({ KeyId: keyId }));
    assert.equal((await oregon().send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled, false);
  });

  it('UpdatePrimaryRegion to the peer is refused while the peer has no link back to the primary region', async () => {
    const keyId = await replicated();
    const e = await awsError(() => tokyo().send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: OREGON })));
    assert.equal(e.name, 'UnsupportedOperationException');
    assert.match(e.message, new RegExp(`no replication peer for ${TOKYO}`));
    const described = (await tokyo().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.MultiRegionConfiguration!;
    assert.equal(described.MultiRegionKeyType, 'PRIMARY');
    assert.equal((await oregon().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.MultiRegionConfiguration!.MultiRegionKeyType, 'REPLICA');
  });

  it('UpdatePrimaryRegion moves the primary role, rotation settings and schedule to the peer; its rotations reach A', async () => {
    await linkBToA();
    const keyId = await replicated();
    await tokyo().send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 100 }));
    const next = (await tokyo().send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).NextRotationDate!.getTime();
    const before = await tokyo().send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('before') }));

    await tokyo().send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: OREGON }));
    for (const c of [tokyo(), oregon()]) {
      const m = (await c.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.MultiRegionConfiguration!;
      assert.deepEqual([m.PrimaryKey!.Region, m.ReplicaKeys!.map((r) => r.Region)], [OREGON, [TOKYO]]);
    }
    assert.equal((await oregon().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.MultiRegionConfiguration!.MultiRegionKeyType, 'PRIMARY');
    assert.equal((await tokyo().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.MultiRegionConfiguration!.MultiRegionKeyType, 'REPLICA');
    const status = await oregon().send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    assert.deepEqual([status.KeyRotationEnabled, status.RotationPeriodInDays, status.NextRotationDate?.getTime()], [true, 100, next]);

    assert.equal((await awsError(() => tokyo().send(new RotateKeyOnDemandCommand({ KeyId: keyId })))).name, 'UnsupportedOperationException');
    await oregon().send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const current = (await oregon().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.CurrentKeyMaterialId;
    assert.equal((await tokyo().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.CurrentKeyMaterialId, current, "B's rotation reached A");
    const after = await oregon().send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('after') }));
    assert.equal(Buffer.from((await tokyo().send(new DecryptCommand({ CiphertextBlob: after.CiphertextBlob }))).Plaintext!).toString(), 'after');
    assert.equal(Buffer.from((await oregon().send(new DecryptCommand({ CiphertextBlob: before.CiphertextBlob }))).Plaintext!).toString(), 'before');
    await oregon().send(new DisableKeyRotationCommand({ KeyId: keyId }));
    assert.equal((await tokyo().send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled, false, "B's settings reach A");

    // And back: A (now the replica's deployment) takes the role again through its link to B.
    await oregon().send(new UpdatePrimaryRegionCommand({ KeyId: keyId, PrimaryRegion: TOKYO }));
    assert.equal((await tokyo().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.MultiRegionConfiguration!.MultiRegionKeyType, 'PRIMARY');
    assert.equal((await oregon().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.MultiRegionConfiguration!.MultiRegionKeyType, 'REPLICA');
  });

  it("a primary waits in PendingReplicaDeletion for its replica in the peer; the replica's deletion there starts its window", async () => {
    const keyId = await replicated();
    const scheduled = await tokyo().send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    assert.equal(scheduled.KeyState, 'PendingReplicaDeletion');
    await oregon().send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    assert.equal((await b.trent.runScheduler())['key-deletion'], 0, 'not yet due');
    assert.equal((await tokyo().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'PendingReplicaDeletion');

    clockB.advance(8 * DAY);
    const startedAt = Date.now();
    assert.equal((await b.trent.runScheduler())['key-deletion'], 1);
    assert.equal((await awsError(() => oregon().send(new DescribeKeyCommand({ KeyId: keyId })))).name, 'NotFoundException');
    const m = (await tokyo().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
    assert.equal(m.KeyState, 'PendingDeletion');
    assert.deepEqual(m.MultiRegionConfiguration!.ReplicaKeys, []);
    const deletion = m.DeletionDate!.getTime();
    assert.ok(deletion >= startedAt + 7 * DAY - 2000 && deletion <= Date.now() + 7 * DAY + 2000, 'the 7-day window starts when the last replica is gone');
    assert.equal((await b.trent.runScheduler())['replication-catch-up'], 0, 'the notice was delivered at once');
  });

  it("A down when the peer's replica is deleted: B's catch-up delivers the notice once A is back", async () => {
    const keyId = await replicated();
    await tokyo().send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    await oregon().send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
    const aListen = new URL(a.url).host;
    a.child.kill('SIGTERM');
    await a.exited;
    clockB.advance(8 * DAY);
    const run1 = await b.trent.runScheduler();
    assert.deepEqual([run1['key-deletion'], run1['replication-catch-up']], [1, 0], 'deleted in B; A unreachable');

    a = await spawnServer(['--listen', aListen, ...aArgs], aEnv);
    assert.equal((await tokyo().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'PendingReplicaDeletion', 'A waits until told');
    assert.equal((await b.trent.runScheduler())['replication-catch-up'], 1);
    assert.equal((await tokyo().send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState, 'PendingDeletion');
    assert.equal((await b.trent.runScheduler())['replication-catch-up'], 0, 'delivered once');
  });
});
