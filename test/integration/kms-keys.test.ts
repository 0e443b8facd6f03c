/** Key lifecycle operations through @aws-sdk/client-kms against a real server. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CancelKeyDeletionCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  EncryptCommand,
  ListKeysCommand,
  ScheduleKeyDeletionCommand,
  UpdateKeyDescriptionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { TEST_ACCOUNT, TEST_REGION, awsError, startTestServer, type TestServer } from '../helpers/trent.js';

describe('key lifecycle', () => {
  let server: TestServer;
  let kms: KMSClient;
  before(async () => {
    server = await startTestServer();
    kms = server.kms();
  });
  after(() => server.close());

  const newKey = async (description?: string) =>
    (await kms.send(new CreateKeyCommand({ Description: description }))).KeyMetadata!;

  it('CreateKey returns complete KeyMetadata for a symmetric key', async () => {
    const md = await newKey('first key');
    assert.match(md.KeyId!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(md.Arn, `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/${md.KeyId}`);
    assert.equal(md.AWSAccountId, TEST_ACCOUNT);
    assert.equal(md.Description, 'first key');
    assert.equal(md.Enabled, true);
    assert.equal(md.KeyState, 'Enabled');
    assert.equal(md.KeyUsage, 'ENCRYPT_DECRYPT');
    assert.equal(md.KeySpec, 'SYMMETRIC_DEFAULT');
    assert.equal(md.CustomerMasterKeySpec, 'SYMMETRIC_DEFAULT');
    assert.equal(md.Origin, 'AWS_KMS');
    assert.equal(md.KeyManager, 'CUSTOMER');
    assert.deepEqual(md.EncryptionAlgorithms, ['SYMMETRIC_DEFAULT']);
    assert.equal(md.MultiRegion, false);
    assert.match(md.CurrentKeyMaterialId!, /^[0-9a-f]{64}$/);
    assert.ok(md.CreationDate instanceof Date);
    assert.ok(Math.abs(md.CreationDate.getTime() - server.clock.now()) < 1000);
    assert.equal(md.DeletionDate, undefined);
  });

  it('CreateKey without a description stores an empty one', async () => {
    assert.equal((await newKey()).Description, '');
  });

  it('CreateKey makes RSA and HMAC keys, and refuses SM2 and options that are not supported yet', async () => {
    const rsa = (await kms.send(new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!;
    assert.deepEqual([rsa.KeySpec, rsa.KeyUsage, rsa.KeyState], ['RSA_2048', 'SIGN_VERIFY', 'Enabled']);
    const hmac = (await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }))).KeyMetadata!;
    assert.deepEqual([hmac.KeySpec, hmac.KeyUsage, hmac.MacAlgorithms], ['HMAC_256', 'GENERATE_VERIFY_MAC', ['HMAC_SHA_256']]);
    const sm2 = await awsError(() => kms.send(new CreateKeyCommand({ KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY' })));
    assert.equal(sm2.name, 'UnsupportedOperationException');
    assert.equal((await awsError(() => kms.send(new CreateKeyCommand({ Origin: 'AWS_CLOUDHSM' })))).name, 'UnsupportedOperationException');
    const mlDsaImport = await awsError(() => kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL', KeySpec: 'ML_DSA_44', KeyUsage: 'SIGN_VERIFY' })));
    assert.deepEqual([mlDsaImport.name, mlDsaImport.message], ['UnsupportedOperationException', 'KeySpec ML_DSA_44 is not supported for Origin EXTERNAL.']);
  });

  it('CreateKey validates KeyUsage against KeySpec and enums against the model', async () => {
    const e = await awsError(() => kms.send(new CreateKeyCommand({ KeyUsage: 'SIGN_VERIFY' })));
    assert.equal(e.name, 'ValidationException');
    assert.equal(e.message, 'KeyUsage SIGN_VERIFY is not compatible with KeySpec SYMMETRIC_DEFAULT');
    const bad = await awsError(() => kms.send(new CreateKeyCommand({ KeyUsage: 'RANDOM' as never })));
    assert.equal(bad.name, 'ValidationException');
    assert.match(bad.message, /^1 validation error detected: Value 'RANDOM' at 'keyUsage' failed to satisfy constraint: Member must satisfy enum value set: \[/);
    const both = await awsError(() => kms.send(new CreateKeyCommand({ KeySpec: 'SYMMETRIC_DEFAULT', CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT' })));
    assert.equal(both.name, 'ValidationException');
  });

  it('DescribeKey answers by key id and by key ARN', async () => {
    const md = await newKey();
    const byId = await kms.send(new DescribeKeyCommand({ KeyId: md.KeyId }));
    const byArn = await kms.send(new DescribeKeyCommand({ KeyId: md.Arn }));
    assert.deepEqual(byId.KeyMetadata, md);
    assert.deepEqual(byArn.KeyMetadata, md);
  });

  it('DescribeKey errors follow AWS: invalid id, missing key, other region ARN', async () => {
    let e = await awsError(() => kms.send(new DescribeKeyCommand({ KeyId: 'fake-key-id' })));
    assert.deepEqual([e.name, e.message], ['NotFoundException', "Invalid keyId 'fake-key-id'"]);
    e = await awsError(() => kms.send(new DescribeKeyCommand({ KeyId: '134f2428cec14b25a1ae9048164dba47' })));
    assert.deepEqual([e.name, e.message], ['NotFoundException', "Invalid keyId '134f2428cec14b25a1ae9048164dba47'"]);
    const missing = '11111111-2222-4333-8444-555555555555';
    e = await awsError(() => kms.send(new DescribeKeyCommand({ KeyId: missing })));
    assert.deepEqual([e.name, e.message], ['NotFoundException', `Key 'arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/${missing}' does not exist`]);
    e = await awsError(() => kms.send(new DescribeKeyCommand({ KeyId: `mrk-${'0'.repeat(32)}` })));
    assert.deepEqual([e.name, e.message], ['NotFoundException', `Key 'arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/mrk-${'0'.repeat(32)}' does not exist`]);
    const md = await newKey();
    e = await awsError(() => kms.send(new DescribeKeyCommand({ KeyId: md.Arn!.replace(TEST_REGION, 'eu-west-1') })));
    assert.deepEqual([e.name, e.message], ['NotFoundException', 'Invalid arn eu-west-1']);
    e = await awsError(() => server.kms({ region: 'eu-west-1' }).send(new DescribeKeyCommand({ KeyId: md.KeyId })));
    assert.deepEqual([e.name, e.message], ['NotFoundException', `Key 'arn:aws:kms:eu-west-1:${TEST_ACCOUNT}:key/${md.KeyId}' does not exist`]);
  });

  it('ListKeys pages with Limit, Marker and Truncated', async () => {
    const fresh = await startTestServer();
    try {
      const client = fresh.kms();
      const created = new Set<string>();
      for (let i = 0; i < 7; i++) created.add((await client.send(new CreateKeyCommand({}))).KeyMetadata!.KeyId!);
      const seen: string[] = [];
      let marker: string | undefined;
      let pages = 0;
      do {
        const page = await client.send(new ListKeysCommand({ Limit: 3, Marker: marker }));
        pages++;
        for (const k of page.Keys!) {
          assert.equal(k.KeyArn, `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/${k.KeyId}`);
          seen.push(k.KeyId!);
        }
        assert.equal(page.Truncated, page.NextMarker !== undefined);
        marker = page.NextMarker;
      } while (marker);
      assert.equal(pages, 3);
      assert.deepEqual(new Set(seen), created);
      assert.equal(seen.length, 7);
      const all = await client.send(new ListKeysCommand({}));
      assert.equal(all.Keys!.length, 7);
      assert.equal(all.Truncated, false);
      const e = await awsError(() => client.send(new ListKeysCommand({ Limit: 1001 })));
      assert.equal(e.name, 'ValidationException');
    } finally {
      await fresh.close();
    }
  });

  it('UpdateKeyDescription changes the description', async () => {
    const md = await newKey('before');
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: md.KeyId, Description: 'after' }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: md.KeyId }))).KeyMetadata!.Description, 'after');
  });

  it('DisableKey and EnableKey switch state; a disabled key refuses Encrypt with DisabledException', async () => {
    const md = await newKey();
    await kms.send(new DisableKeyCommand({ KeyId: md.KeyId }));
    await kms.send(new DisableKeyCommand({ KeyId: md.KeyId }));
    const d = (await kms.send(new DescribeKeyCommand({ KeyId: md.KeyId }))).KeyMetadata!;
    assert.equal(d.KeyState, 'Disabled');
    assert.equal(d.Enabled, false);
    const e = await awsError(() => kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('x') })));
    assert.deepEqual([e.name, e.message, e.status], ['DisabledException', `${md.Arn} is disabled.`, 400]);
    await kms.send(new EnableKeyCommand({ KeyId: md.KeyId }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: md.KeyId }))).KeyMetadata!.KeyState, 'Enabled');
    await kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('x') }));
  });

  it('management operations take a key id or ARN, not an alias', async () => {
    const e = await awsError(() => kms.send(new EnableKeyCommand({ KeyId: 'alias/anything' })));
    assert.deepEqual([e.name, e.message], ['NotFoundException', "Invalid keyId 'alias/anything'"]);
  });

  it('ScheduleKeyDeletion: default 30 days, range 7-30, state PendingDeletion', async () => {
    const md = await newKey();
    const now = server.clock.now();
    const r = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: md.KeyId }));
    assert.equal(r.KeyId, md.Arn);
    assert.equal(r.KeyState, 'PendingDeletion');
    assert.equal(r.PendingWindowInDays, 30);
    assert.equal(r.DeletionDate!.getTime(), now + 30 * 86_400_000);
    const d = (await kms.send(new DescribeKeyCommand({ KeyId: md.KeyId }))).KeyMetadata!;
    assert.equal(d.KeyState, 'PendingDeletion');
    assert.equal(d.Enabled, false);
    assert.equal(d.PendingDeletionWindowInDays, 30);
    assert.equal(d.DeletionDate!.getTime(), now + 30 * 86_400_000);

    for (const days of [6, 31]) {
      const other = await newKey();
      const e = await awsError(() => kms.send(new ScheduleKeyDeletionCommand({ KeyId: other.KeyId, PendingWindowInDays: days })));
      assert.deepEqual([e.name, e.message], ['ValidationException', `PendingWindowInDays should be between 7 and 30, but it is ${days}`]);
    }
    const seven = await newKey();
    assert.equal((await kms.send(new ScheduleKeyDeletionCommand({ KeyId: seven.KeyId, PendingWindowInDays: 7 }))).PendingWindowInDays, 7);
  });

  it('a key pending deletion refuses use and management with KMSInvalidStateException', async () => {
    const md = await newKey();
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: md.KeyId, PendingWindowInDays: 7 }));
    const pending = `${md.Arn} is pending deletion.`;
    for (const call of [
      () => kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('x') })),
      () => kms.send(new EnableKeyCommand({ KeyId: md.KeyId })),
      () => kms.send(new DisableKeyCommand({ KeyId: md.KeyId })),
      () => kms.send(new UpdateKeyDescriptionCommand({ KeyId: md.KeyId, Description: 'x' })),
      () => kms.send(new ScheduleKeyDeletionCommand({ KeyId: md.KeyId })),
    ]) {
      const e = await awsError(call);
      assert.deepEqual([e.name, e.message], ['KMSInvalidStateException', pending]);
    }
  });

  it('CancelKeyDeletion returns the key to Disabled; refused for a key not pending deletion', async () => {
    const md = await newKey();
    let e = await awsError(() => kms.send(new CancelKeyDeletionCommand({ KeyId: md.KeyId })));
    assert.deepEqual([e.name, e.message], ['KMSInvalidStateException', `${md.Arn} is not pending deletion.`]);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: md.KeyId }));
    const r = await kms.send(new CancelKeyDeletionCommand({ KeyId: md.Arn }));
    assert.equal(r.KeyId, md.Arn);
    const d = (await kms.send(new DescribeKeyCommand({ KeyId: md.KeyId }))).KeyMetadata!;
    assert.equal(d.KeyState, 'Disabled');
    assert.equal(d.DeletionDate, undefined);
    assert.equal(d.PendingDeletionWindowInDays, undefined);
    e = await awsError(() => kms.send(new EncryptCommand({ KeyId: md.KeyId, Plaintext: Buffer.from('x') })));
    assert.equal(e.name, 'DisabledException');
  });
});
