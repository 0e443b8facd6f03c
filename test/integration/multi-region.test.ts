/**
 * Multi-Region keys in one deployment: CreateKey MultiRegion, ReplicateKey,
 * UpdatePrimaryRegion, ciphertext, signatures and MACs that work in every
 * region of the key, per-region state, and the deletion rules of primaries
 * with replicas.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import {
  CancelKeyDeletionCommand,
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeriveSharedSecretCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateMacCommand,
  GetKeyPolicyCommand,
  KMSClient,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  ReEncryptCommand,
  ReplicateKeyCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  UpdatePrimaryRegionCommand,
  VerifyCommand,
  VerifyMacCommand,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { awsError, startTestServer, type TestServer } from '../helpers/trent.js';
import { createUser } from '../helpers/identities.js';

const A = 'ap-northeast-1';
const B = 'us-west-2';
const C = 'eu-west-1';
const DAY = 86_400_000;

describe('multi-Region keys', () => {
  let server: TestServer;
  const kms: Record<string, KMSClient> = {};
  before(async () => {
    server = await startTestServer();
    for (const r of [A, B, C, 'us-east-1']) kms[r] = server.kms({ region: r });
  });
  after(async () => server.close());

  async function primary(params: Record<string, unknown> = {}): Promise<KeyMetadata> {
    return (await kms[A].send(new CreateKeyCommand({ MultiRegion: true, ...params }))).KeyMetadata!;
  }
  async function replicate(keyId: string, region = B, params: Record<string, unknown> = {}) {
    return kms[A].send(new ReplicateKeyCommand({ KeyId: keyId, ReplicaRegion: region, ...params }));
  }
  async function describe(region: string, keyId: string): Promise<KeyMetadata> {
    return (await kms[region].send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!;
  }
  const arn = (region: string, keyId: string) => `arn:aws:kms:${region}:111122223333:key/${keyId}`;

  it('CreateKey MultiRegion: an mrk- key id and a PRIMARY configuration without replicas', async () => {
    const k = await primary({ Description: 'mrk' });
    assert.match(k.KeyId!, /^mrk-[0-9a-f]{32}$/);
    assert.equal(k.MultiRegion, true);
    assert.deepEqual(k.MultiRegionConfiguration, { MultiRegionKeyType: 'PRIMARY', PrimaryKey: { Arn: k.Arn, Region: A }, ReplicaKeys: [] });
    assert.deepEqual((await describe(A, k.KeyId!)).MultiRegionConfiguration, k.MultiRegionConfiguration);
    const single = (await kms[A].send(new CreateKeyCommand({}))).KeyMetadata!;
    assert.equal(single.MultiRegion, false);
    assert.equal(single.MultiRegionConfiguration, undefined);
  });

  it('ReplicateKey: the replica shares id and material, has its own policy, description, tags and aliases; every region reports the same configuration', async () => {
    const k = await primary({ Description: 'primary', Tags: [{ TagKey: 'side', TagValue: 'a' }] });
    const out = await replicate(k.KeyId!, B, { Description: 'replica', Tags: [{ TagKey: 'side', TagValue: 'b' }] });
    const m = out.ReplicaKeyMetadata!;
    assert.equal(m.KeyId, k.KeyId);
    assert.equal(m.Arn, arn(B, k.KeyId!));
    assert.deepEqual([m.KeyState, m.Enabled, m.Description, m.MultiRegion], ['Creating', false, 'replica', true]);
    assert.equal(m.CurrentKeyMaterialId, undefined, 'AWS omits the material id while the replica is Creating');
    const config = { MultiRegionKeyType: 'REPLICA', PrimaryKey: { Arn: k.Arn, Region: A }, ReplicaKeys: [{ Arn: m.Arn, Region: B }] };
    assert.deepEqual(m.MultiRegionConfiguration, config);
    assert.deepEqual(out.ReplicaTags, [{ TagKey: 'side', TagValue: 'b' }]);
    assert.equal(JSON.parse(out.ReplicaPolicy!).Id, 'key-default-1');

    const inB = await describe(B, k.KeyId!);
    assert.deepEqual([inB.KeyState, inB.Enabled, inB.CurrentKeyMaterialId, inB.KeySpec], ['Enabled', true, k.CurrentKeyMaterialId, k.KeySpec]);
    assert.deepEqual(inB.MultiRegionConfiguration, config);
    assert.deepEqual((await describe(A, k.KeyId!)).MultiRegionConfiguration, { ...config, MultiRegionKeyType: 'PRIMARY' });
    assert.equal((await describe(A, k.KeyId!)).Description, 'primary');
    assert.deepEqual((await kms[A].send(new ListResourceTagsCommand({ KeyId: k.KeyId }))).Tags, [{ TagKey: 'side', TagValue: 'a' }]);
    assert.deepEqual((await kms[B].send(new ListResourceTagsCommand({ KeyId: k.KeyId }))).Tags, [{ TagKey: 'side', TagValue: 'b' }]);
    assert.ok((await kms[B].send(new ListKeysCommand({}))).Keys!.some((x) => x.KeyArn === m.Arn));

    await kms[B].send(new CreateAliasCommand({ AliasName: 'alias/in-b', TargetKeyId: k.KeyId }));
    const aliasesA = (await kms[A].send(new ListAliasesCommand({ KeyId: k.KeyId }))).Aliases!;
    assert.deepEqual(aliasesA, []);
    const ct = await kms[B].send(new EncryptCommand({ KeyId: 'alias/in-b', Plaintext: Buffer.from('via alias') }));
    assert.equal(Buffer.from((await kms[A].send(new DecryptCommand({ CiphertextBlob: ct.CiphertextBlob }))).Plaintext!).toString(), 'via alias');

    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 'kms:*', Resource: '*' }] });
    const third = await replicate(k.KeyId!, C, { Policy: policy });
    assert.equal(third.ReplicaPolicy, policy);
    assert.equal((await kms[C].send(new GetKeyPolicyCommand({ KeyId: k.KeyId, PolicyName: 'default' }))).Policy, policy);
    const all = [{ Arn: arn(C, k.KeyId!), Region: C }, { Arn: arn(B, k.KeyId!), Region: B }].sort((x, y) => x.Region.localeCompare(y.Region));
    for (const r of [A, B, C]) assert.deepEqual((await describe(r, k.KeyId!)).MultiRegionConfiguration!.ReplicaKeys, all);
  });

  it('symmetric ciphertext made in any region decrypts in every other, with its encryption context; each region has its own state', async () => {
    const k = await primary();
    await replicate(k.KeyId!, B);
    const context = { purpose: 'dr-test' };
    const fromA = await kms[A].send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('made in A'), EncryptionContext: context }));
    const dec = await kms[B].send(new DecryptCommand({ CiphertextBlob: fromA.CiphertextBlob, EncryptionContext: context }));
    assert.equal(Buffer.from(dec.Plaintext!).toString(), 'made in A');
    assert.equal(dec.KeyId, arn(B, k.KeyId!), 'Decrypt names the key of the region it ran in');
    assert.equal((await awsError(() => kms[B].send(new DecryptCommand({ CiphertextBlob: fromA.CiphertextBlob })))).name, 'InvalidCiphertextException');
    const named = await kms[B].send(new DecryptCommand({ CiphertextBlob: fromA.CiphertextBlob, EncryptionContext: context, KeyId: arn(B, k.KeyId!) }));
    assert.equal(Buffer.from(named.Plaintext!).toString(), 'made in A');

    const dk = await kms[B].send(new GenerateDataKeyCommand({ KeyId: k.KeyId, KeySpec: 'AES_256' }));
    const back = await kms[A].send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
    assert.deepEqual(Buffer.from(back.Plaintext!), Buffer.from(dk.Plaintext!));
    const re = await kms[B].send(new ReEncryptCommand({ CiphertextBlob: dk.CiphertextBlob, DestinationKeyId: k.KeyId }));
    assert.deepEqual(Buffer.from((await kms[A].send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob }))).Plaintext!), Buffer.from(dk.Plaintext!));

    await kms[B].send(new DisableKeyCommand({ KeyId: k.KeyId }));
    assert.equal((await describe(A, k.KeyId!)).KeyState, 'Enabled');
    const e = await awsError(() => kms[B].send(new DecryptCommand({ CiphertextBlob: fromA.CiphertextBlob, EncryptionContext: context })));
    assert.deepEqual([e.name, e.message], ['DisabledException', `${arn(B, k.KeyId!)} is disabled.`]);
    assert.ok((await kms[A].send(new DecryptCommand({ CiphertextBlob: fromA.CiphertextBlob, EncryptionContext: context }))).Plaintext);
    await kms[B].send(new EnableKeyCommand({ KeyId: k.KeyId }));

    const single = (await kms[A].send(new CreateKeyCommand({}))).KeyMetadata!;
    const ct = await kms[A].send(new EncryptCommand({ KeyId: single.KeyId, Plaintext: Buffer.from('x') }));
    assert.equal((await awsError(() => kms[B].send(new DecryptCommand({ CiphertextBlob: ct.CiphertextBlob })))).name, 'AccessDeniedException');
  });

  it('asymmetric and HMAC keys: Sign in one region, Verify in another; RSA encrypt in one, decrypt in another; GenerateMac and VerifyMac likewise', async () => {
    const message = Buffer.from('signed in Tokyo');
    for (const [spec, algorithm] of [['ECC_NIST_P256', 'ECDSA_SHA_256'], ['RSA_2048', 'RSASSA_PSS_SHA_256']] as const) {
      const k = await primary({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' });
      await replicate(k.KeyId!, B);
      const sig = await kms[A].send(new SignCommand({ KeyId: k.KeyId, Message: message, SigningAlgorithm: algorithm }));
      const ok = await kms[B].send(new VerifyCommand({ KeyId: k.KeyId, Message: message, Signature: sig.Signature, SigningAlgorithm: algorithm }));
      assert.equal(ok.SignatureValid, true, spec);
      const sigB = await kms[B].send(new SignCommand({ KeyId: k.KeyId, Message: message, SigningAlgorithm: algorithm }));
      assert.equal((await kms[A].send(new VerifyCommand({ KeyId: k.KeyId, Message: message, Signature: sigB.Signature, SigningAlgorithm: algorithm }))).SignatureValid, true);
    }
    const rsa = await primary({ KeySpec: 'RSA_3072', KeyUsage: 'ENCRYPT_DECRYPT' });
    await replicate(rsa.KeyId!, B);
    const ct = await kms[A].send(new EncryptCommand({ KeyId: rsa.KeyId, Plaintext: Buffer.from('oaep'), EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
    const pt = await kms[B].send(new DecryptCommand({ KeyId: rsa.KeyId, CiphertextBlob: ct.CiphertextBlob, EncryptionAlgorithm: 'RSAES_OAEP_SHA_256' }));
    assert.equal(Buffer.from(pt.Plaintext!).toString(), 'oaep');

    const hmac = await primary({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    await replicate(hmac.KeyId!, B);
    const mac = await kms[A].send(new GenerateMacCommand({ KeyId: hmac.KeyId, Message: message, MacAlgorithm: 'HMAC_SHA_256' }));
    const verified = await kms[B].send(new VerifyMacCommand({ KeyId: hmac.KeyId, Message: message, Mac: mac.Mac, MacAlgorithm: 'HMAC_SHA_256' }));
    assert.equal(verified.MacValid, true);
  });

  it('Ed25519, ML-DSA and ECDH key agreement keys are multi-Region too: signatures verify and shared secrets agree across regions', async () => {
    for (const [spec, algorithm, type] of [['ECC_NIST_EDWARDS25519', 'ED25519_SHA_512', 'RAW'], ['ML_DSA_44', 'ML_DSA_SHAKE_256', 'RAW']] as const) {
      const k = await primary({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY' });
      await replicate(k.KeyId!, B);
      const sig = await kms[A].send(new SignCommand({ KeyId: k.KeyId, Message: Buffer.from('m'), MessageType: type, SigningAlgorithm: algorithm }));
      const ok = await kms[B].send(new VerifyCommand({ KeyId: k.KeyId, Message: Buffer.from('m'), MessageType: type, Signature: sig.Signature, SigningAlgorithm: algorithm }));
      assert.equal(ok.SignatureValid, true, spec);
    }
    const ecdh = await primary({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'KEY_AGREEMENT' });
    await replicate(ecdh.KeyId!, B);
    const peer = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
    const secrets = await Promise.all([A, B].map((r) => kms[r].send(new DeriveSharedSecretCommand({ KeyId: ecdh.KeyId, KeyAgreementAlgorithm: 'ECDH', PublicKey: peer }))));
    assert.deepEqual(Buffer.from(secrets[0].SharedSecret!), Buffer.from(secrets[1].SharedSecret!));
  });

  it('ReplicateKey errors: replica, single-Region key, existing replica, same region, other partition, primary disabled or pending deletion', async () => {
    const k = await primary();
    await replicate(k.KeyId!, B);
    let e = await awsError(() => kms[B].send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: C })));
    assert.deepEqual([e.name, e.message], ['UnsupportedOperationException', `${arn(B, k.KeyId!)} is not a multi-region primary key.`]);
    const single = (await kms[A].send(new CreateKeyCommand({}))).KeyMetadata!;
    e = await awsError(() => replicate(single.KeyId!, B));
    assert.deepEqual([e.name, e.message], ['UnsupportedOperationException', `${single.Arn} is not a multi-region primary key.`]);
    e = await awsError(() => replicate(k.KeyId!, B));
    assert.equal(e.name, 'AlreadyExistsException');
    e = await awsError(() => replicate(k.KeyId!, A));
    assert.equal(e.name, 'ValidationException');
    e = await awsError(() => replicate(k.KeyId!, 'cn-north-1'));
    assert.equal(e.name, 'ValidationException');
    e = await awsError(() => replicate(k.KeyId!, 'not a region'));
    assert.equal(e.name, 'ValidationException');
    e = await awsError(() => replicate(`mrk-${'0'.repeat(32)}`, B));
    assert.equal(e.name, 'NotFoundException');

    const disabled = await primary();
    await kms[A].send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    e = await awsError(() => replicate(disabled.KeyId!, B));
    assert.deepEqual([e.name, e.message], ['DisabledException', `${disabled.Arn} is disabled.`]);
    const doomed = await primary();
    await kms[A].send(new ScheduleKeyDeletionCommand({ KeyId: doomed.KeyId, PendingWindowInDays: 7 }));
    e = await awsError(() => replicate(doomed.KeyId!, B));
    assert.deepEqual([e.name, e.message], ['KMSInvalidStateException', `${doomed.Arn} is pending deletion.`]);
    assert.equal(await server.trent.deps.store.getKey('111122223333', B, doomed.KeyId!), undefined);
  });

  it('UpdatePrimaryRegion swaps the roles in every region; errors for a replica, a missing replica, a disabled key', async () => {
    const k = await primary();
    await replicate(k.KeyId!, B);
    await replicate(k.KeyId!, C);
    await kms[A].send(new UpdatePrimaryRegionCommand({ KeyId: k.KeyId, PrimaryRegion: B }));
    for (const r of [A, B, C]) {
      const c = (await describe(r, k.KeyId!)).MultiRegionConfiguration!;
      assert.equal(c.MultiRegionKeyType, r === B ? 'PRIMARY' : 'REPLICA');
      assert.deepEqual(c.PrimaryKey, { Arn: arn(B, k.KeyId!), Region: B });
      assert.deepEqual(c.ReplicaKeys!.map((x) => x.Region), [A, C].sort());
      assert.equal((await describe(r, k.KeyId!)).KeyState, 'Enabled');
    }
    let e = await awsError(() => kms[A].send(new UpdatePrimaryRegionCommand({ KeyId: k.KeyId, PrimaryRegion: C })));
    assert.deepEqual([e.name, e.message], ['UnsupportedOperationException', `${arn(A, k.KeyId!)} is not a multi-region primary key.`]);
    e = await awsError(() => replicate(k.KeyId!, 'us-east-1'));
    assert.equal(e.name, 'UnsupportedOperationException', 'the old primary can no longer be replicated');
    await kms[B].send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'us-east-1' }));
    assert.equal((await describe('us-east-1', k.KeyId!)).MultiRegionConfiguration!.PrimaryKey!.Region, B);

    e = await awsError(() => kms[B].send(new UpdatePrimaryRegionCommand({ KeyId: k.KeyId, PrimaryRegion: 'sa-east-1' })));
    assert.deepEqual([e.name, e.message], ['NotFoundException', `Key '${arn('sa-east-1', k.KeyId!)}' does not exist`]);
    await kms[C].send(new DisableKeyCommand({ KeyId: k.KeyId }));
    e = await awsError(() => kms[B].send(new UpdatePrimaryRegionCommand({ KeyId: k.KeyId, PrimaryRegion: C })));
    assert.deepEqual([e.name, e.message], ['DisabledException', `${arn(C, k.KeyId!)} is disabled.`]);
    const single = (await kms[A].send(new CreateKeyCommand({}))).KeyMetadata!;
    e = await awsError(() => kms[A].send(new UpdatePrimaryRegionCommand({ KeyId: single.KeyId, PrimaryRegion: B })));
    assert.equal(e.name, 'UnsupportedOperationException');
  });

  it('deleting a primary with replicas waits in PendingReplicaDeletion; its window starts when the last replica is deleted', async () => {
    const k = await primary();
    await replicate(k.KeyId!, B);
    await replicate(k.KeyId!, C);
    const scheduled = await kms[A].send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 10 }));
    assert.deepEqual([scheduled.KeyState, scheduled.PendingWindowInDays, scheduled.DeletionDate], ['PendingReplicaDeletion', 10, undefined]);
    let md = await describe(A, k.KeyId!);
    assert.deepEqual([md.KeyState, md.PendingDeletionWindowInDays, md.DeletionDate, md.Enabled], ['PendingReplicaDeletion', 10, undefined, false]);
    let e = await awsError(() => kms[A].send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('x') })));
    assert.deepEqual([e.name, e.message], ['KMSInvalidStateException', `${k.Arn} is pending replica deletion.`]);
    e = await awsError(() => kms[A].send(new EnableKeyCommand({ KeyId: k.KeyId })));
    assert.equal(e.name, 'KMSInvalidStateException');
    e = await awsError(() => replicate(k.KeyId!, 'us-east-1'));
    assert.deepEqual([e.name, e.message], ['KMSInvalidStateException', `${k.Arn} is pending replica deletion.`]);
    assert.ok((await kms[B].send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('replicas still work') }))).CiphertextBlob);

    await kms[B].send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    const replicaC = await kms[C].send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 8 }));
    assert.equal(replicaC.KeyState, 'PendingDeletion');
    server.clock.advance(7 * DAY + 1000);
    await server.trent.sweep();
    assert.equal((await awsError(() => describe(B, k.KeyId!))).name, 'NotFoundException');
    md = await describe(A, k.KeyId!);
    assert.equal(md.KeyState, 'PendingReplicaDeletion', 'one replica is left');
    assert.deepEqual(md.MultiRegionConfiguration!.ReplicaKeys!.map((x) => x.Region), [C]);

    server.clock.advance(1 * DAY);
    const sweptAt = server.clock.now();
    await server.trent.sweep();
    md = await describe(A, k.KeyId!);
    assert.equal(md.KeyState, 'PendingDeletion');
    assert.equal(md.DeletionDate!.getTime(), sweptAt + 10 * DAY);
    assert.deepEqual(md.MultiRegionConfiguration!.ReplicaKeys, []);
    server.clock.advance(10 * DAY + 1000);
    await server.trent.sweep();
    assert.equal((await awsError(() => describe(A, k.KeyId!))).name, 'NotFoundException');
  });

  it('CancelKeyDeletion of a primary waiting for its replicas leaves it Disabled; a replica deletion cancels alone', async () => {
    const k = await primary();
    await replicate(k.KeyId!, B);
    await kms[A].send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId }));
    await kms[B].send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId }));
    await kms[A].send(new CancelKeyDeletionCommand({ KeyId: k.KeyId }));
    assert.equal((await describe(A, k.KeyId!)).KeyState, 'Disabled');
    assert.equal((await describe(B, k.KeyId!)).KeyState, 'PendingDeletion');
    await kms[B].send(new CancelKeyDeletionCommand({ KeyId: k.KeyId }));
    assert.equal((await describe(B, k.KeyId!)).KeyState, 'Disabled');
    const e = await awsError(() => kms[B].send(new CancelKeyDeletionCommand({ KeyId: k.KeyId })));
    assert.equal(e.name, 'KMSInvalidStateException');
  });

  it('a replica deleted and replicated again shares the material: old ciphertext decrypts in the new replica', async () => {
    const k = await primary();
    await replicate(k.KeyId!, B);
    const ct = await kms[B].send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('before') }));
    await kms[B].send(new ScheduleKeyDeletionCommand({ KeyId: k.KeyId, PendingWindowInDays: 7 }));
    assert.equal((await awsError(() => replicate(k.KeyId!, B))).name, 'AlreadyExistsException');
    server.clock.advance(8 * DAY);
    await server.trent.sweep();
    assert.equal((await describe(A, k.KeyId!)).KeyState, 'Enabled');
    await replicate(k.KeyId!, B);
    assert.equal(Buffer.from((await kms[B].send(new DecryptCommand({ CiphertextBlob: ct.CiphertextBlob }))).Plaintext!).toString(), 'before');
  });

  it('authorization: kms:ReplicateKey on the primary, kms:CreateKey (and kms:TagResource for tags) in the replica region', async () => {
    const k = await primary();
    const user = await createUser(server, 'replicator', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['kms:ReplicateKey', 'kms:CreateKey', 'kms:DescribeKey'], Resource: '*' },
        { Effect: 'Deny', Action: 'kms:CreateKey', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': C } } },
      ],
    });
    const asUser = user.kms(A);
    const made = await asUser.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: B }));
    assert.equal(made.ReplicaKeyMetadata!.Arn, arn(B, k.KeyId!));
    let e = await awsError(() => asUser.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: C })));
    assert.equal(e.name, 'AccessDeniedException');
    assert.match(e.message, /kms:CreateKey/);
    e = await awsError(() => asUser.send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'us-east-1', Tags: [{ TagKey: 't', TagValue: 'v' }] })));
    assert.equal(e.name, 'AccessDeniedException');
    assert.match(e.message, /kms:TagResource/);
    assert.equal(await server.trent.deps.store.getKey('111122223333', 'us-east-1', k.KeyId!), undefined);
    const outsider = await createUser(server, 'outsider', { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:CreateKey', Resource: '*' }] });
    e = await awsError(() => outsider.kms(A).send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: C })));
    assert.equal(e.name, 'AccessDeniedException');
    assert.match(e.message, /kms:ReplicateKey/);
  });

  it('condition keys kms:ReplicaRegion, kms:PrimaryRegion, kms:MultiRegion and kms:MultiRegionKeyType', async () => {
    const k = await primary();
    await replicate(k.KeyId!, C);
    const user = await createUser(server, 'conditional', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'kms:CreateKey', Resource: '*' },
        { Effect: 'Allow', Action: 'kms:ReplicateKey', Resource: '*', Condition: { StringEquals: { 'kms:ReplicaRegion': B } } },
        { Effect: 'Allow', Action: 'kms:UpdatePrimaryRegion', Resource: '*', Condition: { StringEquals: { 'kms:PrimaryRegion': C } } },
        {
          Effect: 'Allow',
          Action: 'kms:Encrypt',
          Resource: '*',
          Condition: { Bool: { 'kms:MultiRegion': 'true' }, StringEquals: { 'kms:MultiRegionKeyType': 'REPLICA' } },
        },
      ],
    });
    let e = await awsError(() => user.kms(A).send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: 'us-east-1' })));
    assert.equal(e.name, 'AccessDeniedException');
    await user.kms(A).send(new ReplicateKeyCommand({ KeyId: k.KeyId, ReplicaRegion: B }));

    assert.ok((await user.kms(B).send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('x') }))).CiphertextBlob);
    e = await awsError(() => user.kms(A).send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('x') })));
    assert.equal(e.name, 'AccessDeniedException', 'the primary is not a REPLICA');

    e = await awsError(() => user.kms(A).send(new UpdatePrimaryRegionCommand({ KeyId: k.KeyId, PrimaryRegion: B })));
    assert.equal(e.name, 'AccessDeniedException');
    await user.kms(A).send(new UpdatePrimaryRegionCommand({ KeyId: k.KeyId, PrimaryRegion: C }));
    assert.ok((await user.kms(A).send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('x') }))).CiphertextBlob, 'A is a replica now');
    e = await awsError(() => user.kms(C).send(new EncryptCommand({ KeyId: k.KeyId, Plaintext: Buffer.from('x') })));
    assert.equal(e.name, 'AccessDeniedException');
  });
});
