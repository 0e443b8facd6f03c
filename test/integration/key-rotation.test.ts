/**
 * Key rotation against a real server with @aws-sdk/client-kms: the five
 * rotation operations and their errors, on-demand rotation and its limit,
 * ciphertext of every version still decrypting, and automatic rotation by the
 * lifecycle scheduler with time moved on a ManualClock.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisableKeyRotationCommand,
  EnableKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GetKeyRotationStatusCommand,
  ListKeyRotationsCommand,
  ReEncryptCommand,
  RotateKeyOnDemandCommand,
  ScheduleKeyDeletionCommand,
  CancelKeyDeletionCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import { awsError, startTestServer, TEST_ACCOUNT, type TestServer } from '../helpers/trent.js';
import { MemoryAuditSink } from '../../src/adapters/audit/memory-sink.js';

const DAY = 86_400_000;

async function newKey(kms: KMSClient, input: Record<string, unknown> = {}) {
  return (await kms.send(new CreateKeyCommand(input))).KeyMetadata!;
}

async function status(kms: KMSClient, keyId: string) {
  const { $metadata, ...out } = await kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }));
  return out;
}

async function rotations(kms: KMSClient, keyId: string, include?: 'ALL_KEY_MATERIAL' | 'ROTATIONS_ONLY') {
  const out = [];
  let marker: string | undefined;
  do {
    const page = await kms.send(new ListKeyRotationsCommand({ KeyId: keyId, IncludeKeyMaterial: include, Marker: marker, Limit: 7 }));
    out.push(...page.Rotations!);
    assert.equal(page.Truncated, page.NextMarker !== undefined);
    marker = page.NextMarker;
  } while (marker);
  return out;
}

describe('key rotation: operations', () => {
  let server: TestServer;
  let kms: KMSClient;
  before(async () => {
    server = await startTestServer();
    kms = server.kms();
  });
  after(async () => server.close());

  it('EnableKeyRotation (default 365 days, or RotationPeriodInDays), GetKeyRotationStatus, DisableKeyRotation', async () => {
    const key = await newKey(kms);
    assert.deepEqual(await status(kms, key.KeyId!), { KeyId: key.Arn, KeyRotationEnabled: false });
    const enabledAt = server.clock.now();
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
    let s = await status(kms, key.Arn!);
    assert.equal(s.KeyId, key.Arn);
    assert.equal(s.KeyRotationEnabled, true);
    assert.equal(s.RotationPeriodInDays, 365);
    assert.equal(s.NextRotationDate!.getTime(), enabledAt + 365 * DAY);
    assert.equal(s.OnDemandRotationStartDate, undefined);

    // A new period counts from the same enable date.
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    s = await status(kms, key.KeyId!);
    assert.equal(s.RotationPeriodInDays, 90);
    assert.equal(s.NextRotationDate!.getTime(), enabledAt + 90 * DAY);

    await kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId }));
    assert.deepEqual(await status(kms, key.KeyId!), { KeyId: key.Arn, KeyRotationEnabled: false });
    // Disabling twice is fine, as AWS.
    await kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId }));
  });

  it('RotationPeriodInDays outside 90-2560 is a ValidationException', async () => {
    const key = await newKey(kms);
    for (const days of [89, 2561, 0]) {
      const e = await awsError(() => kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: days })));
      assert.equal(e.name, 'ValidationException', String(days));
      assert.match(e.message, /rotationPeriodInDays/);
    }
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 2560 }));
    assert.equal((await status(kms, key.KeyId!)).RotationPeriodInDays, 2560);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    assert.equal((await status(kms, key.KeyId!)).RotationPeriodInDays, 90);
  });

  it('RotateKeyOnDemand makes new material current; DescribeKey, ListKeyRotations follow; old ciphertext decrypts; the schedule is unchanged', async () => {
    const key = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/on-demand', TargetKeyId: key.KeyId }));
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 180 }));
    const before = await status(kms, key.KeyId!);
    const first = await kms.send(new EncryptCommand({ KeyId: 'alias/on-demand', Plaintext: Buffer.from('v1'), EncryptionContext: { a: 'b' } }));
    assert.deepEqual(await rotations(kms, key.KeyId!), []);

    server.clock.advance(1000);
    const rotatedAt = server.clock.now();
    const out = await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    assert.equal(out.KeyId, key.Arn);
    const described = (await kms.send(new DescribeKeyCommand({ KeyId: 'alias/on-demand' }))).KeyMetadata!;
    assert.notEqual(described.CurrentKeyMaterialId, key.CurrentKeyMaterialId);
    assert.match(described.CurrentKeyMaterialId!, /^[0-9a-f]{64}$/);
    assert.deepEqual([described.KeyId, described.Arn, described.KeyState], [key.KeyId, key.Arn, 'Enabled']);

    assert.deepEqual(await rotations(kms, key.Arn!), [
      { KeyId: key.KeyId, KeyMaterialId: described.CurrentKeyMaterialId, KeyMaterialState: 'CURRENT', RotationDate: new Date(rotatedAt), RotationType: 'ON_DEMAND' },
    ]);
    assert.deepEqual(await rotations(kms, key.KeyId!, 'ALL_KEY_MATERIAL'), [
      { KeyId: key.KeyId, KeyMaterialId: key.CurrentKeyMaterialId, KeyMaterialState: 'NON_CURRENT' },
      { KeyId: key.KeyId, KeyMaterialId: described.CurrentKeyMaterialId, KeyMaterialState: 'CURRENT', RotationDate: new Date(rotatedAt), RotationType: 'ON_DEMAND' },
    ]);
    assert.deepEqual(await status(kms, key.KeyId!), before, 'on-demand rotation leaves the automatic schedule alone');

    const second = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('v2'), EncryptionContext: { a: 'b' } }));
    for (const [blob, text] of [[first.CiphertextBlob, 'v1'], [second.CiphertextBlob, 'v2']] as const) {
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { a: 'b' } }));
      assert.equal(Buffer.from(dec.Plaintext!).toString(), text);
      assert.equal(dec.KeyId, key.Arn);
    }
  });

  it(`RotateKeyOnDemand works without automatic rotation, and at most 25 times per key (LimitExceededException)`, async () => {
    const key = await newKey(kms);
    for (let i = 0; i < 25; i++) await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const e = await awsError(() => kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })));
    assert.deepEqual(e, {
      name: 'LimitExceededException',
      message: `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.Arn}`,
      status: 400,
    });
    assert.deepEqual(await status(kms, key.KeyId!), { KeyId: key.Arn, KeyRotationEnabled: false });
    const listed = await rotations(kms, key.KeyId!);
    assert.equal(listed.length, 25);
    assert.ok(listed.every((r) => r.RotationType === 'ON_DEMAND'));
    assert.deepEqual(listed.map((r) => r.KeyMaterialState), [...Array(24).fill('NON_CURRENT'), 'CURRENT']);
    assert.equal(new Set(listed.map((r) => r.KeyMaterialId)).size, 25);
  });

  it('asymmetric and HMAC keys: every rotation operation answers UnsupportedOperationException', async () => {
    const rsa = await newKey(kms, { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    const hmac = await newKey(kms, { KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
    for (const key of [rsa, hmac]) {
      const calls = [
        () => kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })),
        () => kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId })),
        () => kms.send(new GetKeyRotationStatusCommand({ KeyId: key.KeyId })),
        () => kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })),
        () => kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId })),
      ];
      for (const call of calls) {
        const e = await awsError(call);
        assert.equal(e.name, 'UnsupportedOperationException');
        assert.equal(e.status, 400);
      }
    }
  });

  it('key state: a disabled key refuses changes (DisabledException) but reports its status; rotation resumes when it is enabled', async () => {
    const key = await newKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId }));
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    for (const call of [
      () => kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })),
      () => kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId })),
      () => kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })),
    ]) {
      assert.deepEqual(await awsError(call), { name: 'DisabledException', message: `${key.Arn} is disabled.`, status: 400 });
    }
    assert.equal((await status(kms, key.KeyId!)).KeyRotationEnabled, true);
    assert.deepEqual(await rotations(kms, key.KeyId!), []);
    await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
  });

  it('key state: pending deletion refuses changes (KMSInvalidStateException) and reads false; cancelling restores the status', async () => {
    const key = await newKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 100 }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    for (const call of [
      () => kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })),
      () => kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId })),
      () => kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })),
    ]) {
      assert.deepEqual(await awsError(call), { name: 'KMSInvalidStateException', message: `${key.Arn} is pending deletion.`, status: 400 });
    }
    assert.deepEqual(await status(kms, key.KeyId!), { KeyId: key.Arn, KeyRotationEnabled: false });
    assert.deepEqual(await rotations(kms, key.KeyId!), []);
    await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
    const s = await status(kms, key.KeyId!);
    assert.deepEqual([s.KeyRotationEnabled, s.RotationPeriodInDays], [true, 100]);
  });

  it('unknown keys, aliases and other regions: NotFoundException', async () => {
    const missing = `arn:aws:kms:us-east-1:${TEST_ACCOUNT}:key/00000000-0000-4000-8000-000000000000`;
    for (const call of [
      () => kms.send(new EnableKeyRotationCommand({ KeyId: missing })),
      () => kms.send(new GetKeyRotationStatusCommand({ KeyId: missing })),
      () => kms.send(new RotateKeyOnDemandCommand({ KeyId: missing })),
      () => kms.send(new ListKeyRotationsCommand({ KeyId: missing })),
      () => kms.send(new DisableKeyRotationCommand({ KeyId: missing })),
    ]) {
      assert.deepEqual(await awsError(call), { name: 'NotFoundException', message: `Key '${missing}' does not exist`, status: 400 });
    }
    const key = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/not-for-rotation', TargetKeyId: key.KeyId }));
    const e = await awsError(() => kms.send(new RotateKeyOnDemandCommand({ KeyId: 'alias/not-for-rotation' })));
    assert.equal(e.name, 'NotFoundException');
  });

  it('ListKeyRotations pages with Limit and Marker; a bad marker is refused', async () => {
    const key = await newKey(kms);
    for (let i = 0; i < 5; i++) await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
    const p1 = await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, Limit: 2 }));
    assert.equal(p1.Rotations!.length, 2);
    assert.equal(p1.Truncated, true);
    const p2 = await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, Limit: 2, Marker: p1.NextMarker }));
    const p3 = await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, Limit: 2, Marker: p2.NextMarker }));
    assert.deepEqual([p3.Rotations!.length, p3.Truncated, p3.NextMarker], [1, false, undefined]);
    const ids = [...p1.Rotations!, ...p2.Rotations!, ...p3.Rotations!].map((r) => r.KeyMaterialId);
    assert.equal(new Set(ids).size, 5);
    assert.equal(ids[4], (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.CurrentKeyMaterialId);
    const all = await kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, IncludeKeyMaterial: 'ALL_KEY_MATERIAL', Limit: 1000 }));
    assert.equal(all.Rotations!.length, 6);
    const bad = await awsError(() => kms.send(new ListKeyRotationsCommand({ KeyId: key.KeyId, Marker: 'not a marker' })));
    assert.equal(bad.status, 400);
  });

  it('authorization: kms:<Action> from the key policy, with kms:RotationPeriodInDays as a condition', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${TEST_ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' },
        {
          Sid: 'ShortPeriodsOnly',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'kms:EnableKeyRotation',
          Resource: '*',
          Condition: { NumericGreaterThan: { 'kms:RotationPeriodInDays': 180 } },
        },
        { Sid: 'NoOnDemand', Effect: 'Deny', Principal: { AWS: '*' }, Action: 'kms:RotateKeyOnDemand', Resource: '*' },
      ],
    };
    const key = await newKey(kms, { Policy: JSON.stringify(policy) });
    const denied = await awsError(() => kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId })));
    assert.equal(denied.name, 'AccessDeniedException');
    assert.match(denied.message, /kms:EnableKeyRotation/);
    assert.match(denied.message, /explicit deny in a resource-based policy/);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 180 }));
    assert.equal((await status(kms, key.KeyId!)).RotationPeriodInDays, 180);
    const onDemand = await awsError(() => kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId })));
    assert.equal(onDemand.name, 'AccessDeniedException');
    assert.match(onDemand.message, /kms:RotateKeyOnDemand/);
  });

  it('a key rotated 20 times: ciphertext of every version decrypts and re-encrypts; id, ARN and alias unchanged', async () => {
    const key = await newKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/many-rotations', TargetKeyId: key.KeyId }));
    const blobs: { blob: Uint8Array; text: string }[] = [];
    const materialIds = new Set<string>();
    for (let v = 0; v <= 20; v++) {
      const text = `version ${v}`;
      const enc = await kms.send(new EncryptCommand({ KeyId: 'alias/many-rotations', Plaintext: Buffer.from(text), EncryptionContext: { v: String(v) } }));
      assert.equal(enc.KeyId, key.Arn);
      blobs.push({ blob: enc.CiphertextBlob!, text });
      materialIds.add((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.CurrentKeyMaterialId!);
      if (v < 20) {
        // Alternately on demand and automatic (the date reached on the clock), so both paths add versions.
        if (v % 2 === 0) await kms.send(new RotateKeyOnDemandCommand({ KeyId: key.KeyId }));
        else {
          await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
          server.clock.advance(91 * DAY);
          await server.trent.runScheduler();
          await kms.send(new DisableKeyRotationCommand({ KeyId: key.KeyId }));
        }
      }
    }
    assert.equal(materialIds.size, 21);
    const listed = await rotations(kms, key.KeyId!);
    assert.equal(listed.length, 20);
    assert.deepEqual(listed.map((r) => r.RotationType), Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 'ON_DEMAND' : 'AUTOMATIC')));
    for (const [v, { blob, text }] of blobs.entries()) {
      const dec = await kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { v: String(v) } }));
      assert.equal(Buffer.from(dec.Plaintext!).toString(), text);
      const re = await kms.send(
        new ReEncryptCommand({ CiphertextBlob: blob, SourceEncryptionContext: { v: String(v) }, DestinationKeyId: key.KeyId, DestinationEncryptionContext: { re: String(v) } }),
      );
      assert.deepEqual([re.SourceKeyId, re.KeyId], [key.Arn, key.Arn]);
      const back = await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, EncryptionContext: { re: String(v) } }));
      assert.equal(Buffer.from(back.Plaintext!).toString(), text);
    }
    const described = (await kms.send(new DescribeKeyCommand({ KeyId: 'alias/many-rotations' }))).KeyMetadata!;
    assert.deepEqual([described.KeyId, described.Arn], [key.KeyId, key.Arn]);
    // A tampered ciphertext is still refused.
    const bad = Buffer.from(blobs[3].blob);
    bad[bad.length - 1] ^= 1;
    assert.equal((await awsError(() => kms.send(new DecryptCommand({ CiphertextBlob: bad, EncryptionContext: { v: '3' } })))).name, 'InvalidCiphertextException');
  });
});

describe('key rotation: automatic rotation by the scheduler', () => {
  let server: TestServer;
  let kms: KMSClient;
  let audit: MemoryAuditSink;
  before(async () => {
    audit = new MemoryAuditSink();
    server = await startTestServer({ audit, sweepIntervalMs: 3_600_000 });
    kms = server.kms();
  });
  after(async () => server.close());

  it('rotates once when the date is reached, records RotateKey, then honours the period', async () => {
    const key = await newKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    const enabledAt = server.clock.now();
    const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: Buffer.from('before') }));

    server.clock.set(enabledAt + 90 * DAY - 1);
    await server.trent.runScheduler();
    assert.deepEqual(await rotations(kms, key.KeyId!), []);

    server.clock.set(enabledAt + 90 * DAY + 5000);
    const report = await server.trent.runScheduler();
    assert.equal(report['key-rotation'], 1);
    const firstAt = server.clock.now();
    let listed = await rotations(kms, key.KeyId!);
    assert.deepEqual(listed.map((r) => [r.RotationType, r.RotationDate!.getTime()]), [['AUTOMATIC', firstAt]]);
    assert.equal((await status(kms, key.KeyId!)).NextRotationDate!.getTime(), firstAt + 90 * DAY);
    const described = (await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!;
    assert.equal(described.CurrentKeyMaterialId, listed[0].KeyMaterialId);

    const event = audit.events.find((e) => e.eventName === 'RotateKey' && e.resources?.[0]?.ARN === key.Arn);
    assert.ok(event, 'RotateKey service event recorded');
    assert.equal(event.eventType, 'AwsServiceEvent');
    assert.deepEqual(event.serviceEventDetails, {
      rotationType: 'AUTOMATIC',
      keyOrigin: 'AWS_KMS',
      previousKeyMaterialId: key.CurrentKeyMaterialId,
      currentKeyMaterialId: described.CurrentKeyMaterialId,
    });

    // Running again at the same time does nothing; the next rotation waits a full period.
    await server.trent.runScheduler();
    server.clock.set(firstAt + 89 * DAY);
    await server.trent.runScheduler();
    assert.equal((await rotations(kms, key.KeyId!)).length, 1);
    server.clock.set(firstAt + 90 * DAY);
    await server.trent.runScheduler();
    listed = await rotations(kms, key.KeyId!);
    assert.deepEqual(listed.map((r) => r.RotationType), ['AUTOMATIC', 'AUTOMATIC']);
    assert.equal(audit.events.filter((e) => e.eventName === 'RotateKey' && e.resources?.[0]?.ARN === key.Arn).length, 2);

    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob }));
    assert.equal(Buffer.from(dec.Plaintext!).toString(), 'before');
  });

  it('a disabled key is not rotated while disabled; re-enabled after its date, it rotates at the next run', async () => {
    const key = await newKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: key.KeyId, RotationPeriodInDays: 90 }));
    const other = await newKey(kms);
    await kms.send(new EnableKeyRotationCommand({ KeyId: other.KeyId, RotationPeriodInDays: 90 }));
    await kms.send(new DisableKeyRotationCommand({ KeyId: other.KeyId }));
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    server.clock.advance(120 * DAY);
    await server.trent.runScheduler();
    assert.deepEqual(await rotations(kms, key.KeyId!), []);
    assert.deepEqual(await rotations(kms, other.KeyId!), [], 'automatic rotation disabled: never rotated');
    await kms.send(new EnableKeyCommand({ KeyId: key.KeyId }));
    await server.trent.runScheduler();
    assert.equal((await rotations(kms, key.KeyId!)).length, 1);
  });
});

describe('key rotation: restart in the middle of a window', () => {
  it('a key whose date passed while the server was down rotates once at start-up, then counts its period from then', async () => {
    const first = await startTestServer({ sweepIntervalMs: 3_600_000 });
    const dataDir = first.dataDir;
    const clock = first.clock;
    let keyId: string;
    try {
      const kms = first.kms();
      keyId = (await newKey(kms)).KeyId!;
      await kms.send(new EnableKeyRotationCommand({ KeyId: keyId, RotationPeriodInDays: 90 }));
      clock.advance(60 * DAY);
      await first.trent.runScheduler();
      assert.deepEqual(await rotations(kms, keyId), []);
    } finally {
      await first.trent.close();
    }
    // Down for 250 days: the date (day 90) and two more periods pass.
    clock.advance(250 * DAY);
    const restartedAt = clock.now();
    const second = await startTestServer({ dataDir, clock, sweepIntervalMs: 3_600_000 });
    try {
      const kms = second.kms();
      const listed = await rotations(kms, keyId);
      assert.deepEqual(listed.map((r) => [r.RotationType, r.RotationDate!.getTime()]), [['AUTOMATIC', restartedAt]]);
      assert.equal((await status(kms, keyId)).NextRotationDate!.getTime(), restartedAt + 90 * DAY);
      await second.trent.runScheduler();
      assert.equal((await rotations(kms, keyId)).length, 1);
    } finally {
      await second.close();
    }
  });
});
