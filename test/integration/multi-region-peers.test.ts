/**
 * Multi-Region replicas across two Trent deployments: two `bin/trent server`
 * processes with their own data directories and root keys, one serving the
 * primary's region, the other the replica's. The primary's deployment pins
 * the peer's replication public key and signs its requests with the
 * credentials of an IAM user in the peer.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, KMSClient, ReplicateKeyCommand, SignCommand, VerifyCommand } from '@aws-sdk/client-kms';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { spawnServer, TRENT_BIN, type ChildServer } from '../helpers/child-server.js';
import { awsError, rootEnv, tempDir, TEST_ACCESS_KEY_ID, TEST_SECRET } from '../helpers/trent.js';
import { peerLink } from '../../src/adapters/replication/peer-client.js';
import { envelopeAad, sealToPeer } from '../../src/crypto/replication-envelope.js';
import { ACCEPT_REPLICA } from '../../src/operations/multi-region/peers.js';
import { REPLICATION_KEY_SETTING } from '../../src/adapters/replication/replication-identity.js';
import { openSqliteStores } from '../../src/adapters/store/sqlite/open-sqlite.js';
import type { KmsError } from '../../src/domain/errors.js';

const run = promisify(execFile);
const TOKYO = 'ap-northeast-1';
const OREGON = 'us-west-2';

describe('multi-Region replicas in another Trent deployment', () => {
  const dirs = { a: tempDir('trent-peer-a-'), b: tempDir('trent-peer-b-') };
  let a: ChildServer;
  let b: ChildServer;
  let reader: { accessKeyId: string; secretAccessKey: string };
  let bPublicKey: Buffer;
  const clients: KMSClient[] = [];
  const kms = (url: string, region: string) => {
    const c = new KMSClient({ endpoint: url, region, credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }, maxAttempts: 1 });
    clients.push(c);
    return c;
  };

  before(async () => {
    b = await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dirs.b], rootEnv());
    const { stdout } = await run(process.execPath, [TRENT_BIN, 'admin', 'replication-public-key', '--data-dir', dirs.b], { env: { ...process.env, ...rootEnv() } });
    const publicKey = stdout.trim();
    bPublicKey = Buffer.from(publicKey, 'base64');
    // B's operator creates a principal for A, allowed to create keys (replicas) in B.
    const iam = new IAMClient({ endpoint: b.url, region: 'us-east-1', credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }, maxAttempts: 1 });
    await iam.send(new CreateUserCommand({ UserName: 'tokyo-replicator' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'tokyo-replicator',
      PolicyName: 'replicas',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:CreateKey', 'kms:TagResource'], Resource: '*' }] }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'tokyo-replicator' }))).AccessKey!;
    await iam.send(new CreateUserCommand({ UserName: 'reader' }));
    const readerKey = (await iam.send(new CreateAccessKeyCommand({ UserName: 'reader' }))).AccessKey!;
    reader = { accessKeyId: readerKey.AccessKeyId!, secretAccessKey: readerKey.SecretAccessKey! };
    iam.destroy();
    a = await spawnServer(['--listen', '127.0.0.1:0', '--data-dir', dirs.a, '--replication-peer', `${OREGON}=${b.url},${publicKey}`], {
      ...rootEnv(),
      TRENT_REPLICATION_ACCESS_KEY_ID: key.AccessKeyId!,
      TRENT_REPLICATION_SECRET_ACCESS_KEY: key.SecretAccessKey!,
    });
  });

  after(async () => {
    for (const c of clients) c.destroy();
    for (const s of [a, b]) {
      if (!s) continue;
      s.child.kill('SIGTERM');
      await s.exited;
    }
    rmSync(dirs.a, { recursive: true, force: true });
    rmSync(dirs.b, { recursive: true, force: true });
  });

  it('ReplicateKey from deployment A creates the replica in deployment B; ciphertext and signatures cross between them', async () => {
    const tokyo = kms(a.url, TOKYO);
    const oregon = kms(b.url, OREGON);
    const k = (await tokyo.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!;
    const out = await tokyo.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: OREGON, Description: 'in B', Tags: [{ TagKey: 'site', TagValue: 'b' }] }));
    const replicaArn = `arn:aws:kms:${OREGON}:111122223333:key/${k.KeyId}`;
    assert.equal(out.ReplicaKeyMetadata!.Arn, replicaArn);
    assert.deepEqual(out.ReplicaTags, [{ TagKey: 'site', TagValue: 'b' }]);

    const inB = (await oregon.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!;
    assert.deepEqual([inB.KeyState, inB.Description, inB.CurrentKeyMaterialId], ['Enabled', 'in B', k.CurrentKeyMaterialId]);
    const config = { PrimaryKey: { Arn: k.Arn, Region: TOKYO }, ReplicaKeys: [{ Arn: replicaArn, Region: OREGON }] };
    assert.deepEqual(inB.MultiRegionConfiguration, { MultiRegionKeyType: 'REPLICA', ...config });
    assert.deepEqual((await tokyo.send(new DescribeKeyCommand({ KeyId: k.KeyId }))).KeyMetadata!.MultiRegionConfiguration, { MultiRegionKeyType: 'PRIMARY', ...config });

    const context = { app: 'ledger' };
    const ct = await tokyo.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('across deployments'), EncryptionContext: context }));
    const pt = await oregon.send(new DecryptCommand({ CiphertextBlob: ct.CiphertextBlob, EncryptionContext: context }));
    assert.equal(Buffer.from(pt.Plaintext!).toString(), 'across deployments');
    const back = await oregon.send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('and back') }));
    assert.equal(Buffer.from((await tokyo.send(new DecryptCommand({ CiphertextBlob: back.CiphertextBlob }))).Plaintext!).toString(), 'and back');

    const e = await awsError(() => tokyo.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: OREGON })));
    assert.equal(e.name, 'AlreadyExistsException');

    const signing = (await tokyo.send(new CreateKeyCommand({ MultiRegion: true, KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
    await tokyo.send(new ReplicateKeyCommand({ KeyId: signing.KeyId, ReplicaRegion: OREGON }));
    const sig = await tokyo.send(new SignCommand({ KeyId: signing.KeyId, Message: Buffer.from('m'), SigningAlgorithm: 'ECDSA_SHA_256' }));
    const verified = await oregon.send(new VerifyCommand({ KeyId: signing.KeyId, Message: Buffer.from('m'), Signature: sig.Signature, SigningAlgorithm: 'ECDSA_SHA_256' }));
    assert.equal(verified.SignatureValid, true);
  });

  it('each deployment keeps material wrapped under its own root key; the replication private key is never on disk in plaintext', async () => {
    const stores = openSqliteStores(join(dirs.b, 'trent.db'));
    try {
      const file = JSON.parse((await stores.settings.get(REPLICATION_KEY_SETTING))!.toString('utf8'));
      assert.equal(file.format, 'trent-replication-key/1');
      assert.equal(Object.keys(file).sort().join(), 'format,publicKey,wrappedPrivateKey');
      assert.deepEqual(Buffer.from(file.publicKey, 'base64'), bPublicKey);
    } finally {
      await stores.close();
    }
    assert.notEqual(readFileSync(join(dirs.a, 'root.key')).toString('hex'), readFileSync(join(dirs.b, 'root.key')).toString('hex'));
  });

  it('the receiving deployment refuses material sealed for another region, and principals without kms:CreateKey there', async () => {
    const keyId = `mrk-${'ab'.repeat(16)}`;
    const body = (sealedFor: string) => ({
      Key: { keyId, keySpec: 'SYMMETRIC_DEFAULT', keyUsage: 'ENCRYPT_DECRYPT', origin: 'AWS_KMS', primaryRegion: TOKYO, currentMaterialVersion: 1, currentMaterialId: 'c'.repeat(64) },
      ReplicaRegion: OREGON,
      KnownRegions: [TOKYO],
      Materials: [{ version: 1, materialId: 'c'.repeat(64), createdAt: 1, envelope: sealToPeer(bPublicKey, Buffer.alloc(32, 7), envelopeAad('111122223333', keyId, 1, sealedFor)) }],
    });
    const asRoot = peerLink({ region: OREGON, endpoint: b.url, publicKeyDer: bPublicKey, accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET });
    await assert.rejects(asRoot.call(ACCEPT_REPLICA, body('eu-west-1')), (e: KmsError) => e.code === 'ValidationException' && /could not be opened/.test(e.message));
    const asReader = peerLink({ region: OREGON, endpoint: b.url, publicKeyDer: bPublicKey, ...reader });
    await assert.rejects(asReader.call(ACCEPT_REPLICA, body(OREGON)), (e: KmsError) => e.code === 'AccessDeniedException' && /kms:CreateKey/.test(e.message));
    const oregon = kms(b.url, OREGON);
    assert.equal((await awsError(() => oregon.send(new DescribeKeyCommand({ KeyId: keyId })))).name, 'NotFoundException');
    const made = await asRoot.call(ACCEPT_REPLICA, body(OREGON));
    assert.equal(made.ReplicaKeyMetadata.Arn, `arn:aws:kms:${OREGON}:111122223333:key/${keyId}`);
    assert.equal((await oregon.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.MultiRegionConfiguration!.MultiRegionKeyType, 'REPLICA');
  });
});
