/**
 * Rotation of a multi-Region primary reaching its replica in another Trent
 * deployment: deployment B is a `bin/trent server` process (stopped and
 * restarted on the same port), deployment A runs in this process so its
 * scheduler can be run on demand. A rotation in A is pushed to B at once
 * (TrentAcceptMaterial); a rotation while B is down stays pending in A's
 * store and reaches B when A's scheduler runs after B is back.
 */
import { eventuallyEqual } from '../helpers/eventually.js';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  ListKeyRotationsCommand,
  ReplicateKeyCommand,
  RotateKeyOnDemandCommand,
  EnableKeyRotationCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
} from '@aws-sdk/client-kms';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { spawnServer, TRENT_BIN, type ChildServer } from '../helpers/child-server.js';
import { rootEnv, startTestServer, tempDir, TEST_ACCESS_KEY_ID, TEST_SECRET, type TestServer } from '../helpers/trent.js';
import { peerLink } from '../../src/adapters/replication/peer-client.js';
import { ACCEPT_MATERIAL } from '../../src/operations/multi-region/peers.js';
import type { KmsError } from '../../src/domain/errors.js';

const run = promisify(execFile);
const TOKYO = 'ap-northeast-1';
const OREGON = 'us-west-2';

describe('multi-Region rotation across Trent deployments', () => {
  const dirB = tempDir('trent-peer-rot-b-');
  let a: TestServer;
  let b: ChildServer;
  let bPort: string;
  let bPublicKey: Buffer;
  let replicator: { accessKeyId: string; secretAccessKey: string };
  const clients: KMSClient[] = [];
  const oregon = () => {
    const c = new KMSClient({ endpoint: `http://127.0.0.1:${bPort}`, region: OREGON, credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }, maxAttempts: 1 });
    clients.push(c);
    return c;
  };
  const startB = (listen: string) => spawnServer(['--listen', listen, '--data-dir', dirB], rootEnv());

  before(async () => {
    b = await startB('127.0.0.1:0');
    bPort = new URL(b.url).port;
    const { stdout } = await run(process.execPath, [TRENT_BIN, 'admin', 'replication-public-key', '--data-dir', dirB], { env: { ...process.env, ...rootEnv() } });
    bPublicKey = Buffer.from(stdout.trim(), 'base64');
    const iam = new IAMClient({ endpoint: b.url, region: 'us-east-1', credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }, maxAttempts: 1 });
    await iam.send(new CreateUserCommand({ UserName: 'tokyo-replicator' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'tokyo-replicator',
      PolicyName: 'replicas',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['kms:CreateKey'], Resource: '*' }] }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'tokyo-replicator' }))).AccessKey!;
    iam.destroy();
    replicator = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
    a = await startTestServer({
      replicationPeers: [{ region: OREGON, endpoint: b.url, publicKeyDer: bPublicKey, ...replicator }],
    });
  });

  after(async () => {
    for (const c of clients) c.destroy();
    await a?.close();
    if (b) {
      b.child.kill('SIGTERM');
      await b.exited;
    }
    rmSync(dirB, { recursive: true, force: true });
  });

  async function decrypts(client: KMSClient, blob: Uint8Array, expected: string): Promise<void> {
    assert.equal(Buffer.from((await client.send(new DecryptCommand({ CiphertextBlob: blob }))).Plaintext!).toString(), expected);
  }

  it('a rotation in A reaches B at once; B decrypts the new ciphertext and reports the primary settings', async () => {
    const tokyo = a.kms({ region: TOKYO });
    const keyId = (await tokyo.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
    await tokyo.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: OREGON }));
    const old = await tokyo.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('v1') }));
    await tokyo.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 200 }));
    await tokyo.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const current = (await tokyo.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.CurrentKeyMaterialId;
    const fresh = await tokyo.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('v2') }));

    const b1 = oregon();
    // B's other worker may hold the record it read before the catch-up until the change feed reaches it.
    await eventuallyEqual(async () => (await b1.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.CurrentKeyMaterialId, current);
    await decrypts(b1, fresh.CiphertextBlob!, 'v2');
    await decrypts(b1, old.CiphertextBlob!, 'v1');
    const fromB = await b1.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('from b') }));
    await decrypts(tokyo, fromB.CiphertextBlob!, 'from b');
    const listed = (await b1.send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations!;
    assert.deepEqual(listed.map((r) => [r.KeyMaterialId, r.RotationType]), [[current, 'ON_DEMAND']]);
    const s = await b1.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
    assert.deepEqual([s.KeyRotationEnabled, s.RotationPeriodInDays], [true, 200]);
    assert.deepEqual(await a.trent.runScheduler().then((r) => r['replication-catch-up']), 0, 'nothing pending');
  });

  it('B down during a rotation: the rotation succeeds in A, and B is caught up by A\'s scheduler once back', async () => {
    const tokyo = a.kms({ region: TOKYO });
    const keyId = (await tokyo.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
    await tokyo.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: OREGON }));
    b.child.kill('SIGTERM');
    await b.exited;

    await tokyo.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    await tokyo.send(new RotateKeyOnDemandCommand({ KeyId: keyId }));
    const current = (await tokyo.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.CurrentKeyMaterialId;
    const fresh = await tokyo.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from('while b was down') }));
    assert.equal((await a.trent.runScheduler())['replication-catch-up'], 0, 'B still down: nothing delivered');

    b = await startB(`127.0.0.1:${bPort}`);
    const b1 = oregon();
    await assert.rejects(b1.send(new DecryptCommand({ CiphertextBlob: fresh.CiphertextBlob })), 'B lacks the new versions before catch-up');
    assert.ok(((await a.trent.runScheduler())['replication-catch-up'] as number) >= 1);
    // B's other worker may hold the record it read before the catch-up until the change feed reaches it.
    await eventuallyEqual(async () => (await b1.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.CurrentKeyMaterialId, current);
    await decrypts(b1, fresh.CiphertextBlob!, 'while b was down');
    assert.equal((await b1.send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations!.length, 2);
    assert.equal((await a.trent.runScheduler())['replication-catch-up'], 0, 'delivered once');
  });

  it('B refuses material pushes from principals without kms:CreateKey, for keys it lacks, and material sealed for another region', async () => {
    const tokyo = a.kms({ region: TOKYO });
    const keyId = (await tokyo.send(new CreateKeyCommand({ MultiRegion: true }))).KeyMetadata!.KeyId!;
    await tokyo.send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: OREGON }));
    const body = { KeyId: keyId, PrimaryRegion: TOKYO, CurrentMaterialVersion: 2, CurrentMaterialId: 'f'.repeat(64), Materials: [{ version: 2, materialId: 'f'.repeat(64), createdAt: 1, envelope: 'AAAA' }] };
    const link = (creds: { accessKeyId: string; secretAccessKey: string }) => peerLink({ region: OREGON, endpoint: `http://127.0.0.1:${bPort}`, publicKeyDer: bPublicKey, ...creds });
    const iam = new IAMClient({ endpoint: `http://127.0.0.1:${bPort}`, region: 'us-east-1', credentials: { accessKeyId: TEST_ACCESS_KEY_ID, secretAccessKey: TEST_SECRET }, maxAttempts: 1 });
    await iam.send(new CreateUserCommand({ UserName: 'nobody' }));
    const nobody = (await iam.send(new CreateAccessKeyCommand({ UserName: 'nobody' }))).AccessKey!;
    iam.destroy();
    await assert.rejects(link({ accessKeyId: nobody.AccessKeyId!, secretAccessKey: nobody.SecretAccessKey! }).call(ACCEPT_MATERIAL, body), (e: KmsError) => e.code === 'AccessDeniedException');
    await assert.rejects(link(replicator).call(ACCEPT_MATERIAL, { ...body, KeyId: `mrk-${'cd'.repeat(16)}` }), (e: KmsError) => e.code === 'NotFoundException');
    await assert.rejects(link(replicator).call(ACCEPT_MATERIAL, body), (e: KmsError) => e.code === 'ValidationException' && /could not be opened/.test(e.message));
    await assert.rejects(link(replicator).call(ACCEPT_MATERIAL, { ...body, PrimaryRegion: 'eu-west-1' }), (e: KmsError) => e.code === 'ValidationException');
    assert.equal((await oregon().send(new ListKeyRotationsCommand({ KeyId: keyId }))).Rotations!.length, 0, 'nothing stored');
  });

  it('keys with imported material and a replica in B take no new material, and do not rotate to material pending before B had a replica', async () => {
    const tokyo = a.kms({ region: TOKYO });
    const importNew = async (keyId: string, material: Buffer, importType?: 'NEW_KEY_MATERIAL') => {
      const p = await tokyo.send(new GetParametersForImportCommand({ KeyId: keyId, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }));
      const wrapped = publicEncrypt({ key: createPublicKey({ key: Buffer.from(p.PublicKey!), format: 'der', type: 'spki' }), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, material);
      return tokyo.send(new ImportKeyMaterialCommand({
        KeyId: keyId, ImportToken: p.ImportToken, EncryptedKeyMaterial: wrapped, ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE', ...(importType ? { ImportType: importType } : {}),
      }));
    };
    const replicated = (await tokyo.send(new CreateKeyCommand({ MultiRegion: true, Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    await importNew(replicated, randomBytes(32));
    await tokyo.send(new ReplicateKeyCommand({ KeyId: replicated, ReplicaRegion: OREGON }));
    await assert.rejects(importNew(replicated, randomBytes(32), 'NEW_KEY_MATERIAL'), (e: Error) => e.name === 'UnsupportedOperationException' && /replica keys in other Trent deployments \(us-west-2\)/.test(e.message));

    const pendingFirst = (await tokyo.send(new CreateKeyCommand({ MultiRegion: true, Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    await importNew(pendingFirst, randomBytes(32));
    const pending = (await importNew(pendingFirst, randomBytes(32), 'NEW_KEY_MATERIAL')).KeyMaterialId;
    await tokyo.send(new ReplicateKeyCommand({ KeyId: pendingFirst, ReplicaRegion: OREGON }));
    const listed = (await tokyo.send(new ListKeyRotationsCommand({ KeyId: pendingFirst, IncludeKeyMaterial: 'ALL_KEY_MATERIAL' }))).Rotations!;
    assert.deepEqual(listed.map((r) => [r.KeyMaterialId, r.KeyMaterialState]).at(-1), [pending, 'PENDING_MULTI_REGION_IMPORT_AND_ROTATION']);
    await assert.rejects(tokyo.send(new RotateKeyOnDemandCommand({ KeyId: pendingFirst })), (e: Error) => e.name === 'KMSInvalidStateException' && /missing in us-west-2\)/.test(e.message));
  });
});
